package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.authentication.AuthenticatorApp;
import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The console's sign-in flows over HTTP: refusals that tell nothing about the account, the forced
 * password change before any other page, the second step with an e-mailed code, the one-use link
 * pages, forgot password, and ending sessions from the profile.
 */
class ConsoleSignInIT extends IntegrationTest {

    private static final Pattern ALERT = Pattern.compile("role=\"alert\"[^>]*>([^<]*)<");

    private static final Pattern MFA_TOKEN = Pattern.compile("name=\"mfaToken\" value=\"([^\"]+)\"");

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant tenant;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @Test
    void unknownUserWrongPasswordLockedAndDisabledAccountsGetTheSameAnswer() {
        TestMembers.Member member = TestMembers.member("member").holding("front_desk").create(api, tenant);
        TestMembers.Member gone = TestMembers.member("gone").holding("front_desk").create(api, tenant);
        String disabledId = gone.id();
        assertThat(api.post(tenant.path("/users/" + disabledId + "/disable"), tenant.adminToken(), "{}").status())
                .isEqualTo(200);

        HttpResponse<String> unknown = signIn("ghost", TestMembers.PASSWORD);
        HttpResponse<String> wrong = signIn("member", "not the password at all");
        for (int i = 0; i < 4; i++) {
            signIn("member", "not the password at all");
        }
        HttpResponse<String> locked = signIn("member", member.password());
        HttpResponse<String> disabled = signIn("gone", gone.password());
        HttpResponse<String> unknownTenant = new ConsoleClient(port()).signIn("no-such-tenant", "member",
                member.password());

        for (HttpResponse<String> refused : java.util.List.of(unknown, wrong, locked, disabled, unknownTenant)) {
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(alert(refused)).isEqualTo(SignInController.REFUSED);
            assertThat(refused.headers().allValues("Set-Cookie"))
                    .noneMatch(c -> c.startsWith(SessionCookie.PLAIN_NAME + "="));
        }
        assertThat(SignInController.REFUSED).contains("locked");
    }

    @Test
    void aMissingFieldIsNamedNextToItsField() {
        ConsoleClient console = new ConsoleClient(port());
        console.get(ConsoleSecurity.SIGN_IN);
        HttpResponse<String> page = console.post(ConsoleSecurity.SIGN_IN, Map.of("tenant", tenant.slug(),
                "username", "", "password", "x"));
        assertThat(page.body()).contains("id=\"username-error\"").contains("aria-describedby=\"username-error\"")
                .doesNotContain("id=\"password-error\"");
    }

    @Test
    void anAdminSetPasswordMustBeChangedBeforeAnyOtherPage() {
        Response created = api.post(tenant.path("/users"), tenant.adminToken(), json("username", "newbie",
                "firstName", "New", "lastName", "Bie", "password", "handed over by the admin 12345"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        ConsoleClient console = new ConsoleClient(port());

        HttpResponse<String> signedIn = console.signIn(tenant.slug(), "newbie", "handed over by the admin 12345");
        assertThat(location(signedIn)).isEqualTo(RequiredActionsRedirect.CHANGE_PASSWORD);
        assertThat(location(console.get("/console"))).isEqualTo(RequiredActionsRedirect.CHANGE_PASSWORD);
        assertThat(console.get("/console/profile", "HX-Request", "true").headers().firstValue("HX-Redirect"))
                .hasValue(RequiredActionsRedirect.CHANGE_PASSWORD);
        HttpResponse<String> form = console.get(RequiredActionsRedirect.CHANGE_PASSWORD);
        assertThat(form.body()).contains("You must choose a new password").doesNotContain(">Users<");

        HttpResponse<String> mismatch = console.post(RequiredActionsRedirect.CHANGE_PASSWORD, Map.of(
                "currentPassword", "handed over by the admin 12345", "newPassword", "newbie's own passphrase",
                "confirmPassword", "something else"));
        assertThat(mismatch.statusCode()).isEqualTo(400);
        assertThat(mismatch.body()).contains("id=\"confirmPassword-error\"");
        HttpResponse<String> weak = console.post(RequiredActionsRedirect.CHANGE_PASSWORD, Map.of(
                "currentPassword", "handed over by the admin 12345", "newPassword", "short", "confirmPassword", "short"));
        assertThat(weak.statusCode()).as("the API's password policy, as a field error").isEqualTo(400);
        assertThat(weak.body()).contains("id=\"newPassword-error\"");

        HttpResponse<String> changed = console.post(RequiredActionsRedirect.CHANGE_PASSWORD, Map.of(
                "currentPassword", "handed over by the admin 12345", "newPassword", "newbie's own passphrase",
                "confirmPassword", "newbie's own passphrase"));
        assertThat(location(changed)).isEqualTo(ProfileController.PROFILE + "?passwordChanged");
        assertThat(console.get("/console").statusCode()).isEqualTo(200);
    }

    @Test
    void oneUseLinkPagesSendNoReferrerAndMoveTheTokenIntoTheForm() {
        for (String page : new String[] {PasswordLinkController.INVITATION, PasswordLinkController.RESET}) {
            ConsoleClient console = new ConsoleClient(port());
            HttpResponse<String> landing = console.get(page + "?token=abc-123");
            assertThat(landing.statusCode()).isEqualTo(200);
            assertThat(landing.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(landing.body()).contains("name=\"token\" value=\"abc-123\"")
                    .contains("action=\"" + page + "\"").doesNotContain("?token=");

            HttpResponse<String> refused = console.post(page, Map.of("token", "abc-123", "newPassword",
                    "a long enough passphrase", "confirmPassword", "a long enough passphrase"));
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("This link does not work");
        }
    }

    @Test
    void forgotPasswordAnswersAlikeForKnownAndUnknownAccounts() {
        ConsoleClient console = new ConsoleClient(port());
        console.get(ForgotPasswordPageController.PAGE);
        HttpResponse<String> known = console.post(ForgotPasswordPageController.PAGE, Map.of("tenant", tenant.slug(),
                "username", SignedInTenant.ADMIN));
        HttpResponse<String> unknown = console.post(ForgotPasswordPageController.PAGE, Map.of("tenant", tenant.slug(),
                "username", "nobody-here"));
        assertThat(known.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(200);
        assertThat(known.body()).contains(ForgotPasswordPageController.SENT);
        assertThat(unknown.body()).contains(ForgotPasswordPageController.SENT);
    }

    @Test
    void endingTheOtherSessionsFromTheProfileKillsTheirTokens() {
        String apiToken = api.login(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        ConsoleClient console = new ConsoleClient(port());
        console.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        HttpResponse<String> profile = console.get(ProfileController.PROFILE);
        assertThat(profile.body()).contains("this session").contains("hx-confirm=\"End all your other sessions?\"");

        HttpResponse<String> ended = console.post(ProfileController.PROFILE + "/sessions/end-others", Map.of());
        assertThat(location(ended)).isEqualTo(ProfileController.PROFILE + "?othersEnded");
        assertThat(api.get("/api/v1/me", apiToken).status()).isEqualTo(401);
        assertThat(console.get(ProfileController.PROFILE).statusCode()).isEqualTo(200);
    }

    @Test
    void theSecondStepOffersAnEmailedCodeOnlyWhereTheApiWouldSendOne() {
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ALL\", \"methods\": [\"TOTP\", \"EMAIL_CODE\"]}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        Response created = api.post(tenant.path("/users"), tenant.adminToken(), json("username", "eve",
                "firstName", "Eve", "lastName", "Mail", "email", "eve@example.test",
                "password", "handed over by the admin 12345"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        ConsoleClient console = new ConsoleClient(port());

        HttpResponse<String> step = console.signIn(tenant.slug(), "eve", "handed over by the admin 12345");
        assertThat(step.statusCode()).isEqualTo(200);
        assertThat(step.body()).contains("E-mail me a code").contains("action=\"/console/sign-in/second-factor/email\"");
        String mfaToken = mfaToken(step);
        HttpResponse<String> sent = console.post(ConsoleSecurity.SIGN_IN + "/second-factor/email",
                Map.of("mfaToken", mfaToken, "emailCodes", "true"));
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(sent.body()).contains(SignInController.CODE_SENT).contains("E-mail me a code");
        java.util.List<String> mails = QueuedMail.in(context).bodies(
                "tenant_id = :tenant and recipient = 'eve@example.test' and kind = 'ONE_TIME_CODE'",
                Map.of("tenant", java.util.UUID.fromString(tenant.id())));
        assertThat(mails).hasSize(1);
        String mail = mails.getFirst();
        Matcher code = Pattern.compile("(?<![-\\w])(\\d{8})(?![-\\w])").matcher(mail); // not the digits of a slug like clinic-12345678
        assertThat(code.find()).as(mail).isTrue();
        HttpResponse<String> signedIn = console.post(ConsoleSecurity.SIGN_IN + "/second-factor",
                Map.of("mfaToken", mfaToken, "code", code.group(1), "emailCodes", "true"));
        assertThat(location(signedIn)).isEqualTo(RequiredActionsRedirect.CHANGE_PASSWORD);

        ConsoleClient stale = new ConsoleClient(port());
        stale.get(ConsoleSecurity.SIGN_IN);
        HttpResponse<String> dead = stale.post(ConsoleSecurity.SIGN_IN + "/second-factor/email",
                Map.of("mfaToken", mfaToken, "emailCodes", "true"));
        assertThat(dead.statusCode()).as("a used challenge, as the API's 401").isEqualTo(401);
        assertThat(alert(dead)).isEqualTo(SignInController.STEP_EXPIRED);
    }

    @Test
    void noEmailedCodeIsOfferedToAnAccountWithoutAnAddressAndAForgedRequestIsRefused() {
        TestMembers.Member dora = TestMembers.member("dora").holding("front_desk").create(api, tenant);
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ALL\", \"methods\": [\"TOTP\", \"EMAIL_CODE\"]}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        ConsoleClient enrolling = new ConsoleClient(port());
        enrolling.signIn(tenant.slug(), dora.username(), dora.password());
        enrolling.get(RequiredActionsRedirect.CONFIGURE_MFA);
        Matcher secret = Pattern.compile("class=\"totp-secret\">([A-Z2-7]+)<").matcher(
                enrolling.post(RequiredActionsRedirect.CONFIGURE_MFA + "/enrol", Map.of()).body());
        assertThat(secret.find()).isTrue();
        assertThat(enrolling.post(RequiredActionsRedirect.CONFIGURE_MFA + "/confirm",
                Map.of("code", AuthenticatorApp.withKey(secret.group(1)).currentCode())).statusCode()).isEqualTo(200);

        ConsoleClient console = new ConsoleClient(port());
        HttpResponse<String> step = console.signIn(tenant.slug(), dora.username(), dora.password());
        assertThat(step.body()).contains("Second factor").doesNotContain("E-mail me a code");
        HttpResponse<String> forged = console.post(ConsoleSecurity.SIGN_IN + "/second-factor/email",
                Map.of("mfaToken", mfaToken(step), "emailCodes", "true"));
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(alert(forged)).isEqualTo(SignInController.EMAIL_CODES_OFF);
        assertThat(forged.body()).doesNotContain("E-mail me a code");
        HttpResponse<String> bare = console.post(ConsoleSecurity.SIGN_IN + "/second-factor",
                Map.of("mfaToken", mfaToken(step), "code", "000000"));
        assertThat(bare.statusCode()).as("a form without emailCodes is a wrong code, not a failure").isEqualTo(401);
        assertThat(bare.body()).contains(SignInController.CODE_REFUSED).doesNotContain("E-mail me a code");
        assertThat(jdbc.sql("select count(*) from mail_outbox where tenant_id = :tenant and kind = 'ONE_TIME_CODE'")
                .param("tenant", java.util.UUID.fromString(tenant.id())).query(Integer.class).single()).isZero();
    }

    private static String mfaToken(HttpResponse<String> step) {
        Matcher token = MFA_TOKEN.matcher(step.body());
        assertThat(token.find()).as(step.body()).isTrue();
        return token.group(1);
    }

    private HttpResponse<String> signIn(String username, String password) {
        return new ConsoleClient(port()).signIn(tenant.slug(), username, password);
    }

    /** The redirect's path and query (Tomcat makes Location absolute). */
    static String location(HttpResponse<String> response) {
        java.net.URI uri = java.net.URI.create(response.headers().firstValue("Location").orElseThrow());
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static String alert(HttpResponse<String> page) {
        Matcher matcher = ALERT.matcher(page.body());
        assertThat(matcher.find()).as(page.body()).isTrue();
        return matcher.group(1).strip();
    }
}
