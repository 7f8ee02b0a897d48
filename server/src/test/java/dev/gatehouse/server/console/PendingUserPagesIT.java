package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The page of a user still waiting on their invitation — invited by an admin, or self-registered
 * through the tenant's e-mail domain — opens, and its new-invitation action works (issue 11: both
 * broke off with an error page, so the console could not regenerate, lock, disable or delete them).
 */
class PendingUserPagesIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    private SignedInTenant tenant;
    private ConsoleClient admin;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        admin = new ConsoleClient(port());
        admin.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
    }

    @Test
    void theInvitedUsersPageOpensWithItsActionsAndMakesANewLink() {
        Response invited = api.post(tenant.path("/users"), tenant.adminToken(), json("username", "ivy", "firstName",
                "Ivy", "lastName", "Green", "email", "ivy@example.com"));
        assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
        String id = invited.text("/id");

        HttpResponse<String> page = admin.get("/console/users/" + id);

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("New invitation link").contains(">Lock<").contains(">Disable<")
                .contains("Replace the invitation link of ivy?").contains("Delete this user");
        HttpResponse<String> renewed = admin.post("/console/users/" + id + "/invitation", Map.of());
        assertThat(renewed.statusCode()).as(renewed.body()).isEqualTo(200);
        assertThat(renewed.body()).contains("/console/invitation?token=");
    }

    @Test
    void aSelfRegisteredUsersPageOpens() {
        String domain = tenant.slug() + ".example.org";
        jdbc.sql("update tenants set settings = jsonb_set(settings, '{emailDomains}', cast(:value as jsonb)) where id = :id")
                .param("value", "[\"" + domain + "\"]").param("id", UUID.fromString(tenant.id())).update();
        changes.policyChanged(new TenantId(UUID.fromString(tenant.id())));
        Response registered = api.post("/api/v1/auth/register", null, json("email", "nina@" + domain, "username",
                "nina", "firstName", "Nina", "lastName", "Nurse"));
        assertThat(registered.status()).as(registered.raw()).isEqualTo(202);
        String id = jdbc.sql("select id from users where tenant_id = :tenant and username_normalized = 'nina'")
                .param("tenant", UUID.fromString(tenant.id())).query(UUID.class).single().toString();

        HttpResponse<String> page = admin.get("/console/users/" + id);

        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("New invitation link").contains("Replace the invitation link of nina?");
    }
}
