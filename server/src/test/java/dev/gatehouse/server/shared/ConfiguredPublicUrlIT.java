package dev.gatehouse.server.shared;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.MailingServer;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

/**
 * With {@code GATEHOUSE_PUBLIC_URL} set (docs/api.md, "Conventions"), every written link starts
 * with it, whatever address or Host the request came with. A context of its own, since its setting
 * differs from the shared one's: {@link MailingServer}'s, which AlertDeliveryIT uses too.
 */
class ConfiguredPublicUrlIT extends MailingServer {

    @Autowired
    ApplicationContext context;

    @Autowired
    Environment environment;

    private int port() {
        return environment.getRequiredProperty("local.server.port", Integer.class);
    }

    @Test
    void invitationResetAndForgotPasswordLinksStartWithTheConfiguredUrl() {
        ApiClient api = new ApiClient(port());
        String operator = api.login("platform", IntegrationTest.OPERATOR, IntegrationTest.OPERATOR_PASSWORD);
        String slug = "public-" + UUID.randomUUID().toString().substring(0, 8);
        Response created = api.post("/api/v1/tenants", operator, json("slug", slug, "name", "Public " + slug, "pack",
                "clinic", "admin", raw(json("username", "first", "email", "first@public.example", "firstName", "Fay",
                        "lastName", "First"))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/admin/invitationUrl")).startsWith(PUBLIC_URL + "/console/invitation?token=");
        assertThat(mailsTo(created.text("/id"), "first@public.example")).singleElement().asString()
                .contains(PUBLIC_URL + "/console/invitation?token=");

        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        Response user = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "nurse.nia", "firstName",
                "Nia", "lastName", "Nurse", "email", "nia@public.example", "password", "nia's own long passphrase"));
        assertThat(user.status()).as(user.raw()).isEqualTo(201);
        // Forgot-password first: it sends no second link while one is still unused.
        String forgot = RawHttp.post(port(), "attacker.example", "/api/v1/auth/password/forgot", null,
                json("tenant", clinic.slug(), "username", "nurse.nia"));
        assertThat(forgot).startsWith("HTTP/1.1 202");
        String reset = RawHttp.post(port(), "localhost:" + port(), clinic.path("/users/" + user.text("/id")
                + "/password-reset"), clinic.adminToken(), "");
        assertThat(reset).startsWith("HTTP/1.1 202").contains("\"resetUrl\":\"" + PUBLIC_URL + "/console/reset-password?token=");
        assertThat(mailsTo(clinic.id(), "nia@public.example")).hasSize(2)
                .allSatisfy(body -> assertThat(body).contains(PUBLIC_URL + "/console/reset-password?token=")
                        .doesNotContain("127.0.0.1").doesNotContain("localhost").doesNotContain("attacker"));
    }

    private List<String> mailsTo(String tenant, String recipient) {
        return QueuedMail.in(context).bodies("tenant_id = :tenant and recipient = :recipient",
                Map.of("tenant", UUID.fromString(tenant), "recipient", recipient));
    }
}
