package dev.gatehouse.engine;

import static dev.gatehouse.engine.TestPolicies.inheriting;
import static dev.gatehouse.engine.TestPolicies.role;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.engine.PolicyException.Problem;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * A policy that cannot be built says every problem with the path of the field at fault, so that
 * the API can answer a tenant admin's edit with the field to fix.
 */
class PolicyValidationTest {

    private static final PermissionCatalog CATALOG = TestPolicies.catalog();

    private static TenantPolicy build(Role... roles) {
        return TenantPolicy.builder(TestPolicies.ACME, CATALOG).locations(TestPolicies.locations())
                .roles(List.of(roles)).build();
    }

    private static void assertProblems(ThrowingCallable building, Problem... expected) {
        assertThatThrownBy(building).isInstanceOfSatisfying(PolicyException.class,
                thrown -> assertThat(thrown.problems()).containsExactly(expected));
    }

    @Nested
    class Roles {

        @Test
        void namesAnInheritanceCycleInOrder() {
            assertProblems(() -> build(
                            inheriting("a", List.of("b")),
                            inheriting("b", List.of("c")),
                            inheriting("c", List.of("a"))),
                    new Problem("roles[a].inherits", "inheritance cycle: a → b → c → a"));
        }

        @Test
        void namesACycleBelowAnAcyclicRole() {
            assertProblems(() -> build(
                            inheriting("nurse", List.of("x")),
                            inheriting("x", List.of("y")),
                            inheriting("y", List.of("x"))),
                    new Problem("roles[x].inherits", "inheritance cycle: x → y → x"));
        }

        @Test
        void rejectsARoleInheritingFromItself() {
            assertProblems(() -> build(inheriting("nurse", List.of("nurse"), Grant.of("patients.read"))),
                    new Problem("roles[nurse].inherits", "inheritance cycle: nurse → nurse"));
        }

        @Test
        void acceptsADiamondWhichIsNoCycle() {
            TenantPolicy policy = build(
                    role("base", Grant.of("reports.view")),
                    inheriting("left", List.of("base")),
                    inheriting("right", List.of("base")),
                    inheriting("top", List.of("left", "right")));

            assertThat(policy.flattenedGrants("top")).containsExactly(Grant.of("reports.view"));
        }

        @Test
        void rejectsAnUnknownParent() {
            assertProblems(() -> build(inheriting("nurse", List.of("doctor"))),
                    new Problem("roles[nurse].inherits", "unknown role doctor"));
        }

        @Test
        void rejectsAPermissionOutsideTheCatalog() {
            assertProblems(() -> build(role("nurse", Grant.of("patients.read"), Grant.of("patients.archive"))),
                    new Problem("roles[nurse].grants[1].permission", "unknown permission patients.archive"));
        }

        @Test
        void rejectsAGrantThatIsNeitherAKeyNorAWildcard() {
            assertProblems(() -> build(role("nurse", Grant.of("patients..read"), Grant.of("*.read"),
                            Grant.of("patients.*.read"))),
                    new Problem("roles[nurse].grants[0].permission",
                            "'patients..read' is neither a permission key nor a wildcard (* or resource.*)"),
                    new Problem("roles[nurse].grants[1].permission",
                            "'*.read' is neither a permission key nor a wildcard (* or resource.*)"),
                    new Problem("roles[nurse].grants[2].permission",
                            "'patients.*.read' is neither a permission key nor a wildcard (* or resource.*)"));
        }

        @Test
        void acceptsAWildcardEvenWhenItCoversNothingYet() {
            // A tenant's applications may register keys under a prefix later (access-model "Permission").
            TenantPolicy policy = build(role("integrator", Grant.of("lab_orders.*")));

            assertThat(policy.flattenedGrants("integrator")).containsExactly(Grant.of("lab_orders.*"));
        }

        @Test
        void rejectsAnInvalidRoleKey() {
            assertProblems(() -> build(role("9lives"), role("front desk"), role("")),
                    new Problem("roles[9lives].key",
                            "a role key is 1 to 64 letters, digits, _ or -, starting with a letter"),
                    new Problem("roles[front desk].key",
                            "a role key is 1 to 64 letters, digits, _ or -, starting with a letter"),
                    new Problem("roles[].key",
                            "a role key is 1 to 64 letters, digits, _ or -, starting with a letter"));
        }

        @Test
        void rejectsARoleDefinedTwice() {
            assertProblems(() -> build(role("nurse", Grant.of("patients.read")), role("nurse")),
                    new Problem("roles[nurse].key", "role nurse is defined twice"));
        }

        @Test
        void namesEveryProblemAtOnce() {
            assertProblems(() -> build(
                            role("nurse", Grant.of("patients.archive")),
                            role("nurse"),
                            inheriting("doctor", List.of("surgeon"))),
                    new Problem("roles[nurse].key", "role nurse is defined twice"),
                    new Problem("roles[nurse].grants[0].permission", "unknown permission patients.archive"),
                    new Problem("roles[doctor].inherits", "unknown role surgeon"));
        }

        @Test
        void namesACycleTogetherWithOtherProblems() {
            assertProblems(() -> build(
                            role("nurse", Grant.of("patients.archive")),
                            inheriting("a", List.of("b")),
                            inheriting("b", List.of("a"))),
                    new Problem("roles[nurse].grants[0].permission", "unknown permission patients.archive"),
                    new Problem("roles[a].inherits", "inheritance cycle: a → b → a"));
        }
    }

    @Nested
    class Locations {

        @Test
        void namesALocationCycle() {
            assertProblems(() -> LocationTree.of(
                            Location.root("north"),
                            Location.under("c", "a"),
                            Location.under("a", "b"),
                            Location.under("b", "c")),
                    new Problem("locations[a].parent", "location cycle: a → c → b → a"));
        }

        @Test
        void namesALocationThatIsItsOwnParent() {
            assertProblems(() -> LocationTree.of(Location.under("loop", "loop")),
                    new Problem("locations[loop].parent", "location cycle: loop → loop"));
        }

        @Test
        void rejectsAnUnknownParentLocation() {
            assertProblems(() -> LocationTree.of(Location.under("north", "downtown"), Location.root("south")),
                    new Problem("locations[downtown].parent", "unknown location north"));
        }

        @Test
        void rejectsALocationListedTwice() {
            assertProblems(() -> LocationTree.of(Location.root("north"), Location.root("north")),
                    new Problem("locations[north]", "listed twice"));
        }
    }

    @Nested
    class Catalogs {

        @Test
        void rejectsAKeyListedTwice() {
            assertProblems(() -> PermissionCatalog.ofKeys("patients.read", "patients.edit", "patients.read"),
                    new Problem("permissions[patients.read]", "listed twice"));
        }

        @Test
        void rejectsAKeyRegisteredTwiceByAnApplication() {
            assertProblems(() -> CATALOG.with(List.of(Permission.of("patients.read", "again"))),
                    new Problem("permissions[patients.read]", "listed twice"));
        }

        @Test
        void rejectsAnInvalidKey() {
            assertProblems(() -> PermissionCatalog.ofKeys("patients read", "patients.*", ".read"),
                    new Problem("permissions[patients read]", "not a valid permission key (resource.action[.qualifier])"),
                    new Problem("permissions[patients.*]", "not a valid permission key (resource.action[.qualifier])"),
                    new Problem("permissions[.read]", "not a valid permission key (resource.action[.qualifier])"));
        }
    }

    @Nested
    class Assignments {

        private final TenantPolicy acme = TestPolicies.acme().build();

        @Test
        void rejectsAnAssignmentToAnUnknownRoleAtCompile() {
            Subject subject = TestSubjects.me().with(Assignment.tenantWide("a1", "surgeon")).build();

            assertProblems(() -> acme.compile(subject), new Problem("assignments[a1].role", "unknown role surgeon"));
        }

        @Test
        void rejectsAnAssignmentAtAnUnknownLocationAtCompile() {
            Subject subject = TestSubjects.me().with(Assignment.at("a1", "reader_location", "mars")).build();

            assertProblems(() -> acme.compile(subject),
                    new Problem("assignments[a1].location", "unknown location mars"));
        }

        @Test
        void namesEveryBadAssignmentAtOnce() {
            Subject subject = TestSubjects.me()
                    .with(Assignment.at("a1", "surgeon", "mars"))
                    .holding("owner")
                    .with(Assignment.at("a3", "reader_location", "atlantis"))
                    .build();

            assertProblems(() -> acme.compile(subject),
                    new Problem("assignments[a1].role", "unknown role surgeon"),
                    new Problem("assignments[a1].location", "unknown location mars"),
                    new Problem("assignments[a3].location", "unknown location atlantis"));
        }

        @Test
        void rejectsAnAssignmentThatEndsBeforeItStarts() {
            Instant now = TestPolicies.NOW;
            Assignment assignment = Assignment.tenantWide("a1", "owner");

            assertThatThrownBy(() -> assignment.during(now, now)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a1");
            assertThatThrownBy(() -> assignment.during(now, now.minusSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
