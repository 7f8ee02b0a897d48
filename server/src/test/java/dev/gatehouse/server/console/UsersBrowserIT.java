package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/** The users screens in a real browser: inviting, locking, editing a profile, roles with an end date. */
class UsersBrowserIT extends BrowserTest {

    private static final String PASSWORD = "ivy's own long passphrase";

    @Test
    void anAdminInvitesAUserWhoSetsAPasswordSignsInAndIsSignedOutWhenLocked() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/users").press("Add user");
        admin.fill("Username", "ivy").fill("First name", "Ivy").fill("Last name", "Green")
                .fill("E-mail", "ivy@example.com");
        new Select(admin.field("Role")).selectByVisibleText("Front Desk/Receptionist");
        admin.screenshot("users-add");
        submit(admin, "Add user");
        assertThat(admin.title()).startsWith("User invited");
        String link = admin.field("Invitation link").getDomProperty("value");
        assertThat(link).contains("/console/invitation?token=");
        admin.press("Copy link");
        admin.waitUntil(Duration.ofSeconds(5), d -> !admin.find("#invitation-link-status").getText().isBlank());
        admin.screenshot("users-invitation-link");

        ConsoleBrowser ivy = browser().openLink(link);
        ivy.fill("New password", PASSWORD).fill("Repeat the new password", PASSWORD).press("Activate account");
        ivy.signIn(clinic.slug(), "ivy", PASSWORD);
        assertThat(ivy.path()).isEqualTo("/console");

        admin.open("/console/users");
        assertThat(admin.text()).contains("ivy").contains("Front Desk/Receptionist @ all locations").contains("Active");
        admin.screenshot("users-list");
        admin.press("ivy");
        admin.screenshot("user-detail");
        admin.driver().executeScript("arguments[0].click()",
                admin.find("main").findElement(By.xpath(".//button[normalize-space()='Lock']")));
        admin.confirm();
        assertThat(admin.text()).contains("The user is locked and signed out everywhere.");

        ivy.press("Profile");
        assertThat(ivy.path()).isEqualTo(ConsoleSecurity.SIGN_IN);
    }

    /** Issue 11: the page of a user still waiting on their invitation broke off with an error page. */
    @Test
    void anInvitedUsersPageOpensAndMakesANewInvitationLink() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String id = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "ivy", "firstName", "Ivy",
                "lastName", "Green", "email", "ivy@example.com")).text("/id");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/users/" + id);
        assertThat(admin.title()).startsWith("ivy");
        assertThat(admin.text()).contains("They have not accepted their invitation yet").contains("Lock")
                .contains("Disable");
        admin.screenshot("user-invited");
        admin.driver().executeScript("arguments[0].click()",
                admin.find("main").findElement(By.xpath(".//button[normalize-space()='New invitation link']")));
        admin.confirm();

        String link = admin.field("Invitation link").getDomProperty("value");
        assertThat(link).contains("/console/invitation?token=");
        ConsoleBrowser ivy = browser().openLink(link);
        ivy.fill("New password", PASSWORD).fill("Repeat the new password", PASSWORD).press("Activate account");
        ivy.signIn(clinic.slug(), "ivy", PASSWORD);
        assertThat(ivy.path()).isEqualTo("/console");
    }

    @Test
    void anAdminEditsTheClinicalProfileAndGivesARoleAtALocationUntilADate() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String east = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "East")).text("/id");
        String west = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "West")).text("/id");
        UUID provider = UUID.fromString(
                TestMembers.member("drlee").holding("provider").at(east).create(api, clinic).id());
        TestMembers.member("westdesk").holding("front_desk").at(west).create(api, clinic);
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/users/" + provider);
        admin.fill("NPI", "1234567893").fill("Credentials (comma-separated)", "LCSW, PhD");
        submit(admin, "Save details");
        assertThat(admin.text()).contains("Details saved.");
        assertThat(admin.field("Credentials (comma-separated)").getDomProperty("value")).isEqualTo("LCSW, PhD");

        new Select(admin.field("Role")).selectByVisibleText("Manager");
        new Select(admin.field("At location")).selectByVisibleText("East");
        admin.driver().executeScript("arguments[0].value = '2031-01-31'", admin.field("Until (UTC day, optional)"));
        submit(admin, "Assign role");
        assertThat(admin.text()).contains("Role assigned.").contains("Manager @ East").contains("2031-01-31 00:00 UTC");

        ConsoleBrowser manager = browser().signIn(clinic.slug(), "drlee", TestMembers.PASSWORD);
        manager.open("/console/users");
        assertThat(manager.text()).contains("drlee").doesNotContain("westdesk").doesNotContain("admin\n");
    }

    /**
     * Submits a form by its button from script: a long form's last button sits under the bottom
     * edge of the headless window, where a pointer click is intercepted. Waits for the next page.
     */
    private static void submit(ConsoleBrowser browser, String button) {
        WebElement target = browser.find("main").findElement(By.xpath(".//button[normalize-space()='" + button + "']"));
        browser.driver().executeScript("arguments[0].click()", target);
        browser.waitUntil(Duration.ofSeconds(15), ExpectedConditions.stalenessOf(target));
        browser.waitUntil(Duration.ofSeconds(15), d -> "complete".equals(browser.driver().executeScript("return document.readyState")));
    }
}
