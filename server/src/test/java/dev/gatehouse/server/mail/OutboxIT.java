package dev.gatehouse.server.mail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Without an SMTP server (the shared test context has none) mail stays queued, and platform
 * operators read it through {@code /api/v1/platform/outbox}; nobody else does.
 */
class OutboxIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    OutboxWorker worker;

    @Test
    void operatorsListAndReadQueuedMailWhenNoSmtpServerIsConfigured() {
        String operator = operatorToken();
        String slug = uniqueSlug("outbox");
        Response created = api.post("/api/v1/tenants", operator, json("slug", slug, "name", "Sunrise Clinic " + slug,
                "pack", "clinic", "admin", raw(json("username", "first", "email", "first@" + slug + ".example",
                        "firstName", "First", "lastName", "Admin"))));
        assertThat(created.status()).isEqualTo(201);
        String invitationUrl = created.text("/admin/invitationUrl");

        assertThat(worker.deliverDue()).isZero();

        Response list = api.get("/api/v1/platform/outbox?tenant=" + slug, operator);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().path("total").asInt()).isEqualTo(1);
        JsonNode entry = list.body().path("items").path(0);
        assertThat(entry.path("tenant").asString()).isEqualTo(slug);
        assertThat(entry.path("recipient").asString()).isEqualTo("first@" + slug + ".example");
        assertThat(entry.path("subject").asString()).contains("Sunrise Clinic " + slug);
        assertThat(entry.path("kind").asString()).isEqualTo("INVITATION");
        assertThat(entry.path("status").asString()).isEqualTo("PENDING");
        assertThat(entry.path("attempts").asInt()).isZero();
        assertThat(entry.has("createdAt")).isTrue();
        assertThat(entry.has("sentAt")).isFalse();
        assertThat(entry.has("body")).isFalse();

        Response detail = api.get("/api/v1/platform/outbox/" + entry.path("id").asString(), operator);
        assertThat(detail.status()).isEqualTo(200);
        assertThat(detail.text("/body")).contains(invitationUrl).contains("Sunrise Clinic " + slug);
        List<String> readers = jdbc.sql("""
                        select actor_username from audit_events
                        where action = 'OUTBOX_MESSAGE_READ' and target_id = :id
                        """)
                .param("id", entry.path("id").asString()).query(String.class).list();
        assertThat(readers).containsExactly(OPERATOR);
    }

    @Test
    void theUsersApiQueuesInvitationsAndResetsForUsersWithAnAddress() {
        String operator = operatorToken();
        SignedInTenant tenant = SignedInTenant.create(api, operator, "clinic");
        Response invited = api.post(tenant.path("/users"), tenant.adminToken(), json("username", "newcomer",
                "firstName", "New", "lastName", "Comer", "email", "newcomer@example.com"));
        assertThat(invited.status()).isEqualTo(201);
        Response renewed = api.post(tenant.path("/users/" + invited.text("/id") + "/invitation"), tenant.adminToken(),
                "");
        assertThat(renewed.status()).isEqualTo(201);
        Response withPassword = api.post(tenant.path("/users"), tenant.adminToken(), json("username", "staff",
                "firstName", "Staff", "lastName", "Member", "email", "staff@example.com", "password",
                "handed over by the admin 12345"));
        assertThat(withPassword.status()).isEqualTo(201);
        Response reset = api.post(tenant.path("/users/" + withPassword.text("/id") + "/password-reset"),
                tenant.adminToken(), "");
        assertThat(reset.status()).isEqualTo(202);
        Response noAddress = api.post(tenant.path("/users"), tenant.adminToken(), json("username", "unreachable",
                "firstName", "Un", "lastName", "Reachable"));
        assertThat(noAddress.status()).isEqualTo(201);

        Response list = api.get("/api/v1/platform/outbox?tenant=" + tenant.slug() + "&size=10", operator);
        assertThat(list.body().path("items").valueStream()
                .map(item -> item.path("recipient").asString() + " " + item.path("kind").asString()).toList())
                .containsExactlyInAnyOrder("newcomer@example.com INVITATION", "newcomer@example.com INVITATION",
                        "staff@example.com PASSWORD_RESET");
        // Each mail carries the link of its own response; the renewed invitation is the newest.
        List<String> bodies = jdbc.sql("""
                        select body from mail_outbox where tenant_id = :tenant order by created_at
                        """)
                .param("tenant", UUID.fromString(tenant.id())).query(String.class).list();
        assertThat(bodies.get(0)).contains(invited.text("/invitationUrl"));
        assertThat(bodies.get(1)).contains(renewed.text("/invitationUrl"));
        assertThat(bodies.get(2)).contains(reset.text("/resetUrl"));
    }

    @Test
    void theListPagesAndFiltersByStatus() {
        String operator = operatorToken();
        SignedInTenant tenant = SignedInTenant.create(api, operator, "clinic");
        for (int i = 0; i < 3; i++) {
            assertThat(api.post(tenant.path("/users"), tenant.adminToken(), json("username", "invitee" + i,
                    "firstName", "In", "lastName", "Vitee", "email", "invitee" + i + "@example.com")).status())
                    .isEqualTo(201);
        }

        Response first = api.get("/api/v1/platform/outbox?tenant=" + tenant.slug() + "&page=0&size=2", operator);
        Response second = api.get("/api/v1/platform/outbox?tenant=" + tenant.slug() + "&page=1&size=2", operator);
        Response sent = api.get("/api/v1/platform/outbox?tenant=" + tenant.id() + "&status=SENT", operator);

        assertThat(first.body().path("total").asInt()).isEqualTo(3);
        assertThat(first.body().path("items").size()).isEqualTo(2);
        assertThat(first.body().path("size").asInt()).isEqualTo(2);
        assertThat(second.body().path("items").size()).isEqualTo(1);
        assertThat(second.body().path("page").asInt()).isEqualTo(1);
        assertThat(sent.body().path("total").asInt()).isZero();
        assertThat(first.text("/items/0/tenant")).isEqualTo(tenant.slug());
        Response unknown = api.get("/api/v1/platform/outbox?tenant=no-such-tenant-here", operator);
        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.body().path("total").asInt()).isZero();
        assertThat(unknown.body().path("items").size()).isZero();
    }

    @Test
    void tenantUsersMayNotReadTheOutbox() {
        String operator = operatorToken();
        SignedInTenant tenant = SignedInTenant.create(api, operator, "clinic");
        api.post(tenant.path("/users"), tenant.adminToken(), json("username", "invitee", "firstName", "In",
                "lastName", "Vitee", "email", "invitee@example.com"));
        String id = api.get("/api/v1/platform/outbox?tenant=" + tenant.slug(), operator).text("/items/0/id");

        assertThat(api.get("/api/v1/platform/outbox", tenant.adminToken()).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/platform/outbox/" + id, tenant.adminToken()).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/platform/outbox", null).status()).isEqualTo(401);
    }

    @Test
    void badParametersAreBadRequestsNamingTheFieldAndUnknownMessagesAreNotFound() {
        String operator = operatorToken();

        Response size = api.get("/api/v1/platform/outbox?size=0", operator);
        Response status = api.get("/api/v1/platform/outbox?status=LOST", operator);
        Response badId = api.get("/api/v1/platform/outbox/not-a-uuid", operator);
        Response unknown = api.get("/api/v1/platform/outbox/" + UUID.randomUUID(), operator);

        assertThat(size.status()).isEqualTo(400);
        assertThat(size.text("/errors/0/field")).isEqualTo("size");
        assertThat(status.status()).isEqualTo(400);
        assertThat(status.text("/errors/0/field")).isEqualTo("status");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.text("/errors/0/field")).isEqualTo("id");
        assertThat(unknown.status()).isEqualTo(404);
    }
}
