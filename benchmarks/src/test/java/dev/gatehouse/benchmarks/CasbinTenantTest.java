package dev.gatehouse.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.engine.Profile;
import java.util.List;
import org.casbin.jcasbin.main.Enforcer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The two engines hold the same policy: they decide a sample of drawn requests alike. */
class CasbinTenantTest {

    private static GeneratedTenant tenant;
    private static AccessCases cases;

    @BeforeAll
    static void generate() {
        tenant = GeneratedTenant.withUsers(1_000);
        List<Profile> profiles = tenant.subjects().stream().map(tenant.policy()::compile).toList();
        cases = AccessCases.draw(tenant, profiles, 2_000);
    }

    @Test
    void drawsAsManyRequestsOfEachKindAsAsked() {
        assertEquals(2_000, cases.allowed().size());
        assertEquals(2_000, cases.denied().size());
        assertTrue(cases.allowed().stream().allMatch(drawn -> drawn.decision().allowed()));
        assertTrue(cases.denied().stream().noneMatch(drawn -> drawn.decision().allowed()));
    }

    @ParameterizedTest
    @EnumSource(CasbinTenant.Matcher.class)
    void allowsEveryRequestGatehouseAllows(CasbinTenant.Matcher matcher) {
        Enforcer enforcer = CasbinTenant.enforcer(tenant, matcher);
        for (AccessCases.Case drawn : cases.allowed()) {
            assertTrue(enforcer.enforce(request(drawn)), () -> describe(drawn));
        }
    }

    @ParameterizedTest
    @EnumSource(CasbinTenant.Matcher.class)
    void deniesEveryRequestGatehouseDenies(CasbinTenant.Matcher matcher) {
        Enforcer enforcer = CasbinTenant.enforcer(tenant, matcher);
        for (AccessCases.Case drawn : cases.denied()) {
            assertFalse(enforcer.enforce(request(drawn)), () -> describe(drawn));
        }
    }

    private static Object[] request(AccessCases.Case drawn) {
        return CasbinTenant.request(tenant.subjects().get(drawn.subject()).id(), drawn.permission(), drawn.resource());
    }

    private static String describe(AccessCases.Case drawn) {
        return tenant.subjects().get(drawn.subject()) + " " + drawn.permission() + " at "
                + drawn.resource().location() + ": Gatehouse says " + drawn.decision().explain();
    }
}
