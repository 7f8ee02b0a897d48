package dev.gatehouse.server.mail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16: an operator tries a failed message again ({@code POST /api/v1/platform/outbox/{id}/retry}),
 * audited; a message that did not fail is a 409; a tenant's admin is refused.
 */
class OutboxRetryIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void aFailedMessageIsQueuedAgainOnceAndTheRetryIsAudited() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String id = invite(clinic, "retry-me");
        String operator = operatorToken();
        assertThat(api.post("/api/v1/platform/outbox/" + id + "/retry", operator, "").status())
                .as("a pending message did not fail").isEqualTo(409);
        jdbc.sql("update mail_outbox set failed_at = now(), attempts = 20, last_error = '550 no such user' where id = :id")
                .param("id", UUID.fromString(id)).update();

        Response retried = api.post("/api/v1/platform/outbox/" + id + "/retry", operator, "");

        assertThat(retried.status()).as(retried.raw()).isEqualTo(200);
        assertThat(retried.text("/status")).isEqualTo("PENDING");
        assertThat(retried.body().path("attempts").asInt()).isZero();
        assertThat(jdbc.sql("""
                        select count(*) from audit_events
                        where action = 'OUTBOX_MESSAGE_RETRIED' and target_id = :id and actor_username = :operator
                        """)
                .param("id", id).param("operator", OPERATOR).query(Long.class).single()).isEqualTo(1);
        assertThat(api.post("/api/v1/platform/outbox/" + id + "/retry", operator, "").status()).isEqualTo(409);
    }

    @Test
    void aTenantAdminMayNotRetryAndAnUnknownMessageIs404() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String id = invite(clinic, "not-yours");

        assertThat(api.post("/api/v1/platform/outbox/" + id + "/retry", clinic.adminToken(), "").status()).isEqualTo(403);
        assertThat(api.post("/api/v1/platform/outbox/" + UUID.randomUUID() + "/retry", operatorToken(), "").status())
                .isEqualTo(404);
    }

    private String invite(SignedInTenant clinic, String username) {
        Response created = api.post(clinic.path("/users"), clinic.adminToken(), json("username", username, "firstName",
                "Re", "lastName", "Try", "email", username + "@" + clinic.slug() + ".example", "invite", true));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        Response listed = api.get("/api/v1/platform/outbox?tenant=" + clinic.slug(), operatorToken());
        for (var entry : listed.body().get("items")) {
            if (entry.get("recipient").asString().startsWith(username + "@")) {
                return entry.get("id").asString();
            }
        }
        throw new AssertionError("no invitation queued for " + username + ": " + listed.raw());
    }
}
