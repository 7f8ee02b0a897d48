package dev.gatehouse.server.sdk;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.LocalDecisions;
import dev.gatehouse.client.LocalOptions;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestServiceAccounts;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: "in-process decisions that turn to deny within a second of an admin's change". A hundred
 * admin changes through the API — a role revoked or granted again, a user locked or unlocked, a role's
 * grant removed or put back — and for each, the time from the change's 2xx to the client's local answer
 * turning. The figures are printed (docs/benchmarks.md, "SDK freshness"); the test asserts only that
 * every change reaches the client within a generous bound, never how fast.
 */
class FreshnessIT extends IntegrationTest {

    private static final int CHANGES = 100;
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final String PERMISSION = "charts.read";

    @Test
    void aHundredAdminChangesEachReachTheLocalAnswer() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        String clinic = TestTenants.location(api, tenant, "Clinic", null);
        Resource chart = Resource.of("chart", "1").locatedAt(clinic);
        SdkFixtures.created(api, tenant, "/permissions", json("key", PERMISSION, "description", "freshness"));
        SdkFixtures.created(api, tenant, "/roles", role("reader", true));
        SdkFixtures.created(api, tenant, "/roles", role("shifting", true));
        String assigned = TestServiceAccounts.serviceAccount("assigned").holding("reader").at(clinic).create(api, tenant);
        String locked = TestServiceAccounts.serviceAccount("locked").holding("reader").at(clinic).create(api, tenant);
        String edited = TestServiceAccounts.serviceAccount("edited").holding("shifting").at(clinic)
                .create(api, tenant);
        String assignment = api.get(tenant.path("/users/" + assigned + "/roles"), tenant.adminToken())
                .text("/items/0/id");

        List<Long> micros = new ArrayList<>();
        try (GatehouseClient client = SdkFixtures.client(port(), tenant, SdkFixtures.appKey(api, tenant));
                LocalDecisions local = client.localDecisions(LocalOptions.defaults())) {
            boolean held = true;
            boolean isLocked = false;
            boolean granted = true;
            for (int i = 0; i < CHANGES; i++) {
                switch (i % 3) {
                    case 0 -> {
                        assertThat(local.allows(assigned, PERMISSION, chart)).isEqualTo(held);
                        if (held) {
                            ok(api.delete(tenant.path("/users/" + assigned + "/roles/" + assignment), tenant.adminToken()));
                        } else {
                            assignment = ok(api.post(tenant.path("/users/" + assigned + "/roles"), tenant.adminToken(),
                                    json("role", "reader", "location", clinic))).text("/id");
                        }
                        held = !held;
                        micros.add(turning(held, local, () -> local.allows(assigned, PERMISSION, chart)));
                    }
                    case 1 -> {
                        assertThat(local.allows(locked, PERMISSION, chart)).isEqualTo(!isLocked);
                        ok(api.post(tenant.path("/users/" + locked + (isLocked ? "/unlock" : "/lock")),
                                tenant.adminToken(), "{}"));
                        isLocked = !isLocked;
                        micros.add(turning(!isLocked, local, () -> local.allows(locked, PERMISSION, chart)));
                    }
                    default -> {
                        assertThat(local.allows(edited, PERMISSION, chart)).isEqualTo(granted);
                        granted = !granted;
                        ok(api.put(tenant.path("/roles/shifting"), tenant.adminToken(), role("shifting", granted)));
                        boolean expected = granted;
                        micros.add(turning(expected, local, () -> local.allows(edited, PERMISSION, chart)));
                    }
                }
            }
        }
        Collections.sort(micros);
        long over = micros.stream().filter(us -> us > 1_000_000).count();
        System.out.printf("SDK freshness: %d changes, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %d over 1 s%n",
                micros.size(), micros.get(micros.size() / 2) / 1000.0, micros.get(micros.size() * 99 / 100 - 1) / 1000.0,
                micros.getLast() / 1000.0, over);
        assertThat(micros).hasSize(CHANGES);
    }

    /** A role granting {@code charts.read} at its location or, without the grant, a harmless other permission. */
    private static String role(String key, boolean withGrant) {
        String grant = withGrant ? json("permission", PERMISSION, "scope", "LOCATION")
                : json("permission", "appointments.read", "scope", "LOCATION");
        return json("key", key, "name", key, "description", "", "inherits", raw("[]"),
                "grants", raw("[" + grant + "]"));
    }

    private static ApiClient.Response ok(ApiClient.Response response) {
        assertThat(response.status()).as(response.raw()).isBetween(200, 299);
        return response;
    }

    /**
     * Microseconds from now (just after the change's 2xx) until the local answer is {@code expected}: asked
     * every 0.2 ms, within {@link #BOUND} or the test fails.
     */
    private static long turning(boolean expected, LocalDecisions local, BooleanSupplier answer) {
        long start = System.nanoTime();
        long end = start + BOUND.toNanos();
        while (answer.getAsBoolean() != expected) {
            assertThat(System.nanoTime()).as("the change reached the client within %s (to %s; %s)", BOUND, expected,
                    local.status()).isLessThan(end);
            LockSupport.parkNanos(200_000);
        }
        return (System.nanoTime() - start) / 1_000;
    }
}
