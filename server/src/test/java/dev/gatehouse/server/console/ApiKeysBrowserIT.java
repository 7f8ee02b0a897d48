package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;

/** The API keys screen and the profile's "Your API keys" in every state (issue 12). */
class ApiKeysBrowserIT extends BrowserTest {

    @Autowired
    private TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aKeyIsCreatedWithItsSecretShownOnceThenRotatedAndRevoked() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        admin.open("/console/profile");
        assertThat(admin.find("#no-api-keys").getText()).contains("no API keys");
        admin.press("Manage your API keys");
        assertThat(admin.path()).isEqualTo("/console/api-keys");
        assertThat(admin.find("#no-keys").getText()).isEqualTo("No API keys yet.");
        admin.screenshot("api-keys-empty");

        admin.fill("Name", "Billing export").fill("Scopes", "nothing.here").press("Create key");
        assertThat(admin.find("#key-errors").getText()).contains("scopes[0]");
        assertThat(admin.findAll(".key-row")).isEmpty();

        admin.fill("Name", "EHR sync").fill("Scopes", "patients.read, appointments.*").press("Create key");
        String secret = admin.find("#secret").getDomProperty("value");
        assertThat(secret).startsWith("ghk_");
        assertThat(admin.text()).contains("shown this once");
        assertThat(admin.find(".key-status").getText()).isEqualTo("ACTIVE");
        admin.screenshot("api-keys-created");
        assertThat(api.get("/api/v1/me", secret).status()).isEqualTo(200);

        admin.open("/console/api-keys");
        assertThat(admin.findAll("#secret")).as("never shown again").isEmpty();
        assertThat(admin.text()).doesNotContain(secret);

        click(admin, "Rotate");
        String rotated = admin.find("#secret").getDomProperty("value");
        assertThat(rotated).startsWith("ghk_").isNotEqualTo(secret);
        assertThat(admin.find(".key-status").getText()).isEqualTo("ROTATING");
        assertThat(admin.text()).contains("previous secret keeps working until");
        admin.screenshot("api-keys-rotated");

        click(admin, "Revoke");
        assertThat(admin.text()).contains("The key is revoked");
        assertThat(admin.find(".key-status").getText()).isEqualTo("REVOKED");
        assertThat(admin.findAll("button[aria-label='Revoke EHR sync']")).isEmpty();
        admin.screenshot("api-keys-revoked");
        assertThat(api.get("/api/v1/me", rotated).status()).isEqualTo(401);

        admin.open("/console/profile");
        assertThat(admin.findAll(".api-key-row")).hasSize(1);
        assertThat(admin.find(".api-key-row").getText()).contains("EHR sync", "REVOKED");
        admin.screenshot("profile-api-keys");
    }

    @Test
    void anExpiredKeyIsShownExpiredWithoutActions() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.post(clinic.path("/api-keys"), clinic.adminToken(), json("name", "Nightly report", "scopes",
                raw("[\"reports.*\"]"), "expiresAt", Instant.now().plus(Duration.ofHours(1)).toString())).status())
                .isEqualTo(201);
        clock.moveAhead(Duration.ofHours(2));

        ConsoleBrowser admin = browser().signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        admin.open("/console/api-keys?owner=" + clinic.adminId());
        assertThat(admin.find(".key-status").getText()).isEqualTo("EXPIRED");
        assertThat(admin.findAll("button[aria-label='Rotate Nightly report']")).isEmpty();
        admin.screenshot("api-keys-expired");
    }

    /** Clicks a button that asks for confirmation first (hx-confirm), then accepts it. */
    private static void click(ConsoleBrowser browser, String button) {
        browser.driver().executeScript("arguments[0].click()",
                browser.find("main").findElement(By.xpath(".//button[normalize-space()='" + button + "']")));
        browser.confirm();
    }
}
