package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.lang.ref.WeakReference;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A replaced policy leaves the heap (issue 17): what a node derives from a tenant's policy — an API
 * key's narrowed profile, the guest's profile — goes with the policy it was compiled against. Found
 * by the scale harness: each location created through an API key left the previous policy reachable
 * from a node-wide cache keyed by profiles, and 5,500 locations of one tenant filled a 1 GB heap.
 */
class PolicyMemoryIT extends IntegrationTest {

    @Autowired
    private Access access;

    private WeakReference<TenantPolicy> current(SignedInTenant tenant) {
        return new WeakReference<>(access.policy(new TenantId(UUID.fromString(tenant.id()))).orElseThrow());
    }

    private Response createLocation(SignedInTenant tenant, String credential, String name) {
        Response made = api.post(tenant.path("/locations"), credential, json("name", name));
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        return made;
    }

    /** Whether the referent was collected: a few full collections, since one may not clear a weak reference. */
    private static boolean collected(WeakReference<?> reference) throws InterruptedException {
        for (int attempt = 0; attempt < 20 && reference.get() != null; attempt++) {
            System.gc();
            Thread.sleep(50);
        }
        return reference.get() == null;
    }

    @Test
    void aPolicyReplacedWhileAnApiKeyWorksIsCollected() throws InterruptedException {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response key = api.post(clinic.path("/api-keys"), clinic.adminToken(),
                json("name", "migration", "scopes", raw("[\"*\"]")));
        assertThat(key.status()).as(key.raw()).isEqualTo(201);
        String secret = key.text("/key");
        createLocation(clinic, secret, "North");
        WeakReference<TenantPolicy> before = current(clinic);

        // Each creation changes the policy; the key's profile is narrowed again against the new one.
        createLocation(clinic, secret, "South");
        createLocation(clinic, secret, "East");
        assertThat(api.get(clinic.path("/locations"), secret).status()).isEqualTo(200);

        assertThat(access.policy(new TenantId(UUID.fromString(clinic.id())))).get().isNotSameAs(before.get());
        assertThat(collected(before)).as("the policy before the changes is still reachable").isTrue();
    }

    @Test
    void aPolicyReplacedWhileGuestsCheckIsCollected() throws InterruptedException {
        SignedInTenant booking = SignedInTenant.create(api, operatorToken(), "booking");
        assertThat(api.patch(booking.path("/settings"), booking.adminToken(), json("guestAccess", true)).status())
                .isEqualTo(200);
        assertThat(api.post(booking.path("/check"), null, json("permission", "providers.view_public"))
                .body().at("/allowed").asBoolean()).isTrue();
        WeakReference<TenantPolicy> before = current(booking);

        createLocation(booking, booking.adminToken(), "Downtown");
        assertThat(api.post(booking.path("/check"), null, json("permission", "providers.view_public"))
                .body().at("/allowed").asBoolean()).isTrue();

        assertThat(collected(before)).as("the policy before the change is still reachable").isTrue();
    }
}
