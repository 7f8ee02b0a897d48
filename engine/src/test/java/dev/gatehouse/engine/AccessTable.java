package dev.gatehouse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Runs the rows of the engine's decision tables against a policy (docs/style.md rule 11):
 *
 * <pre>
 * role                        | permission    | resource                     | expected                 | why
 * clinician@downtown          | patients.read | patient:7 @uptown assignee:me | allow: clinician         | ...
 * reader_assigned             | patients.read | patient:7 @downtown           | deny: scope miss         | ...
 * </pre>
 *
 * <ul>
 *   <li>role: as {@link TestSubjects#read}; the subject is {@code me}.
 *   <li>permission: a key, asked for as written.
 *   <li>resource: {@code -} for none ("anywhere?"), else space-separated tokens: {@code type:id},
 *       {@code @location}, {@code owner:who}, {@code assignee:who} (repeatable), {@code name=number}
 *       (an attribute for conditions).
 *   <li>expected: {@code allow} or {@code deny}; optionally {@code allow: role} (the role that
 *       granted), {@code allow: role from declaring} (and the role that declared the grant), or
 *       {@code deny: reason} (the reason's code in words: {@code scope miss}, {@code outside
 *       validity}, ...).
 * </ul>
 *
 * Every row is asked at {@link TestPolicies#NOW}. This is the engine's one decision-table runner:
 * AccessModelTest's tables run on it directly, the packs' tables through DecisionTable (which only
 * supplies a pack's policy and its locations).
 */
public final class AccessTable {

    private final TenantPolicy policy;

    public AccessTable(TenantPolicy policy) {
        this.policy = policy;
    }

    public Decision decide(String role, String permission, String resource) {
        Profile profile = policy.compile(TestSubjects.read(role, TestPolicies.NOW));
        return policy.check(profile, permission.strip(), resource(resource), TestPolicies.NOW);
    }

    /** Asserts one row; the failure message carries the row and the engine's explanation. */
    public void assertRow(String role, String permission, String resource, String expected, String why) {
        assertRow(role, TestSubjects.read(role, TestPolicies.NOW), permission, resource, expected, why);
    }

    /** As above for a subject built by the table itself; {@code label} names it in a failure. */
    public void assertRow(String label, Subject subject, String permission, String resource, String expected,
            String why) {
        String role = label;
        Decision decision = policy.check(policy.compile(subject), permission.strip(), resource(resource),
                TestPolicies.NOW);
        String row = String.format("%s | %s | %s → %s (%s); engine says: %s [%s]", role, permission, resource, expected,
                why, decision.explain(), decision.reason().code());
        String[] parts = expected.strip().split("\\s*:\\s*", 2);
        switch (parts[0]) {
            case "allow" -> {
                assertThat(decision.allowed()).as(row).isTrue();
                if (parts.length == 2) {
                    Reason.GrantedBy granted = (Reason.GrantedBy) decision.reason();
                    String[] roles = parts[1].split("\\s+from\\s+", 2);
                    assertThat(granted.role()).as(row).isEqualTo(roles[0]);
                    if (roles.length == 2) {
                        assertThat(granted.declaredBy()).as(row).isEqualTo(roles[1]);
                    }
                }
            }
            case "deny" -> {
                assertThat(decision.allowed()).as(row).isFalse();
                if (parts.length == 2) {
                    assertThat(decision.reason().code().replace('_', ' ').toLowerCase(Locale.ROOT)).as(row)
                            .isEqualTo(parts[1]);
                }
            }
            default -> throw new IllegalArgumentException("expected is allow or deny, not " + expected);
        }
    }

    public static @Nullable Resource resource(String text) {
        String spec = text.strip();
        if (spec.equals("-") || spec.isEmpty()) {
            return null;
        }
        String type = null;
        String id = null;
        String location = null;
        String owner = null;
        Set<String> assignees = new HashSet<>();
        Map<String, Object> attributes = new HashMap<>();
        for (String token : spec.split("\\s+")) {
            if (token.startsWith("@")) {
                location = token.substring(1);
            } else if (token.startsWith("owner:")) {
                owner = token.substring("owner:".length());
            } else if (token.startsWith("assignee:")) {
                assignees.add(token.substring("assignee:".length()));
            } else if (token.contains("=")) {
                attributes.put(token.substring(0, token.indexOf('=')),
                        Integer.parseInt(token.substring(token.indexOf('=') + 1)));
            } else if (token.contains(":")) {
                type = token.substring(0, token.indexOf(':'));
                id = token.substring(token.indexOf(':') + 1);
            } else {
                throw new IllegalArgumentException("cannot read resource token " + token + " in " + text);
            }
        }
        return new Resource(type, id, location, owner, assignees, attributes);
    }
}
