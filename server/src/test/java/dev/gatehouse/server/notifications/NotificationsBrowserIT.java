package dev.gatehouse.server.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import org.junit.jupiter.api.Test;

/**
 * Platform › Notifications in a browser (seed 001): the unconfigured state, bad input refused field
 * by field with nothing saved, and the forbidden page for a tenant's admin. Saving a server and the
 * test mail are proved over the API in PlatformSmtpSettingsIT, in a context of its own: the
 * settings are platform-wide, and this shared context's tests read mail from the outbox.
 */
class NotificationsBrowserIT extends BrowserTest {

    @Test
    void anOperatorSeesNoServerSetAndBadValuesAreRefusedFieldByField() {
        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        operator.press("Notifications");
        assertThat(operator.path()).isEqualTo("/console/notifications");
        assertThat(operator.find("#not-configured").getText()).contains("No mail server is set");
        assertThat(operator.find("#no-address").getText()).contains("no e-mail address");
        operator.screenshot("notifications-not-configured");

        operator.fill("Host", "smtp://relay.example").fill("Port", "70000").fill("From address", "nobody")
                .press("Save mail settings");

        assertThat(operator.find("#summary").getText()).contains("nothing was saved");
        assertThat(operator.field("Host").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(operator.field("Host").getDomProperty("value")).as("kept to correct").isEqualTo("smtp://relay.example");
        assertThat(operator.find("#host-error").getText()).contains("host name");
        assertThat(operator.find("#port-error").getText()).contains("1 to 65535");
        assertThat(operator.find("#from-error").getText()).contains("e-mail address");
        assertThat(operator.find("#not-configured").isDisplayed()).isTrue();
        assertThat(api.get("/api/v1/platform/settings/smtp", operatorToken()).body().path("configured").asBoolean())
                .isFalse();
        operator.screenshot("notifications-bad-input");

        // issue 16: a host the address rules refuse (cloud metadata) is named on its field, nothing saved.
        operator.fill("Host", "169.254.169.254").fill("Port", "25").fill("From address", "gatehouse@example.org")
                .press("Save mail settings");
        assertThat(operator.field("Host").getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(operator.find("#host-error").getText()).contains("169.254.169.254", "GATEHOUSE_SMTP_ALLOW");
        assertThat(api.get("/api/v1/platform/settings/smtp", operatorToken()).body().path("configured").asBoolean())
                .isFalse();
    }

    @Test
    void aTenantAdminMeetsTheForbiddenPage() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/notifications");

        assertThat(admin.title()).startsWith("Forbidden");
        assertThat(admin.find(".missing-permission").getText()).isEqualTo("platform.settings");
    }
}
