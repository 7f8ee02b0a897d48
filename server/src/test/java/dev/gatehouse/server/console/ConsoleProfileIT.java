package dev.gatehouse.server.console;

import static dev.gatehouse.server.console.ConsoleSignInIT.location;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.authentication.AuthenticatorApp;
import dev.gatehouse.server.authentication.Tokens;
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

/** The profile's second factor and sessions, with the API's required actions and re-authentication. */
class ConsoleProfileIT extends IntegrationTest {

    private static final Pattern SECRET = Pattern.compile("class=\"totp-secret\">([A-Z2-7]+)<");

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant tenant;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @Test
    void whenTheTenantRequiresASecondFactorEveryPageLeadsToItsSetUpUntilDone() {
        TestMembers.Member dora = TestMembers.member("dora").holding("front_desk").create(api, tenant);
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(), "{\"mfaPolicy\": {\"required\": \"ALL\"}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        ConsoleClient console = new ConsoleClient(port());

        HttpResponse<String> signedIn = console.signIn(tenant.slug(), dora.username(), dora.password());
        assertThat(location(signedIn)).isEqualTo(RequiredActionsRedirect.CONFIGURE_MFA);
        assertThat(location(console.get("/console/profile"))).isEqualTo(RequiredActionsRedirect.CONFIGURE_MFA);
        assertThat(console.get(RequiredActionsRedirect.CONFIGURE_MFA).body()).contains("requires a second factor");

        HttpResponse<String> enrolment = console.post(RequiredActionsRedirect.CONFIGURE_MFA + "/enrol", Map.of());
        assertThat(enrolment.body()).contains("src=\"data:image/png;base64,");
        Matcher secret = SECRET.matcher(enrolment.body());
        assertThat(secret.find()).isTrue();
        HttpResponse<String> wrong = console.post(RequiredActionsRedirect.CONFIGURE_MFA + "/confirm", Map.of("code", "000000"));
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("id=\"code-error\"").doesNotContain(secret.group(1));

        HttpResponse<String> confirmed = console.post(RequiredActionsRedirect.CONFIGURE_MFA + "/confirm",
                Map.of("code", AuthenticatorApp.withKey(secret.group(1)).currentCode()));
        assertThat(confirmed.statusCode()).isEqualTo(200);
        assertThat(confirmed.body()).contains("Your recovery codes");
        assertThat(console.get("/console").statusCode()).as("the required action is done").isEqualTo(200);
        assertThat(console.get(RequiredActionsRedirect.CONFIGURE_MFA).body()).contains("10</span> recovery codes are left")
                .doesNotContain(secret.group(1));
    }

    @Test
    void endingOtherSessionsAfterTheReauthenticationWindowAsksForThePasswordFirst() {
        String apiToken = api.login(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        ConsoleClient console = new ConsoleClient(port());
        console.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        console.get(ProfileController.PROFILE);
        jdbc.sql("update sessions set authenticated_at = now() - interval '10 minutes' where token_hash = :hash")
                .param("hash", Tokens.hash(console.cookies().get(SessionCookie.PLAIN_NAME))).update();

        HttpResponse<String> asked = console.post(ProfileController.PROFILE + "/sessions/end-others", Map.of());
        assertThat(asked.body()).contains("Confirm it's you");
        assertThat(api.get("/api/v1/me", apiToken).status()).as("nothing ended yet").isEqualTo(200);

        HttpResponse<String> wrong = console.post(ProfileController.REAUTHENTICATE, Map.of("back", "profile",
                "password", "not my password", "code", ""));
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("the password or code is not right");
        HttpResponse<String> right = console.post(ProfileController.REAUTHENTICATE, Map.of("back", "profile",
                "password", SignedInTenant.ADMIN_PASSWORD, "code", ""));
        assertThat(location(right)).isEqualTo(ProfileController.PROFILE + "?confirmed");

        console.get(ProfileController.PROFILE);
        assertThat(location(console.post(ProfileController.PROFILE + "/sessions/end-others", Map.of())))
                .isEqualTo(ProfileController.PROFILE + "?othersEnded");
        assertThat(api.get("/api/v1/me", apiToken).status()).isEqualTo(401);
    }
}
