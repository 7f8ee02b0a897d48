package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** The short-lived session cache never lets an ended session or a locked user through for long. */
class SessionCacheIT extends IntegrationTest {

    private static final String FIRST = "first admin password 1234";
    private static final String OWN = "the admin's own passphrase";

    @Autowired
    JdbcClient jdbc;
    @Autowired
    AccessChanges changes;
    @Autowired
    TransactionTemplate transaction;

    record Admin(String slug, TenantId tenant, UUID id) {}

    private Admin tenantWithAdmin() {
        String slug = uniqueSlug("sessions");
        Response created = api.post("/api/v1/tenants", operatorToken(), json("slug", slug, "name", "Sessions", "pack",
                "clinic", "admin", raw(json("username", "admin", "firstName", "A", "lastName", "B", "password", FIRST))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return new Admin(slug, new TenantId(UUID.fromString(created.text("/id"))),
                UUID.fromString(created.text("/admin/id")));
    }

    private String signedIn(Admin admin) {
        String first = api.login(admin.slug(), "admin", FIRST);
        assertThat(api.post("/api/v1/me/password", first, json("currentPassword", FIRST, "newPassword", OWN)).status())
                .isEqualTo(204);
        return api.login(admin.slug(), "admin", OWN);
    }

    @Test
    void aSessionEndedByAnotherNodeStopsWorkingHereWithinASecond() throws InterruptedException {
        Admin admin = tenantWithAdmin();
        String token = signedIn(admin);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);

        // Another node ends the session: only the database knows.
        jdbc.sql("update sessions set ended_at = now(), end_reason = 'ELSEWHERE' where tenant_id = :tenant and user_id = :user")
                .param("tenant", admin.tenant().value()).param("user", admin.id()).update();

        long deadline = System.nanoTime() + 1_500_000_000L;
        int status = 200;
        while (status == 200 && System.nanoTime() < deadline) {
            status = api.get("/api/v1/me", token).status();
            Thread.sleep(50);
        }
        assertThat(status).isEqualTo(401);
    }

    @Test
    void aUserLockedOnThisNodeIsShutOutAtOnce() {
        Admin admin = tenantWithAdmin();
        String token = signedIn(admin);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);

        transaction.executeWithoutResult(status -> {
            jdbc.sql("update users set status = 'LOCKED' where tenant_id = :tenant and id = :user")
                    .param("tenant", admin.tenant().value()).param("user", admin.id()).update();
            changes.subjectChanged(admin.tenant(), admin.id());
        });

        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
    }

    @Test
    void theSessionThatChangedThePasswordSeesItsRequiredActionsGoneAtOnce() {
        Admin admin = tenantWithAdmin();
        String token = api.login(admin.slug(), "admin", FIRST);
        assertThat(api.get("/api/v1/tenants/" + admin.slug(), token).status()).isEqualTo(403);
        assertThat(api.post("/api/v1/me/password", token, json("currentPassword", FIRST, "newPassword", OWN)).status())
                .isEqualTo(204);
        assertThat(api.get("/api/v1/tenants/" + admin.slug(), token).status()).isEqualTo(200);
    }
}
