package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.AcrossNodesTest;
import dev.gatehouse.server.testing.ApiClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Two nodes on one PostgreSQL agree within a second: a change committed through node A is
 * enforced by node B, whose caches held the old answer (issue 3, "Done when").
 */
class MultiNodeIT extends AcrossNodesTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private AccessChanges changes;
    @Autowired
    private TransactionTemplate transaction;

    @Test
    void aRoleEditOnNodeAIsEnforcedByNodeBWithinASecond() {
        String slug = uniqueSlug("nodes");
        ApiClient.Response created = api.post("/api/v1/tenants", operatorToken(), json("slug", slug, "name", "Two nodes",
                "pack", "clinic", "admin", raw(json("username", "owner", "firstName", "O", "lastName", "Owner",
                        "password", "initial-password-0001"))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        TenantId tenant = new TenantId(UUID.fromString(created.text("/id")));
        String token = api.login(slug, "owner", "initial-password-0001");
        assertThat(api.post("/api/v1/me/password", token, json("currentPassword", "initial-password-0001",
                "newPassword", "the-changed-password-01")).status()).isEqualTo(204);
        token = api.login(slug, "owner", "the-changed-password-01");

        ApiClient onB = new ApiClient(nodeB.port());
        // Node B answers from its cache: the owner may add users.
        assertThat(onB.get("/api/v1/me", token).body().at("/permissions").toString()).contains("users.create");

        // Node A narrows the owner role to reading patients, in one transaction with its notification.
        transaction.executeWithoutResult(status -> {
            jdbc.sql("delete from role_grants where tenant_id = :tenant and role_key = 'owner'")
                    .param("tenant", tenant.value()).update();
            jdbc.sql("""
                            insert into role_grants (tenant_id, role_key, position, permission, scope)
                            values (:tenant, 'owner', 0, 'patients.read', 'TENANT')
                            """)
                    .param("tenant", tenant.value()).update();
            changes.policyChanged(tenant);
        });
        long committed = System.nanoTime();

        String seen = "";
        while (System.nanoTime() - committed < WITHIN.toNanos()) {
            seen = onB.get("/api/v1/me", token).body().at("/permissions").toString();
            if (!seen.contains("users.create")) {
                break;
            }
            sleep(25);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - committed);
        assertThat(seen).as("node B's permissions %s after %s", seen, took).isEqualTo("[\"patients.read\"]");
        assertThat(took).isLessThan(WITHIN);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
