package dev.gatehouse.engine.packs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.LocationTree;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the rows of a pack's decision table, written so that a clinic manager can read them
 * (docs/style.md rule 11):
 *
 * <pre>
 * role                                   | permission     | resource                                  | expected | why
 * provider@downtown                      | patients.read  | patient:7 @downtown assignee:me            | allow    | ...
 * manager@downtown + front_desk@uptown   | users.manage   | @uptown                                   | deny     | ...
 * </pre>
 *
 * <ul>
 *   <li>role: {@code key} (held tenant-wide) or {@code key@location}; several joined by {@code +}.
 *   <li>resource: {@code -} for none ("anywhere?"), else space-separated tokens: {@code type:id},
 *       {@code @location}, {@code owner:me} or {@code owner:other}, {@code assignee:me} (repeatable).
 *   <li>expected: {@code allow} or {@code deny}.
 * </ul>
 *
 * The subject is always {@code me}. Locations: {@code north} (a region) holds {@code downtown} and
 * {@code uptown}; {@code south} holds {@code harbor}.
 */
final class DecisionTable {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String ME = "me";

    private final TenantPolicy policy;

    DecisionTable(String pack) {
        this.policy = RolePacks.builtIn(pack).policyFor("tenant-" + pack)
                .locations(LocationTree.of(
                        Location.root("north"),
                        Location.under("north", "downtown"),
                        Location.under("north", "uptown"),
                        Location.root("south"),
                        Location.under("south", "harbor")))
                .build();
    }

    TenantPolicy policy() {
        return policy;
    }

    Decision decide(String roles, String permission, String resource) {
        return policy.check(policy.compile(subject(ME, roles)), permission, resource(resource), NOW);
    }

    /** A subject {@code id} holding {@code roles}, written as in the role column ({@code manager@downtown + front_desk@uptown}). */
    static Subject subject(String id, String roles) {
        List<Assignment> assignments = new ArrayList<>();
        int n = 0;
        for (String held : roles.split("\\+")) {
            String[] parts = held.strip().split("@", 2);
            String assignment = id + "-assignment-" + n++;
            assignments.add(parts.length == 1
                    ? Assignment.tenantWide(assignment, parts[0])
                    : Assignment.at(assignment, parts[0], parts[1]));
        }
        return Subject.active(id, assignments);
    }

    /** Asserts one row; the failure message carries the row and the engine's explanation. */
    void assertRow(String roles, String permission, String resource, String expected, String why) {
        Decision decision = decide(roles, permission, resource);
        boolean allow = switch (expected.strip()) {
            case "allow" -> true;
            case "deny" -> false;
            default -> throw new IllegalArgumentException("expected is allow or deny, not " + expected);
        };
        assertThat(decision.allowed())
                .as("%s | %s | %s → %s (%s); engine says: %s", roles, permission, resource, expected, why,
                        decision.explain())
                .isEqualTo(allow);
    }

    static Resource resource(String text) {
        String spec = text.strip();
        if (spec.equals("-") || spec.isEmpty()) {
            return null;
        }
        String type = null;
        String id = null;
        String location = null;
        String owner = null;
        Set<String> assignees = new HashSet<>();
        for (String token : spec.split("\\s+")) {
            if (token.startsWith("@")) {
                location = token.substring(1);
            } else if (token.startsWith("owner:")) {
                owner = token.substring("owner:".length());
            } else if (token.startsWith("assignee:")) {
                assignees.add(token.substring("assignee:".length()));
            } else if (token.contains(":")) {
                type = token.substring(0, token.indexOf(':'));
                id = token.substring(token.indexOf(':') + 1);
            } else {
                throw new IllegalArgumentException("cannot read resource token " + token + " in " + text);
            }
        }
        return new Resource(type, id, location, owner, assignees, java.util.Map.of());
    }
}
