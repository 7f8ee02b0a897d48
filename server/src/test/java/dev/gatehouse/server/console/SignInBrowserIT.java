package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.authentication.AuthenticatorApp;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first console scenario, in real browsers: an invited user sets their password through
 * the mailed link, signs in, enrols an authenticator, signs in again with the second factor, and is
 * bounced to sign-in on their next click once an admin locks them.
 */
class SignInBrowserIT extends BrowserTest {

    private static final String PASSWORD = "ivy's own long passphrase";

    @Test
    void anInvitedUserActivatesEnrolsTotpSignsInWithTheSecondFactorAndIsBouncedWhenLocked() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleBrowser admin = browser().open(ConsoleSecurity.SIGN_IN);
        admin.fill("Organisation", clinic.slug()).fill("Username", SignedInTenant.ADMIN);
        admin.screenshot("sign-in");
        admin.fill("Password", SignedInTenant.ADMIN_PASSWORD).press("Sign in");
        assertThat(admin.path()).isEqualTo("/console");

        // The Users screen is another helper's: the admin invites through the API meanwhile.
        Response invited = api.post(clinic.path("/users"), clinic.adminToken(), json("username", "ivy", "firstName", "Ivy",
                "lastName", "Vee", "email", "ivy@example.com", "invite", true));
        assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
        String link = mailedLink(clinic.slug(), "ivy@example.com");

        ConsoleBrowser ivy = browser().openLink(link);
        assertThat(ivy.title()).startsWith("Choose a password");
        ivy.fill("New password", "short").fill("Repeat the new password", "short").press("Activate account");
        assertThat(ivy.find("#newPassword-error").getText()).as("the policy's field error, next to the field")
                .isNotBlank();
        assertThat(ivy.driver().getCurrentUrl()).as("the token left the URL for the form").doesNotContain("token=");
        ivy.fill("New password", PASSWORD).fill("Repeat the new password", PASSWORD).press("Activate account");
        assertThat(ivy.path()).isEqualTo(ConsoleSecurity.SIGN_IN);
        assertThat(ivy.text()).contains("Your account is ready");

        ivy.signIn(clinic.slug(), "ivy", PASSWORD);
        assertThat(ivy.path()).isEqualTo("/console");
        ivy.open("/console/profile/second-factor").press("Set up an authenticator app");
        assertThat(ivy.find("img.qr-code").getDomAttribute("src")).startsWith("data:image/png;base64,");
        ivy.screenshot("totp-enrolment");
        AuthenticatorApp app = AuthenticatorApp.withKey(ivy.find(".totp-secret").getText());
        ivy.fill("Code from the app", app.currentCode()).press("Confirm");
        List<String> recoveryCodes = ivy.findAll(".recovery-codes li").stream().map(e -> e.getText()).toList();
        assertThat(recoveryCodes).hasSize(10);
        ivy.press("I have saved them");

        ivy.press("Sign out");
        assertThat(ivy.text()).contains("You are signed out");
        ivy.signIn(clinic.slug(), "ivy", PASSWORD);
        assertThat(ivy.title()).startsWith("Second factor");
        ivy.screenshot("second-factor");
        // The enrolment used this step's code, and a code works once: a recovery code gets in.
        ivy.fill("Code", recoveryCodes.getFirst()).press("Verify");
        assertThat(ivy.path()).isEqualTo("/console");
        ivy.open("/console/profile");
        assertThat(ivy.text()).contains("9 recovery codes left").contains("this session");
        ivy.screenshot("profile");

        Response locked = api.post(clinic.path("/users/" + invited.text("/id") + "/lock"), clinic.adminToken(), "{}");
        assertThat(locked.status()).as(locked.raw()).isEqualTo(200);
        ivy.press("Change password");
        assertThat(ivy.path()).isEqualTo(ConsoleSecurity.SIGN_IN);
        assertThat(ivy.text()).contains("Your session has ended");
    }
}
