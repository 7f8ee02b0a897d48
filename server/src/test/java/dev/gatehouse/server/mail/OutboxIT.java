package dev.gatehouse.server.mail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
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
        QueuedMail outbox = QueuedMail.in(context);
        List<QueuedMail.Message> mails = outbox.where("tenant_id = :tenant", Map.of("tenant", UUID.fromString(tenant.id())));
        List<String> links = List.of(invited.text("/invitationUrl"), renewed.text("/invitationUrl"), reset.text("/resetUrl"));
        assertThat(mails).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(mails.get(i).body()).contains(links.get(i));
            // The row holds the body sealed with the server's key: neither the link nor its token is in any column.
            String token = links.get(i).substring(links.get(i).indexOf("token=") + "token=".length());
            assertThat(outbox.rawColumns(mails.get(i).id())).as("the row of " + links.get(i))
                    .noneSatisfy(column -> assertThat(column).contains(token));
        }
    }

    @Test
    void aBodyThatDoesNotOpenWithThisServersKeyIsANoteOnTheMessageNeverAnError() {
        String operator = operatorToken();
        SignedInTenant tenant = SignedInTenant.create(api, operator, "clinic");
        for (String username : List.of("sealed-elsewhere", "moved-here")) {
            assertThat(api.post(tenant.path("/users"), tenant.adminToken(), json("username", username, "firstName", "In",
                    "lastName", "Vitee", "email", username + "@example.com")).status()).isEqualTo(201);
        }
        List<QueuedMail.Message> mails = QueuedMail.in(context).where("tenant_id = :tenant",
                Map.of("tenant", UUID.fromString(tenant.id())));
        assertThat(mails).hasSize(2);
        UUID otherKey = mails.get(0).id();
        UUID moved = mails.get(1).id();
        // One given the other's sealed text (this server's key, but sealed for another message and recipient);
        // the other then sealed under another server's key.
        jdbc.sql("""
                        update mail_outbox m set body_sealed = (select o.body_sealed from mail_outbox o where o.id = :from)
                        where m.id = :to
                        """)
                .param("from", otherKey).param("to", moved).update();
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        jdbc.sql("update mail_outbox set body_sealed = :sealed where id = :id")
                .param("sealed", SecretBox.of(key).seal("anything", "a link".getBytes(StandardCharsets.UTF_8)))
                .param("id", otherKey).update();

        for (UUID id : List.of(otherKey, moved)) {
            Response detail = api.get("/api/v1/platform/outbox/" + id, operator);
            assertThat(detail.status()).as(detail.raw()).isEqualTo(200);
            assertThat(detail.body().has("body")).isFalse();
            assertThat(detail.text("/bodyNote")).contains("does not open").contains("GATEHOUSE_SECRET_KEY");
        }
        assertThat(jdbc.sql("select count(*) from audit_events where action = 'OUTBOX_MESSAGE_READ' and target_id in (:ids)")
                .param("ids", List.of(otherKey.toString(), moved.toString())).query(Long.class).single())
                .as("nothing was read").isZero();
    }

    @Test
    void aMessageQueuedInClearBeforeV160IsShownAndSealedByTheWorkerAndASentOneLosesItsText() {
        String operator = operatorToken();
        SignedInTenant tenant = SignedInTenant.create(api, operator, "clinic");
        UUID pending = UUID.randomUUID();
        UUID sent = UUID.randomUUID();
        for (UUID id : List.of(pending, sent)) {
            jdbc.sql("""
                            insert into mail_outbox (id, tenant_id, recipient, subject, body, kind, sent_at)
                            values (:id, :tenant, 'old@example.com', 'An old invitation', :body, 'INVITATION', :sent)
                            """)
                    .param("id", id).param("tenant", UUID.fromString(tenant.id()))
                    .param("body", "Your link: https://old.example/console/invitation?token=old-" + id)
                    .param("sent", id.equals(sent) ? java.time.OffsetDateTime.now() : null).update();
        }
        assertThat(api.get("/api/v1/platform/outbox/" + pending, operator).text("/body")).contains("token=old-" + pending);

        assertThat(worker.sealClearBodies()).isGreaterThanOrEqualTo(2);

        QueuedMail outbox = QueuedMail.in(context);
        assertThat(outbox.rawColumns(pending)).noneSatisfy(column -> assertThat(column).contains("old-" + pending));
        assertThat(jdbc.sql("select body_sealed is not null from mail_outbox where id = :id").param("id", pending)
                .query(Boolean.class).single()).isTrue();
        assertThat(outbox.where("id = :id", Map.of("id", pending)).getFirst().body()).contains("token=old-" + pending);
        assertThat(api.get("/api/v1/platform/outbox/" + pending, operator).text("/body")).contains("token=old-" + pending);
        assertThat(outbox.rawColumns(sent)).noneSatisfy(column -> assertThat(column).contains("old-" + sent));
        Response sentDetail = api.get("/api/v1/platform/outbox/" + sent, operator);
        assertThat(sentDetail.body().has("body")).isFalse();
        assertThat(sentDetail.text("/bodyNote")).contains("not kept");
        assertThat(worker.sealClearBodies()).as("none is left in clear").isZero();
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
