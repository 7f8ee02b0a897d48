package dev.gatehouse.server.tenancy;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.testing.AcrossNodesTest;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.SignedInTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: the tenant a path names (its id, slug, pack and display name) is kept per node
 * ({@link NamedTenantCache}), so an admin request reads no tenant row. A rename on node A holds on node A
 * at once and on node B within a second: the next invitation either node sends is signed with the new
 * name. Without the rename's announcement each node would keep the old name for the cache's hour.
 */
class TenantNamesAcrossNodesIT extends AcrossNodesTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    @Test
    void aTenantRenamedOnNodeAIsNamedSoOnNodeAAtOnceAndOnNodeBWithinASecond() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ApiClient onB = new ApiClient(nodeB.port());
        String before = "Tenant " + clinic.slug();
        // Each node reads the tenant once through a path, by slug and by id, and keeps it.
        for (ApiClient node : List.of(api, onB)) {
            assertThat(node.get(clinic.path("/users"), clinic.adminToken()).status()).isEqualTo(200);
            assertThat(node.get("/api/v1/tenants/" + clinic.id() + "/users", clinic.adminToken()).status()).isEqualTo(200);
        }
        assertThat(invite(onB, clinic, "before-b")).as("node B's invitation").contains(before);
        TenantDirectory onNodeA = context.getBean(TenantDirectory.class);
        TenantDirectory onNodeB = nodeB.bean(TenantDirectory.class);
        assertThat(onNodeB.namedCached(clinic.slug()).orElseThrow().name()).isEqualTo(before);

        ApiClient.Response renamed = api.patch("/api/v1/tenants/" + clinic.slug(), operatorToken(),
                json("name", "Riverside Clinic"));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        long change = System.nanoTime();

        assertThat(onNodeA.namedCached(clinic.slug()).orElseThrow().name()).as("node A at once, by slug")
                .isEqualTo("Riverside Clinic");
        assertThat(onNodeA.namedCached(clinic.id()).orElseThrow().name()).as("and by id").isEqualTo("Riverside Clinic");
        assertThat(invite(api, clinic, "after-a")).as("node A's invitation").contains("Riverside Clinic")
                .doesNotContain(before);
        String name = onNodeB.namedCached(clinic.slug()).orElseThrow().name();
        while (!name.equals("Riverside Clinic") && System.nanoTime() - change < WITHIN.toNanos()) {
            sleep(10);
            name = onNodeB.namedCached(clinic.slug()).orElseThrow().name();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - change);
        System.out.println("TenantNamesAcrossNodesIT: node B had the new name after " + took);
        assertThat(name).as("node B's name within %s (after %s)", WITHIN, took).isEqualTo("Riverside Clinic");
        assertThat(onNodeB.namedCached(clinic.id()).orElseThrow().name()).as("node B by id").isEqualTo("Riverside Clinic");
        assertThat(invite(onB, clinic, "after-b")).as("node B's invitation").contains("Riverside Clinic")
                .doesNotContain(before);
    }

    /** Creates an invited user through {@code node} and answers the invitation mail's body. */
    private String invite(ApiClient node, SignedInTenant clinic, String username) {
        String email = username + "@names.example";
        ApiClient.Response created = node.post(clinic.path("/users"), clinic.adminToken(), json("username", username,
                "firstName", "Ann", "lastName", "Lee", "email", email, "roles", raw("[" + json("role", "front_desk") + "]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        List<QueuedMail.Message> mails = QueuedMail.in(context).where("tenant_id = :tenant and recipient = :recipient",
                Map.of("tenant", UUID.fromString(clinic.id()), "recipient", email));
        assertThat(mails).hasSize(1);
        return mails.getFirst().text();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
