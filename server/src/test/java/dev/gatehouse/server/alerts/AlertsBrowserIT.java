package dev.gatehouse.server.alerts;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestDns;
import dev.gatehouse.server.testing.TestMembers;
import org.junit.jupiter.api.Test;

/**
 * Settings › Alerts in a browser (issue 16): the rules in a manager's words, a hostile webhook URL
 * refused with the outbound guard's reason, the secret shown once, a throttled test alert, the
 * empty and filled recent-alerts list, and the forbidden page for a role without settings.read.
 */
class AlertsBrowserIT extends BrowserTest {

    @Test
    void anAdminTunesARuleSetsAWebhookSeesItsSecretOnceAndSendsTestAlertsUntilThrottled() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/alerts");
        assertThat(admin.find("#no-alerts").getText()).isEqualTo("No alert has been raised.");
        assertThat(admin.text()).contains("Repeated failed sign-ins on one account", "Break-glass access used");
        admin.screenshot("alerts-empty");

        admin.fill("Webhook URL (https)", "https://169.254.169.254/latest/meta-data").press("Save alert rules");
        assertThat(admin.find("#summary").getText()).contains("nothing was saved");
        assertThat(admin.find("[id='webhook.url-error']").getText()).startsWith("The URL ");
        assertThat(api.get(clinic.path("/alerts"), clinic.adminToken()).body().at("/webhook/url").isString())
                .as("nothing saved").isFalse();
        admin.screenshot("alerts-hostile-webhook");

        admin.open("/console/alerts").fill("Webhook URL (https)", "https://" + TestDns.RECEIVER + "/hook")
                .fill("Attempts", "3").press("Save alert rules");
        String secret = admin.find("#issued-secret code").getText();
        assertThat(secret).startsWith("whsec_");
        assertThat(api.get(clinic.path("/alerts"), clinic.adminToken()).body().at("/rules/failedSignInsPerAccount/count")
                .asInt()).isEqualTo(3);
        admin.screenshot("alerts-secret-once");
        admin.open("/console/alerts");
        assertThat(admin.findAll("#issued-secret")).isEmpty();
        assertThat(admin.text()).doesNotContain(secret);
        assertThat(admin.find("#secret-status").getText()).contains("never shown again");

        for (int i = 0; i < TestAlerts.PER_ACCOUNT; i++) {
            admin.press("Send a test alert");
            assertThat(admin.find("[role=status]").getText()).contains("A test alert was raised");
        }
        assertThat(admin.findAll("#recent-alerts .raised-alert")).hasSize(TestAlerts.PER_ACCOUNT);
        admin.press("Send a test alert");
        assertThat(admin.find("#summary").getText()).contains("too many test alerts");
        admin.screenshot("alerts-throttled");
    }

    @Test
    void aReaderOfTheSettingsSeesTheRulesButCannotChangeOrTestThem() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response role = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "settings_reader", "name",
                "Settings reader", "description", "reads the security settings", "grants",
                raw("[{\"permission\": \"settings.read\"}]")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        TestMembers.Member reader = TestMembers.member("reader").holding("settings_reader").create(api, clinic);
        ConsoleBrowser browser = browser().signIn(clinic.slug(), reader.username(), reader.password());

        browser.press("Alerts");

        assertThat(browser.text()).contains("Repeated failed sign-ins on one account");
        assertThat(browser.find("#alerts-form fieldset").getDomProperty("disabled")).isEqualTo("true");
        assertThat(browser.findAll("form[action$='/console/alerts/test']")).isEmpty();
        assertThat(api.post(clinic.path("/alerts/test"), reader.token(), "{}").status()).isEqualTo(403);
        browser.screenshot("alerts-read-only");
    }

    @Test
    void frontDeskMeetsTheForbiddenPage() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member frontDesk = TestMembers.member("desk").holding("front_desk").create(api, clinic);
        ConsoleBrowser desk = browser().signIn(clinic.slug(), frontDesk.username(), frontDesk.password());

        assertThat(desk.menu()).doesNotContain("Alerts");
        desk.open("/console/alerts");

        assertThat(desk.title()).startsWith("Forbidden");
        assertThat(desk.find(".missing-permission").getText()).isEqualTo("settings.read");
    }
}
