package dev.gatehouse.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.LocalDecisions;
import dev.gatehouse.client.LocalOptions;
import dev.gatehouse.client.NotFoundException;
import dev.gatehouse.engine.Profile;
import java.util.List;
import org.casbin.jcasbin.main.CachedEnforcer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What SdkCheckBenchmark measures is the same policy three ways: the SDK, fed the generated tenant by
 * the contract's documents over HTTP, and jCasbin's cached enforcer decide drawn requests as the
 * engine does.
 */
class ContractServerTest {

    private static GeneratedTenant tenant;
    private static AccessCases cases;
    private static ContractServer documents;
    private static GatehouseClient client;
    private static LocalDecisions local;

    @BeforeAll
    static void serve() {
        tenant = GeneratedTenant.withUsers(1_000);
        List<Profile> profiles = tenant.subjects().stream().map(tenant.policy()::compile).toList();
        cases = AccessCases.draw(tenant, profiles, 1_000);
        documents = ContractServer.serving(tenant);
        client = GatehouseClient.builder().baseUrl(documents.baseUrl()).apiKey(ContractServer.KEY)
                .tenant(ContractServer.tenantSlug(tenant)).build();
        local = client.localDecisions(LocalOptions.defaults());
    }

    @AfterAll
    static void stop() {
        client.close();
        documents.close();
    }

    @Test
    void theSdkDecidesEveryDrawnRequestAsTheEngineDoes() {
        for (AccessCases.Case drawn : cases.allowed()) {
            assertTrue(local.allows(user(drawn), drawn.permission(), drawn.resource()), () -> describe(drawn));
        }
        for (AccessCases.Case drawn : cases.denied()) {
            assertFalse(local.allows(user(drawn), drawn.permission(), drawn.resource()), () -> describe(drawn));
        }
    }

    @Test
    void theSdkHearsTheStreamAndCountsTheUsersItDownloaded() {
        local.allows(user(cases.allowed().get(0)), cases.allowed().get(0).permission());
        LocalDecisions.Status status = local.status();
        assertEquals(LocalDecisions.State.CONNECTED, status.state());
        assertEquals(1, status.version());
        assertTrue(status.cachedUsers() >= 1);
    }

    @Test
    void aUserTheTenantDoesNotHaveIsNotFoundAsFromTheServer() {
        Executable unknown = () -> local.allows("user-999999", "patients.read");
        assertThrows(NotFoundException.class, unknown);
    }

    @Test
    void jcasbinsCachedEnforcerDecidesAsTheEngineTwiceOver() {
        CachedEnforcer enforcer = CasbinTenant.cachedEnforcer(tenant, CasbinTenant.Matcher.ROLE_FIRST);
        for (int round = 0; round < 2; round++) {
            for (AccessCases.Case drawn : cases.allowed().subList(0, 200)) {
                assertTrue(enforcer.enforce(request(drawn)), () -> describe(drawn));
            }
            for (AccessCases.Case drawn : cases.denied().subList(0, 200)) {
                assertFalse(enforcer.enforce(request(drawn)), () -> describe(drawn));
            }
        }
    }

    private static String user(AccessCases.Case drawn) {
        return tenant.subjects().get(drawn.subject()).id();
    }

    private static Object[] request(AccessCases.Case drawn) {
        return CasbinTenant.request(user(drawn), drawn.permission(), drawn.resource());
    }

    private static String describe(AccessCases.Case drawn) {
        return user(drawn) + " " + drawn.permission() + " at " + drawn.resource().location() + ": Gatehouse says "
                + drawn.decision().explain();
    }
}
