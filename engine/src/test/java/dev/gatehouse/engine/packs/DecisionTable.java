package dev.gatehouse.engine.packs;

import dev.gatehouse.engine.AccessTable;
import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.LocationTree;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A pack's decision table: the pack's policy over the locations below, its rows run by the engine's
 * one runner, {@link AccessTable} (docs/style.md rule 11):
 *
 * <pre>
 * role                                   | permission     | resource                                  | expected | why
 * provider@downtown                      | patients.read  | patient:7 @downtown assignee:me            | allow    | ...
 * manager@downtown + front_desk@uptown   | users.manage   | @uptown                                   | deny     | ...
 * </pre>
 *
 * <ul>
 *   <li>role: {@code key} (held tenant-wide) or {@code key@location}; several joined by {@code " + "} (the
 *       whole syntax, with times and account states, is {@link AccessTable}'s).
 *   <li>resource: {@code -} for none ("anywhere?"), else space-separated tokens: {@code type:id},
 *       {@code @location}, {@code owner:me} or {@code owner:other}, {@code assignee:me} (repeatable).
 *   <li>expected: {@code allow} or {@code deny}.
 * </ul>
 *
 * The subject is always {@code me}. Locations: {@code north} (a region) holds {@code downtown} and
 * {@code uptown}; {@code south} holds {@code harbor}.
 */
final class DecisionTable {

    /** The runner asks every row at the same instant (TestPolicies.NOW). */
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final String ME = "me";

    private final TenantPolicy policy;
    private final AccessTable table;

    DecisionTable(String pack) {
        this.policy = RolePacks.builtIn(pack).policyFor("tenant-" + pack)
                .locations(LocationTree.of(
                        Location.root("north"),
                        Location.under("north", "downtown"),
                        Location.under("north", "uptown"),
                        Location.root("south"),
                        Location.under("south", "harbor")))
                .build();
        this.table = new AccessTable(policy);
    }

    TenantPolicy policy() {
        return policy;
    }

    Decision decide(String roles, String permission, String resource) {
        return table.decide(roles, permission, resource);
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

    /** Asserts one row with the engine's one runner; the failure message carries the row and the engine's explanation. */
    void assertRow(String roles, String permission, String resource, String expected, String why) {
        table.assertRow(roles, permission, resource, expected, why);
    }
}
