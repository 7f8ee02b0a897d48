package dev.gatehouse.server.shared;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * With {@code GATEHOUSE_PUBLIC_URL} unset (as in every other IT), written links follow the address
 * the request reached the server at — and a {@code Host} header that names anything but that
 * address (host-header poisoning of a forgot-password mail) does not get into the link.
 */
class LinksFollowTheRequestIT extends IntegrationTest {

    @Test
    void invitationAndResetLinksInAnswersAndMailsStartWithTheAddressTheServerWasReachedAt() {
        String operator = operatorToken();
        String slug = uniqueSlug("links");
        Response created = api.post("/api/v1/tenants", operator, json("slug", slug, "name", "Links " + slug, "pack",
                "clinic", "admin", raw(json("username", "first", "email", "first@links.example", "firstName", "Fay",
                        "lastName", "First"))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String here = "http://127.0.0.1:" + port();
        assertThat(created.text("/admin/invitationUrl")).startsWith(here + "/console/invitation?token=");
        assertThat(mailsTo(created.text("/id"), "first@links.example")).singleElement().asString()
                .contains(created.text("/admin/invitationUrl"));

        SignedInTenant clinic = SignedInTenant.create(api, operator, "clinic");
        Response user = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "nurse.nell", "firstName",
                "Nell", "lastName", "Nurse", "email", "nell@links.example", "password", "nell's own long passphrase"));
        assertThat(user.status()).as(user.raw()).isEqualTo(201);
        Response reset = api.post(clinic.path("/users/" + user.text("/id") + "/password-reset"), clinic.adminToken(), "");
        assertThat(reset.status()).as(reset.raw()).isEqualTo(202);
        assertThat(reset.text("/resetUrl")).startsWith(here + "/console/reset-password?token=");

        // Reached as localhost, the link says localhost: the name the client used for this very socket.
        String asLocalhost = RawHttp.post(port(), "localhost:" + port(), clinic.path("/users/" + user.text("/id")
                + "/password-reset"), clinic.adminToken(), "");
        assertThat(asLocalhost).startsWith("HTTP/1.1 202").contains("\"resetUrl\":\"http://localhost:" + port()
                + "/console/reset-password?token=");
    }

    @Test
    void aForgotPasswordRequestWithAForeignHostHeaderStillMailsALinkToThisServer() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response user = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "victim.vic", "firstName",
                "Vic", "lastName", "Victim", "email", "vic@links.example", "password", "vic's own long passphrase"));
        assertThat(user.status()).as(user.raw()).isEqualTo(201);

        String answer = RawHttp.post(port(), "attacker.example", "/api/v1/auth/password/forgot", null,
                json("tenant", clinic.slug(), "username", "victim.vic"));

        assertThat(answer).startsWith("HTTP/1.1 202");
        List<String> mails = mailsTo(clinic.id(), "vic@links.example");
        assertThat(mails).singleElement().asString().doesNotContain("attacker.example")
                .contains("http://127.0.0.1:" + port() + "/console/reset-password?token=");
    }

    private List<String> mailsTo(String tenant, String recipient) {
        return QueuedMail.in(context).bodies("tenant_id = :tenant and recipient = :recipient",
                Map.of("tenant", UUID.fromString(tenant), "recipient", recipient));
    }
}
