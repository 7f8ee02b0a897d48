package dev.gatehouse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Who may act on whom, grant by grant (docs/engine.md): when one grant of the caller's covers one
 * of the target's. Each side holds a role of one grant of {@code patients.read}, written
 * {@code scope@location} ({@code @-} tenant-wide), optionally {@code if <condition>}. Locations:
 * {@code north} holds {@code downtown} and {@code uptown}; {@code south} is apart.
 */
class CoverageTest {

    private static final Instant NOW = TestPolicies.NOW;

    @ParameterizedTest(name = "{0} covers {1} → {2}: {3}", quoteTextArguments = false)
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # caller holds             | target holds               | expected | why
          TENANT@-                 | TENANT@-                   | allow    | the same
          TENANT@downtown          | TENANT@-                   | allow    | a TENANT grant reaches everything wherever its role is held
          LOCATION@-               | TENANT@-                   | deny     | tenant-wide LOCATION does not reach resources at no known location
          TENANT@-                 | LOCATION@downtown          | allow    | wider scope
          LOCATION@-               | LOCATION@downtown          | allow    | tenant-wide holds at every location
          LOCATION@north           | LOCATION@downtown          | allow    | a role held at a region holds below it
          LOCATION@downtown        | LOCATION@downtown          | allow    | the same place
          LOCATION@downtown        | LOCATION@north             | deny     | the region is wider than one of its clinics
          LOCATION@downtown        | LOCATION@uptown            | deny     | another location
          LOCATION@downtown        | LOCATION@-                 | deny     | tenant-wide is everywhere
          LOCATION@downtown        | ASSIGNED@downtown          | allow    | wider scope, held at the same place
          LOCATION@north           | ASSIGNED@downtown          | allow    | wider scope, held above the target's place
          LOCATION@south           | ASSIGNED@downtown          | deny     | a manager at one clinic does not administer an assistant at another
          LOCATION@downtown        | ASSIGNED@uptown            | deny     | the caller reaches nothing at uptown
          LOCATION@downtown        | ASSIGNED@north             | deny     | the target holds it over the whole region
          LOCATION@downtown        | ASSIGNED@-                 | deny     | the target holds it tenant-wide
          LOCATION@-               | ASSIGNED@-                 | allow    | held tenant-wide, wider scope
          TENANT@south             | ASSIGNED@downtown          | allow    | a TENANT grant reaches everything wherever its role is held
          ASSIGNED@south           | ASSIGNED@downtown          | deny     | the same scope held elsewhere
          ASSIGNED@downtown        | ASSIGNED@downtown          | allow    | the same scope at the same place
          ASSIGNED@-               | ASSIGNED@uptown            | allow    | held tenant-wide holds at every location
          OWN@downtown             | ASSIGNED@downtown          | deny     | owning is narrower than being assigned
          ASSIGNED@downtown        | OWN@downtown               | allow    | being assigned includes owning
          ASSIGNED@downtown        | OWN@uptown                 | deny     | being assigned includes owning, but not at another place
          OWN@north                | OWN@uptown                 | allow    | the same scope held above
          OWN@uptown               | OWN@-                      | deny     | the target holds it tenant-wide
          ASSIGNED@downtown        | LOCATION@downtown          | deny     | narrower scope
          TENANT@- if night        | TENANT@- if night          | allow    | the identical condition
          TENANT@- if night        | TENANT@- if day            | deny     | another condition
          TENANT@- if night        | TENANT@-                   | deny     | a condition is less than none
          TENANT@-                 | LOCATION@uptown if day     | allow    | unconditional and wider
          none                     | OWN@downtown               | deny     | the caller does not hold it
          none                     | none                       | allow    | nothing to cover
        """)
    void aGrantCoversAnotherWhenItReachesAllItReaches(String caller, String target, String expected, String why) {
        TenantPolicy policy = policy(caller, target);
        Decision decision = policy.covers(policy.compile(subject("caller", caller)),
                policy.compile(subject("target", target)), NOW, null);

        assertThat(decision.allowed()).as("%s covers %s (%s): %s", caller, target, why, decision.explain())
                .isEqualTo(expected.equals("allow"));
    }

    @Test
    void theRefusalNamesTheGrantAndWhereTheCallerHoldsIt() {
        TenantPolicy policy = policy("LOCATION@downtown", "TENANT@-");
        Decision decision = policy.covers(policy.compile(subject("caller", "LOCATION@downtown")),
                policy.compile(subject("olivia", "TENANT@-")), NOW, null);

        assertThat(decision.reason()).isInstanceOf(Reason.Uncovered.class);
        assertThat(((Reason.Uncovered) decision.reason()).describe(id -> id.equals("downtown") ? "Downtown" : id))
                .isEqualTo("olivia holds patients.read tenant-wide, which you hold only at Downtown");
        Decision none = policy.covers(policy.compile(subject("caller", "none")),
                policy.compile(subject("olivia", "TENANT@-")), NOW, null);
        assertThat(none.explain()).isEqualTo("olivia holds patients.read tenant-wide, which you do not hold");
    }

    @Test
    void aRefusalOfAnAssignedGrantHeldElsewhereSaysWhereEachSideHoldsIt() {
        TenantPolicy policy = policy("ASSIGNED@south", "ASSIGNED@downtown");
        Decision decision = policy.covers(policy.compile(subject("caller", "ASSIGNED@south")),
                policy.compile(subject("aida", "ASSIGNED@downtown")), NOW, null);

        assertThat(decision.explain()).isEqualTo("aida holds patients.read for what is assigned to them at downtown,"
                + " which you hold only for what is assigned to you at south");
        TenantPolicy manager = policy("LOCATION@south", "ASSIGNED@-");
        assertThat(manager.covers(manager.compile(subject("caller", "LOCATION@south")),
                manager.compile(subject("aida", "ASSIGNED@-")), NOW, null).explain())
                .isEqualTo("aida holds patients.read for what is assigned to them, tenant-wide, which you hold only at south");
    }

    @Test
    void expiredAssignmentsOfTheTargetNeverCountAndComingOnesDo() {
        TenantPolicy policy = policy("LOCATION@downtown", "TENANT@-");
        Profile caller = policy.compile(subject("caller", "LOCATION@downtown"));
        Assignment wide = Assignment.tenantWide("w", "target-role");

        Profile expired = policy.compile(Subject.active("t", wide.during(NOW.minus(Duration.ofDays(9)), NOW)));
        Profile coming = policy.compile(Subject.active("t", wide.during(NOW.plus(Duration.ofDays(1)), null)));

        assertThat(policy.covers(caller, expired, NOW, null).allowed()).isTrue();
        assertThat(policy.covers(caller, coming, NOW, null).allowed()).isFalse();
        Profile callerComing = policy.compile(Subject.active("caller2",
                Assignment.tenantWide("c", "target-role").during(NOW.plus(Duration.ofDays(1)), null)));
        assertThat(policy.covers(callerComing, coming, NOW, null).allowed())
                .as("the caller's own coming role is not theirs yet").isFalse();
    }

    @Test
    void aRoleChangeAtALocationComparesOnlyWhatHoldsThere() {
        // seed 000: a manager at downtown who is front desk at uptown, seen from downtown.
        TenantPolicy policy = policy("LOCATION@downtown", "LOCATION@downtown");
        Profile otherManager = policy.compile(subject("caller", "LOCATION@downtown"));
        Profile both = policy.compile(Subject.active("both", Assignment.at("a", "target-role", "downtown"),
                Assignment.at("b", "target-role", "uptown")));

        assertThat(policy.covers(otherManager, both, NOW, "downtown").allowed()).isTrue();
        assertThat(policy.covers(otherManager, both, NOW, "uptown").allowed()).isFalse();
        assertThat(policy.covers(otherManager, both, NOW, null).allowed()).as("everything").isFalse();
        assertThat(policy.covers(otherManager, both, NOW, "north").allowed()).as("north holds uptown").isFalse();
    }

    /** A tenant with one role per side: {@code caller-role} and {@code target-role}, one grant each. */
    private static TenantPolicy policy(String caller, String target) {
        List<Role> roles = new ArrayList<>();
        roles.add(Role.of("caller-role", List.of(), grants(caller)));
        roles.add(Role.of("target-role", List.of(), grants(target)));
        return TenantPolicy.builder("t", PermissionCatalog.ofKeys("patients.read", "patients.edit"))
                .locations(LocationTree.of(Location.root("north"), Location.under("north", "downtown"),
                        Location.under("north", "uptown"), Location.root("south")))
                .roles(roles).build();
    }

    private static List<Grant> grants(String spec) {
        if (spec.strip().equals("none")) {
            return List.of();
        }
        String[] parts = spec.strip().split(" if ", 2);
        Scope scope = Scope.valueOf(parts[0].substring(0, parts[0].indexOf('@')));
        return List.of(new Grant("patients.read", scope, parts.length == 2 ? new Condition(parts[1]) : null));
    }

    /** The subject holds its side's role where the spec says ({@code @-}: tenant-wide). */
    private static Subject subject(String id, String spec) {
        String role = id.equals("caller") ? "caller-role" : "target-role";
        if (spec.strip().equals("none")) {
            return Subject.active(id, List.of());
        }
        String where = spec.strip().split(" if ", 2)[0];
        String location = where.substring(where.indexOf('@') + 1);
        return Subject.active(id, location.equals("-")
                ? Assignment.tenantWide("a-" + id, role)
                : Assignment.at("a-" + id, role, location));
    }
}
