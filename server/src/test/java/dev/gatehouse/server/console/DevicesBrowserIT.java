package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The profile's devices (issue 15) in a real browser: the browser gets its device cookie at sign-in
 * and is listed as this device next to the app the user signed in with before; forgetting the app
 * ends its session (after a fresh proof of the password when the last one is old); no known device
 * yet is said so.
 */
class DevicesBrowserIT extends BrowserTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void theProfileListsTheDevicesMarksThisOneAndForgetsAnother() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        var kit = TestMembers.member("kit").holding("front_desk").withEmail().create(api, clinic);
        String appToken = kit.token();

        ConsoleBrowser browser = browser().signIn(clinic.slug(), "kit", TestMembers.PASSWORD);
        assertThat(browser.path()).isEqualTo("/console");
        assertThat(browser.driver().manage().getCookieNamed("gh_device")).as("the device cookie").isNotNull();
        assertThat(browser.driver().manage().getCookieNamed("gh_device").isHttpOnly()).isTrue();

        browser.open("/console/profile");
        assertThat(browser.findAll(".device-row")).hasSize(2);
        WebElement here = browser.find(".this-device").findElement(By.xpath("ancestor::tr"));
        assertThat(here.getText()).contains("Chrome on Linux");
        WebElement app = row(browser, "Java client");
        assertThat(app.getText()).contains("by fingerprint").doesNotContain("this device");
        assertThat(browser.find(".session-device").getText()).isNotBlank();

        // Long after the sign-in, forgetting another device asks for the password first.
        clock.moveAhead(Duration.ofMinutes(10));
        forget(browser, "Java client");
        assertThat(browser.findAll("#reauth-title")).as("the proof is asked for first").hasSize(1);
        assertThat(api.get("/api/v1/me", appToken).status()).as("not forgotten yet").isEqualTo(200);
        clock.reset();

        browser.open("/console/profile");
        forget(browser, "Java client");
        assertThat(browser.text()).contains("The device is forgotten");
        assertThat(browser.findAll(".device-row")).hasSize(1);
        assertThat(api.get("/api/v1/me", appToken).status()).as("its session ended").isEqualTo(401);

        // A user whose devices are all forgotten (or who signed in before devices were kept) sees it said.
        jdbc.sql("delete from known_devices where user_id = :user").param("user", UUID.fromString(kit.id())).update();
        browser.open("/console/profile");
        assertThat(browser.find("#no-devices").getText()).contains("No known devices yet");
    }

    private static WebElement row(ConsoleBrowser browser, String label) {
        return browser.findAll(".device-row").stream().filter(row -> row.getText().contains(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no device row for " + label));
    }

    /** Presses a row's Forget (it asks for confirmation first, hx-confirm) and accepts. */
    private static void forget(ConsoleBrowser browser, String label) {
        browser.driver().executeScript("arguments[0].click()",
                browser.find("button[aria-label='Forget " + label + "']"));
        browser.confirm();
    }
}
