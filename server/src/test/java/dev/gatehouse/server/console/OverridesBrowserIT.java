package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.authentication.Tokens;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Seed 002 §3.2's platform override in a browser (issue 16): the operator's form under Operators ›
 * Help a user with its refusals (no reason, minutes out of range, the platform tenant, no recent proof of
 * the operator's own factor), the takeover under the banner as the override's account, and the tenant's
 * Platform overrides page — empty, with the active override, ended by its admin, read-only for an auditor
 * without {@code users.edit} — and closed to a staff member without {@code audit.read}.
 */
class OverridesBrowserIT extends BrowserTest {

    private static final String REASON = "dispute 88: bookings cancelled by mistake";

    @Test
    void anOperatorTakesOverAndTheTenantsAdminSeesItAndEndsIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        JdbcClient jdbc = context.getBean(JdbcClient.class);
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.press("Platform overrides");
        assertThat(admin.path()).isEqualTo("/console/overrides");
        assertThat(admin.find("#no-overrides").getText()).contains("No platform operator has overridden anything");
        admin.screenshot("overrides-empty");

        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);
        operator.open("/console/operator-access");
        assertThat(operator.field("For how many minutes (1 to 30)").getDomProperty("value")).isEqualTo("30");
        show(operator, "#override-title").screenshot("override-form");
        operator.fill("Organisation to take over (slug)", clinic.slug())
                .fill("For how many minutes (1 to 30)", "45").press("Take over as administrator");
        assertThat(operator.find("#override-refused").getText()).contains("The reason is required")
                .contains("The minutes must be 1 to 30");
        assertThat(operator.field("Organisation to take over (slug)").getDomProperty("value")).isEqualTo(clinic.slug());
        show(operator, "#override-refused").screenshot("override-refused");

        operator.fill("Why you take over (a ticket, the dispute)", REASON)
                .fill("For how many minutes (1 to 30)", "").press("Take over as administrator");
        assertThat(operator.find("#override-refused").getText()).contains("whole number from 1 to 30");
        operator.fill("Organisation to take over (slug)", "platform")
                .fill("For how many minutes (1 to 30)", "10").press("Take over as administrator");
        assertThat(operator.find("#override-refused").getText()).contains("the platform tenant has none to take");
        assertThat(RecordedAudit.actions(jdbc, clinic.id())).doesNotContain("OVERRIDE_STARTED");

        String cookie = operator.driver().manage().getCookieNamed(SessionCookie.PLAIN_NAME).getValue();
        jdbc.sql("update sessions set authenticated_at = now() - interval '1 hour' where token_hash = :hash")
                .param("hash", Tokens.hash(cookie)).update();
        operator.fill("Organisation to take over (slug)", clinic.slug()).press("Take over as administrator");
        assertThat(operator.find("#reauth-title").getText()).isEqualTo("Confirm it's you");
        operator.screenshot("override-reauthenticate");
        operator.fill("Password", OPERATOR_PASSWORD).press("Confirm");
        assertThat(operator.path()).isEqualTo("/console/operator-access");

        operator.fill("Organisation to take over (slug)", clinic.slug())
                .fill("Why you take over (a ticket, the dispute)", REASON)
                .fill("For how many minutes (1 to 30)", "15").press("Take over as administrator");
        assertThat(operator.find("#impersonation-banner").getText()).startsWith("You are acting as override-")
                .contains(" of " + clinic.slug() + " (impersonation by " + OPERATOR + ")");
        assertThat(operator.menu()).contains("Users", "Roles", "Platform overrides");
        operator.screenshot("override-started");
        RecordedAudit.Event started = RecordedAudit.only(jdbc, clinic.id(), "OVERRIDE_STARTED");
        assertThat(started.details().at("/reason").asString()).isEqualTo(REASON);

        admin.open("/console/overrides");
        assertThat(admin.findAll(".override-row")).hasSize(1);
        assertThat(admin.find(".override-row").getText()).contains(OPERATOR).contains(REASON).contains("Active")
                .contains(started.details().at("/account").asString());
        admin.screenshot("overrides-active");
        admin.press("End now");
        assertThat(admin.find(".alert-info").getText()).contains("The override has ended");
        assertThat(admin.find(".override-state").getText()).isEqualTo("Ended");
        assertThat(admin.find(".override-ended-by").getText()).isEqualTo(SignedInTenant.ADMIN);
        assertThat(admin.text()).doesNotContain("End now");
        admin.screenshot("overrides-ended");

        operator.open("/console/users");
        assertThat(operator.path()).as("the override's session ended with it").startsWith("/console/sign-in");
    }

    /** Scrolls the override's part of the page into the screenshot: it sits below the help form. */
    private static ConsoleBrowser show(ConsoleBrowser browser, String css) {
        browser.driver().executeScript("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'})",
                browser.find(css));
        return browser;
    }

    @Test
    void anAuditorSeesTheActiveOverrideButMayNotEndIt() {
        SignedInTenant rcm = SignedInTenant.create(api, operatorToken(), "rcm");
        var started = api.post("/api/v1/tenants/" + rcm.slug() + "/overrides", operatorToken(),
                ApiClient.json("reason", REASON, "minutes", 5));
        assertThat(started.status()).as(started.raw()).isEqualTo(201);
        TestMembers.member("auditor.cy").holding("READONLY").create(api, rcm);
        ConsoleBrowser auditor = browser().signIn(rcm.slug(), "auditor.cy", TestMembers.PASSWORD);

        auditor.press("Platform overrides");
        assertThat(auditor.find(".override-row").getText()).contains(OPERATOR).contains(REASON).contains("Active");
        assertThat(auditor.findAll(".override-row form")).as("ending one needs users.edit").isEmpty();
        auditor.screenshot("overrides-read-only");
    }

    @Test
    void aStaffMemberWithoutTheActivityLogNeitherSeesNorOpensThePage() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.member("desk.bo").holding("front_desk").create(api, clinic);
        ConsoleBrowser desk = browser().signIn(clinic.slug(), "desk.bo", TestMembers.PASSWORD);

        assertThat(desk.menu()).doesNotContain("Platform overrides");
        desk.open("/console/overrides");
        assertThat(desk.text()).contains("missing permission audit.read").doesNotContain("No platform operator");
        desk.screenshot("overrides-forbidden");
    }
}
