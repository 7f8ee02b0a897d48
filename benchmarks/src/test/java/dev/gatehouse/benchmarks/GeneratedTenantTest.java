package dev.gatehouse.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeneratedTenantTest {

    @Test
    void generatesTheSamePolicyAndUsersOnEveryRun() {
        GeneratedTenant first = GeneratedTenant.withUsers(500);
        GeneratedTenant second = GeneratedTenant.withUsers(500);

        assertEquals(first.policy().roles(), second.policy().roles());
        assertEquals(first.subjects(), second.subjects());
    }

    @Test
    void smallerPopulationsAreThePrefixOfLargerOnes() {
        List<Subject> thousand = GeneratedTenant.withUsers(1_000).subjects();
        List<Subject> fiveHundred = GeneratedTenant.withUsers(500).subjects();

        assertEquals(fiveHundred, thousand.subList(0, 500));
    }

    @Test
    void hasFiftyLocationsInThreeLevels() {
        List<Location> locations = GeneratedTenant.withUsers(1).policy().locations().locations();

        assertEquals(50, locations.size());
        assertEquals(2, locations.stream().filter(l -> l.parent() == null).count());
        assertEquals(8, locations.stream().filter(l -> l.id().startsWith("area-")).count());
        assertEquals(40, locations.stream().filter(l -> l.id().startsWith("clinic-")).count());
    }

    @Test
    void hasTwoHundredPermissionsAndThirtyRolesInheritingThreeLevelsDeep() {
        TenantPolicy policy = GeneratedTenant.withUsers(1).policy();
        List<Role> roles = policy.roles();

        assertEquals(200, policy.catalog().size());
        assertEquals(30, roles.size());
        for (Role role : roles) {
            switch (role.key().substring(0, role.key().indexOf('-'))) {
                case "base" -> assertShape(role, "", 0, 8, 15);
                case "senior" -> assertShape(role, "base-", 1, 2, 5);
                case "lead" -> assertShape(role, "senior-", 1, 1, 4);
                default -> throw new AssertionError("unexpected role " + role.key());
            }
        }
        long wildcards = roles.stream().flatMap(r -> r.grants().stream()).map(Grant::permission)
                .filter(p -> p.endsWith(".*")).count();
        assertEquals(6, wildcards);
    }

    /** 1–2 parents of the level below (none for a base role) and own grants in range, plus maybe a wildcard. */
    private static void assertShape(Role role, String parentPrefix, int minParents, int minGrants, int maxGrants) {
        int parents = role.inherits().size();
        assertTrue(parents >= minParents && parents <= (minParents == 0 ? 0 : 2), role::toString);
        assertTrue(role.inherits().stream().allMatch(parent -> parent.startsWith(parentPrefix)), role::toString);
        long grants = role.grants().stream().filter(grant -> !grant.permission().endsWith(".*")).count();
        assertTrue(grants >= minGrants && grants <= maxGrants, role::toString);
    }

    @Test
    void givesEveryUserOneToThreeAssignments() {
        for (Subject subject : GeneratedTenant.withUsers(2_000).subjects()) {
            int held = subject.assignments().size();
            assertTrue(held >= 1 && held <= 3, subject::toString);
        }
    }
}
