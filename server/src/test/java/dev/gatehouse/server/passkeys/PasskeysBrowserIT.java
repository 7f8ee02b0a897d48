package dev.gatehouse.server.passkeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Passkeys in the console (issue 15) with Chromium's virtual authenticator: the empty list, adding a
 * passkey with a name, refusal where the tenant does not allow passkeys alone, then signing in with it.
 */
class PasskeysBrowserIT extends BrowserTest {

    @Test
    void aUserAddsAPasskeyInTheConsoleAndSignsInWithIt() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member member = TestMembers.member("nadia").holding("front_desk").withEmail().create(api, clinic);
        member.token();

        ConsoleBrowser browser = browser();
        browser.driver().addVirtualAuthenticator(new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true).setHasUserVerification(true).setIsUserVerified(true)
                .setIsUserConsenting(true));
        browser.signIn(clinic.slug(), "nadia", member.password());
        browser.open("/console/profile/second-factor/passkeys");
        assertThat(browser.text()).contains("You have no passkeys yet.");
        browser.screenshot("passkeys-empty");

        browser.fill("Name", "This computer");
        browser.driver().findElement(By.xpath("//button[normalize-space()='Add a passkey']")).click();
        browser.waitUntil(Duration.ofSeconds(20), d -> d.getCurrentUrl().contains("added"));
        assertThat(browser.text()).contains("The passkey is added.").contains("This computer");
        assertThat(browser.findAll(".passkey-row")).hasSize(1);
        browser.screenshot("passkeys-list");

        // Sign out; the tenant does not allow passkeys alone yet: the page says so.
        browser.press("Sign out");
        browser.open("/console/sign-in");
        browser.fill("Organisation", clinic.slug());
        browser.driver().findElement(By.xpath("//button[normalize-space()='Sign in with a passkey']")).click();
        browser.waitUntil(Duration.ofSeconds(20), d -> d.findElement(
                By.cssSelector("#passkey-sign-in [data-passkey-status]")).isDisplayed());
        assertThat(browser.find("#passkey-sign-in [data-passkey-status]").getText())
                .contains("not available for this organisation");

        assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(), "{\"mfaPolicy\": {\"passwordless\": true}}")
                .status()).isEqualTo(200);
        browser.open("/console/sign-in");
        browser.fill("Organisation", clinic.slug());
        browser.driver().findElement(By.xpath("//button[normalize-space()='Sign in with a passkey']")).click();
        browser.waitUntil(Duration.ofSeconds(20), d -> !d.getCurrentUrl().contains("/console/sign-in"));
        assertThat(browser.text()).contains("nadia");
        assertThat(browser.path()).startsWith("/console");
    }

    @Test
    void aPersonOfASuspendedOrganisationIsToldSoWhenSigningInWithAPasskey() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(), "{\"mfaPolicy\": {\"passwordless\": true}}")
                .status()).isEqualTo(200);
        assertThat(api.patch("/api/v1/tenants/" + clinic.slug(), operatorToken(),
                dev.gatehouse.server.testing.ApiClient.json("status", "SUSPENDED", "reason", "unpaid invoice")).status())
                .isEqualTo(200);

        ConsoleBrowser browser = browser().open("/console/sign-in");
        browser.fill("Organisation", clinic.slug());
        browser.driver().findElement(By.xpath("//button[normalize-space()='Sign in with a passkey']")).click();
        browser.waitUntil(Duration.ofSeconds(20), d -> d.findElement(
                By.cssSelector("#passkey-sign-in [data-passkey-status]")).isDisplayed());
        assertThat(browser.find("#passkey-sign-in [data-passkey-status]").getText())
                .contains("This organisation is suspended; contact your platform operator");
    }
}
