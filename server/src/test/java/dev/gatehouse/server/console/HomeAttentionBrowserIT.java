package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the console's home shows what needs attention, as counts linking to the screen that
 * lists them, only the cards the viewer may see, an "all clear" state, and never a card reading
 * "Needs users.read".
 */
class HomeAttentionBrowserIT extends BrowserTest {

    @Test
    void aNewTenantsAdminSeesAllClearAndWhatWasChecked() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        assertThat(admin.path()).isEqualTo("/console");
        assertThat(admin.find("#all-clear").getText()).contains("All clear");
        assertThat(admin.find("#checked").getText()).contains("Pending invitations", "Locked accounts",
                "Dormant accounts", "Access expiring this week", "Recent alerts", "Access for you to review",
                "Sign-ups and role requests to approve");
        assertThat(admin.findAll(".attention")).isEmpty();
        assertThat(admin.text()).doesNotContainPattern("Needs [a-z_-]+\\.[a-z]");
        admin.screenshot("home-all-clear");
    }

    @Test
    void anInvitationAndATestAlertShowAsCountsThatLeadToTheirScreens() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response invited = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "newcomer",
                "firstName", "New", "lastName", "Comer", "email", "newcomer@" + clinic.slug() + ".example",
                "invite", true));
        assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
        assertThat(api.post(clinic.path("/alerts/test"), clinic.adminToken(), "{}").status()).isEqualTo(201);
        assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(),
                "{\"registration\": {\"open\": true, \"approval\": true}}").status()).isEqualTo(200);
        assertThat(api.post("/api/v1/auth/register", null, json("tenant", clinic.slug(), "username", "applicant",
                "firstName", "Ap", "lastName", "Plicant", "email", "applicant@" + clinic.slug() + ".example"))
                .status()).isEqualTo(202);

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        assertThat(admin.find("#pending-invitations .count").getText()).isEqualTo("1");
        assertThat(admin.find("#recent-alerts .count").getText()).isEqualTo("1");
        assertThat(admin.findAll("#all-clear")).isEmpty();
        admin.screenshot("home-needs-attention");
        admin.click(admin.find("#pending-invitations"));
        assertThat(admin.path()).isEqualTo("/console/users");
        assertThat(admin.text()).contains("newcomer");
        admin.open("/console");
        assertThat(admin.find("#pending-approvals .count").getText()).isEqualTo("1");
        admin.click(admin.find("#pending-approvals"));
        assertThat(admin.path()).isEqualTo("/console/registrations");
        assertThat(admin.text()).contains("applicant");
        admin.open("/console").click(admin.find("#recent-alerts"));
        assertThat(admin.path()).isEqualTo("/console/alerts");
        assertThat(admin.find("#recent-alerts").getText()).contains("Test alert");
    }

    @Test
    void frontDeskSeesOnlyItsOwnReviewsCardAndAnOperatorNoTenantCards() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        api.post(clinic.path("/users"), clinic.adminToken(), json("username", "invitee", "firstName", "In",
                "lastName", "Vitee", "email", "invitee@" + clinic.slug() + ".example", "invite", true));
        TestMembers.Member frontDesk = TestMembers.member("desk").holding("front_desk").create(api, clinic);

        ConsoleBrowser desk = browser().signIn(clinic.slug(), frontDesk.username(), frontDesk.password());

        assertThat(desk.findAll("#pending-invitations")).as("front desk may not read users").isEmpty();
        assertThat(desk.find("#all-clear").isDisplayed()).isTrue();
        assertThat(desk.find("#checked").getText()).contains("Access for you to review")
                .doesNotContain("Pending invitations", "Recent alerts", "Sign-ups and role requests to approve");
        desk.screenshot("home-front-desk");

        ConsoleBrowser operator = browser().signIn("platform", OPERATOR, OPERATOR_PASSWORD);
        assertThat(operator.find("#attention").getText()).doesNotContain("Pending invitations", "Recent alerts");
        assertThat(operator.text()).doesNotContainPattern("Needs [a-z_-]+\\.[a-z]").contains("Tenants", "Notifications", "Outbox");
    }
}
