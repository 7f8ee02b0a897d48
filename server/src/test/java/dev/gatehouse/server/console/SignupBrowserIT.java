package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** Issue 16's screens in every state: domain mappings and the registrations queue. */
class SignupBrowserIT extends BrowserTest {

    @Test
    void anAdminMapsADomainSeesItsErrorsEditsAndDeletesIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/domain-mappings");
        assertThat(admin.menu()).contains("Domain mappings", "Registrations");
        assertThat(admin.find("#no-mappings").getText()).contains("No domain mappings yet");
        admin.screenshot("domain-mappings-empty");

        admin.fill("Domain pattern", "*.com").fill("Role", "captain").press("Add mapping");
        assertThat(admin.find("#mapping-errors").getText()).contains("pattern", "defaultRole");
        assertThat(admin.findAll(".mapping-row")).isEmpty();
        admin.screenshot("domain-mappings-errors");

        admin.fill("Domain pattern", "*.north-clinic.org").fill("Priority", "10").fill("Role", "front_desk")
                .press("Add mapping");
        assertThat(admin.text()).contains("The mapping is saved");
        assertThat(admin.find(".mapping-row").getText()).contains("*.north-clinic.org", "10", clinic.slug(), "front_desk",
                "at once");
        admin.screenshot("domain-mappings-list");

        admin.click(admin.find("a[aria-label='Edit *.north-clinic.org']"));
        assertThat(admin.field("Domain pattern").getDomProperty("value")).isEqualTo("*.north-clinic.org");
        new org.openqa.selenium.support.ui.Select(admin.field("Joining")).selectByValue("APPROVAL");
        admin.press("Save mapping");
        assertThat(admin.text()).contains("The mapping is changed");
        assertThat(admin.find(".mapping-row").getText()).contains("after approval");

        admin.driver().executeScript("arguments[0].click()",
                admin.find("main").findElement(By.cssSelector("button[aria-label='Delete *.north-clinic.org']")));
        admin.confirm();
        assertThat(admin.text()).contains("The mapping is deleted");
        assertThat(admin.findAll(".mapping-row")).isEmpty();
    }

    @Test
    void anAdminApprovesAProvidersRequestAndRejectsARegistrationWhileAUserIsRefused() {
        SignedInTenant booking = SignedInTenant.create(api, operatorToken(), "booking");
        api.patch(booking.path("/settings"), booking.adminToken(), json("registration",
                raw("{\"open\": true, \"approval\": true, \"requestableRoles\": [\"PROVIDER\"]}")));
        TestMembers.Member user = TestMembers.member("paula").holding("USER").withEmail().create(api, booking);
        ConsoleBrowser admin = browser().signIn(booking.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/registrations");
        assertThat(admin.find("#no-requests").getText()).isEqualTo("Nothing waits for approval.");
        admin.screenshot("registrations-empty");

        assertThat(api.post(booking.path("/role-requests"), user.token(), json("role", "PROVIDER", "note",
                "I run a physiotherapy practice")).status()).isEqualTo(201);
        assertThat(api.post("/api/v1/auth/register", null, json("email", "rex@example.net", "username", "rex.r",
                "firstName", "Rex", "lastName", "R", "tenant", booking.slug())).status()).isEqualTo(202);
        admin.open("/console/registrations");
        assertThat(admin.findAll(".request-row")).hasSize(2);
        assertThat(admin.text()).contains("The role PROVIDER", "I run a physiotherapy practice",
                "A new account, as USER", "rex@example.net");
        admin.screenshot("registrations-pending");

        admin.click(admin.find("button[aria-label='Approve paula']"));
        assertThat(admin.text()).contains("Approved: the person is told by mail.");
        admin.click(admin.find("button[aria-label='Reject rex.r']"));
        assertThat(admin.text()).contains("Rejected");
        assertThat(admin.find("#no-requests").getText()).isEqualTo("Nothing waits for approval.");

        admin.press("Approved");
        assertThat(admin.find(".request-row").getText()).contains("paula", "APPROVED", "by admin");
        admin.screenshot("registrations-approved");
        admin.press("Rejected");
        assertThat(admin.find(".request-row").getText()).contains("rex.r", "REJECTED");
        admin.screenshot("registrations-rejected");

        ConsoleBrowser member = browser().signIn(booking.slug(), "paula", TestMembers.PASSWORD);
        member.open("/console/registrations");
        assertThat(member.menu()).doesNotContain("Registrations", "Domain mappings");
        assertThat(member.text()).containsIgnoringCase("registrations.approve");
        member.screenshot("registrations-forbidden");
    }
}
