package dev.gatehouse.server.notifications;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Platform › Outbox in a browser (issue 16): an operator filters the outbox by tenant and status, opens
 * a message (its sealed body opened and shown, as no SMTP server is set in the tests), tries a failed one
 * again, and meets a body that does not open as a note; an unknown tenant and a bad status show their
 * states; a tenant's admin meets the forbidden page.
 */
class OutboxBrowserIT extends BrowserTest {

    @Autowired
    JdbcClient jdbc;

    @Test
    void anOperatorFiltersOpensAndRetriesAFailedMessage() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response invited = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "mailme", "firstName",
                "Mail", "lastName", "Me", "email", "mailme@" + clinic.slug() + ".example", "invite", true));
        assertThat(invited.status()).isEqualTo(201);
        jdbc.sql("""
                        update mail_outbox set failed_at = now(), attempts = 20, last_error = '550 mailbox unavailable'
                        where recipient = :to
                        """)
                .param("to", "mailme@" + clinic.slug() + ".example").update();
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        operator.press("Outbox").fill("Tenant (slug)", clinic.slug()).press("Filter");
        assertThat(operator.findAll("#outbox .message")).hasSize(1);
        assertThat(operator.find("#outbox").getText()).contains("mailme@", "FAILED");
        operator.screenshot("outbox-list");
        operator.click(operator.find("#outbox .message a"));
        assertThat(operator.find("#last-error").getText()).isEqualTo("550 mailbox unavailable");
        assertThat(operator.find("#body").getText()).contains("invited");
        operator.press("Try again");
        assertThat(operator.find("#status").getText()).isEqualTo("PENDING");
        assertThat(operator.find("[role=status]").getText()).contains("queued again");
        operator.screenshot("outbox-retried");

        // A text that does not open with this server's key is a note on the page, not an error page.
        UUID id = jdbc.sql("update mail_outbox set body_sealed = :garbage where recipient = :to returning id")
                .param("garbage", new byte[] {1, 2, 3}).param("to", "mailme@" + clinic.slug() + ".example")
                .query(UUID.class).single();
        operator.open("/console/outbox/" + id);
        assertThat(operator.find("#body-hidden").getText()).contains("does not open", "GATEHOUSE_SECRET_KEY");
        assertThat(operator.findAll("#body")).isEmpty();

        operator.open("/console/outbox?tenant=no-such-tenant-" + UUID.randomUUID().toString().substring(0, 6));
        assertThat(operator.find("#no-messages").getText()).isEqualTo("No message matches.");
        operator.open("/console/outbox?status=LOST");
        assertThat(operator.find("#summary").getText()).contains("PENDING, SENT, FAILED");
    }

    @Test
    void aTenantAdminMeetsTheForbiddenPage() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/outbox");

        assertThat(admin.title()).startsWith("Forbidden");
        assertThat(admin.find(".missing-permission").getText()).isEqualTo("outbox.read");
    }
}
