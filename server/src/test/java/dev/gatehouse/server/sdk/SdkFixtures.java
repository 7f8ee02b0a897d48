package dev.gatehouse.server.sdk;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.URI;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/** What the SDK's ITs share: an application's API key, a client on it, and bounded waits. */
final class SdkFixtures {

    private SdkFixtures() {}

    /** An API key of the tenant's admin with {@code scopes} (a JSON array) and an optional rate limit; answers the secret. */
    static String apiKey(ApiClient api, SignedInTenant tenant, String scopes, @Nullable String rateLimit) {
        String body = rateLimit == null ? json("name", "sdk", "scopes", raw(scopes))
                : json("name", "sdk", "scopes", raw(scopes), "rateLimit", raw(rateLimit));
        ApiClient.Response created = api.post(tenant.path("/api-keys"), tenant.adminToken(), body);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/key");
    }

    /** The admin's key for everything: what an application holding access.check uses. */
    static String appKey(ApiClient api, SignedInTenant tenant) {
        return apiKey(api, tenant, "[\"*\"]", null);
    }

    static GatehouseClient client(int port, SignedInTenant tenant, String key) {
        return GatehouseClient.builder().baseUrl(URI.create("http://127.0.0.1:" + port)).apiKey(key)
                .tenant(tenant.slug()).timeout(Duration.ofSeconds(10)).build();
    }

    /** Waits until {@code condition} holds, at most {@code atMost}; fails naming {@code what} if it never does. */
    static void await(String what, Duration atMost, BooleanSupplier condition) {
        long end = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + atMost + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Creates {@code body} at {@code path} as the admin; answers the created object's {@code id}. */
    static String created(ApiClient api, SignedInTenant tenant, String path, String body) {
        ApiClient.Response created = api.post(tenant.path(path), tenant.adminToken(), body);
        assertThat(created.status()).as(path + ": " + created.raw()).isEqualTo(201);
        return created.text("/id");
    }
}
