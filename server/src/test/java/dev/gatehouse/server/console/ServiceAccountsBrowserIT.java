package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestServiceAccounts;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * Service accounts in the console (issue 12), in a real browser: the form that adds one asks for no
 * password, invitation or address; the roster filters them and badges them; a service account's page
 * offers no password or invitation action, nor a person's clinical profile, photo or weekly hours,
 * links to its API keys, and is the same when disabled; and
 * the sign-in page answers a service account as it answers a wrong password.
 */
class ServiceAccountsBrowserIT extends BrowserTest {

    @Test
    void anAdminAddsAServiceAccountFindsItByItsKindAndDisablesIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        api.post(clinic.path("/users"), clinic.adminToken(), json("username", "ivy", "firstName", "Ivy",
                "lastName", "Green", "email", "ivy@example.com"));
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/users").press("Add service account");
        assertThat(admin.title()).startsWith("Add service account");
        assertThat(admin.text()).contains("never signs in at a sign-in page").doesNotContain("Send an invitation link")
                .doesNotContain("Generate a password").doesNotContain("Clinical profile");
        assertThat(admin.findAll("input[name=email], input[name=password], input[name=passwordChoice]")).isEmpty();
        admin.fill("Username", "ehr-sync").fill("First name", "EHR").fill("Last name", "Sync");
        new Select(admin.field("Role")).selectByVisibleText("Provider");
        admin.screenshot("service-account-add");
        submit(admin, "Add service account");

        assertThat(admin.title()).startsWith("ehr-sync");
        assertThat(admin.text()).contains("The service account was created.");
        String id = admin.path().substring("/console/users/".length());
        assertActiveOrDisabledPageOffersNoCredentialAction(admin, id);
        assertThat(admin.find(".service-account").getText()).isEqualTo("Service account");
        admin.screenshot("service-account-detail");
        submit(admin, "Save details");
        assertThat(admin.text()).contains("Details saved.");
        assertActiveOrDisabledPageOffersNoCredentialAction(admin, id);
        showSection(admin);
        admin.screenshot("service-account-keys-link");

        admin.open("/console/users");
        assertThat(admin.text()).contains("ehr-sync").contains("ivy");
        admin.click(admin.driver().findElement(By.linkText("ivy")));
        assertThat(admin.title()).startsWith("ivy");
        assertThat(admin.text()).as("a person's page keeps them").contains("Clinical profile");
        assertThat(admin.findAll("#photo, #availability")).hasSize(2);
        admin.open("/console/users");
        new Select(admin.field("Kind")).selectByVisibleText("Service accounts");
        admin.press("Search");
        assertThat(admin.text()).contains("ehr-sync").contains("1 user").doesNotContain("ivy");
        assertThat(admin.findAll("tbody .service-account")).hasSize(1);
        admin.screenshot("users-service-accounts");
        new Select(admin.field("Kind")).selectByVisibleText("People");
        admin.press("Search");
        assertThat(admin.text()).contains("ivy").doesNotContain("ehr-sync");
        assertThat(admin.findAll("tbody .service-account")).isEmpty();

        admin.open("/console/users/" + id);
        admin.driver().executeScript("arguments[0].click()",
                admin.find("main").findElement(By.xpath(".//button[normalize-space()='Disable']")));
        admin.confirm();
        assertThat(admin.text()).contains("The user is disabled and signed out everywhere.");
        assertThat(admin.find("main").findElement(By.xpath(".//button[normalize-space()='Enable']")).isDisplayed())
                .isTrue();
        assertActiveOrDisabledPageOffersNoCredentialAction(admin, id);
        admin.screenshot("service-account-disabled");
    }

    @Test
    void theSignInPageAnswersAServiceAccountAsAWrongPassword() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestServiceAccounts.serviceAccount("ehr-sync").create(api, clinic);

        ConsoleBrowser wrong = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, "not the password at all");
        ConsoleBrowser bot = browser().signIn(clinic.slug(), "ehr-sync", "not the password at all");

        assertThat(bot.path()).isEqualTo(wrong.path()).isEqualTo(ConsoleSecurity.SIGN_IN);
        assertThat(bot.find("[role=alert]").getText()).isEqualTo(wrong.find("[role=alert]").getText())
                .isEqualTo(SignInController.REFUSED);
        bot.open("/console");
        assertThat(bot.path()).isEqualTo(ConsoleSecurity.SIGN_IN);
    }

    /**
     * A service account's page, active or disabled: no password, invitation or e-mail, none of a
     * person's clinical profile, photo or weekly hours; a link to its API keys.
     */
    private static void assertActiveOrDisabledPageOffersNoCredentialAction(ConsoleBrowser admin, String id) {
        assertThat(admin.text()).doesNotContain("Send reset link").doesNotContain("Set temporary password")
                .doesNotContain("New invitation link").doesNotContain("at next sign-in")
                .doesNotContain("Clinical profile").doesNotContain("Weekly availability").doesNotContain("Upload photo");
        assertThat(admin.findAll("#photo, #availability, input[name='profile.npi']")).isEmpty();
        assertThat(admin.findAll("#password, input[name=email], input[name=temporaryPassword]")).isEmpty();
        WebElement keys = admin.find("main").findElement(By.xpath(".//a[normalize-space()='API keys']"));
        assertThat(keys.getDomAttribute("href")).isEqualTo("/console/api-keys?owner=" + id);
    }

    /** Scrolls the service account's section (what it is, its API keys) to the top of the window. */
    private static void showSection(ConsoleBrowser admin) {
        admin.driver().executeScript("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'})",
                admin.find("#service-account"));
    }

    private static void submit(ConsoleBrowser browser, String button) {
        WebElement target = browser.find("main").findElement(By.xpath(".//button[normalize-space()='" + button + "']"));
        browser.driver().executeScript("arguments[0].click()", target);
        browser.waitUntil(Duration.ofSeconds(15), ExpectedConditions.stalenessOf(target));
        browser.waitUntil(Duration.ofSeconds(15), d -> "complete".equals(browser.driver().executeScript("return document.readyState")));
    }
}
