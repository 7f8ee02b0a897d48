package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.authentication.SignInFixtures.PASSWORD;
import static dev.gatehouse.server.authentication.SignInFixtures.WRONG;
import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Changing your own second factor needs a factor proved within the last minutes (ASVS 7.5.1). */
class ReauthenticationIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    SignInFixtures fixtures;
    SignedInTenant tenant;

    @BeforeEach
    void tenant() {
        fixtures = new SignInFixtures(api, jdbc);
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @Test
    void removingYourSecondFactorLongAfterSignInAsksToReauthenticateAndAPasswordSatisfiesIt() {
        var member = fixtures.memberWithMfa(tenant, "kim");
        provedMinutesAgo(member.token(), 6);

        Response refused = api.delete("/api/v1/me/mfa", member.token());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("reauthenticationRequired").asBoolean()).isTrue();
        assertThat(refused.text("/detail")).contains("re-authenticate");
        assertThat(api.get("/api/v1/me/mfa", member.token()).body().path("totp").asBoolean()).isTrue();

        Response wrong = api.post("/api/v1/me/reauthenticate", member.token(), json("password", WRONG));
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(fixtures.failedLogins(member.id())).as("a wrong proof counts toward the lockout").isEqualTo(1);
        assertThat(api.delete("/api/v1/me/mfa", member.token()).status()).isEqualTo(403);

        assertThat(api.post("/api/v1/me/reauthenticate", member.token(), json("password", PASSWORD)).status())
                .isEqualTo(204);
        assertThat(fixtures.failedLogins(member.id())).isZero();
        Response removed = api.delete("/api/v1/me/mfa", member.token());
        assertThat(removed.status()).as(removed.raw()).isEqualTo(204);
        assertThat(fixtures.events(tenant.id(), member.id(), "MFA_DISABLED")).isEqualTo(1);
        assertThat(fixtures.login(tenant, "kim", PASSWORD).body().has("token")).isTrue();
    }

    @Test
    void aFreshSignInCountsAsRecentUntilTheTenantsReauthWindowPasses() {
        var member = fixtures.memberWithMfa(tenant, "lars");
        provedMinutesAgo(member.token(), 4);
        assertThat(api.delete("/api/v1/me/mfa", member.token()).status()).as("within 5 minutes").isEqualTo(204);

        var other = fixtures.memberWithMfa(tenant, "mona");
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"sessionPolicy\": {\"reauthMinutes\": 2}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.body().at("/sessionPolicy/reauthMinutes").asInt()).isEqualTo(2);
        provedMinutesAgo(other.token(), 3);
        assertThat(api.delete("/api/v1/me/mfa", other.token()).status()).isEqualTo(403);
    }

    @Test
    void aSecondFactorCodeAlsoReauthenticatesAndTheBodyMustHoldExactlyOneProof() {
        var member = fixtures.member(tenant, "nils");
        var app = fixtures.enrolTotp(member.token());
        provedMinutesAgo(member.token(), 30);

        Response neither = api.post("/api/v1/me/reauthenticate", member.token(), "{}");
        assertThat(neither.status()).isEqualTo(400);
        assertThat(neither.text("/errors/0/field")).isEqualTo("password");
        Response both = api.post("/api/v1/me/reauthenticate", member.token(), json("password", PASSWORD, "code", "1"));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.text("/errors/0/field")).isEqualTo("code");
        assertThat(api.post("/api/v1/me/reauthenticate", null, json("password", PASSWORD)).status()).isEqualTo(401);

        Response proved = api.post("/api/v1/me/reauthenticate", member.token(), json("code", app.code(1)));
        assertThat(proved.status()).as(proved.raw()).isEqualTo(204);
        assertThat(fixtures.events(tenant.id(), member.id(), "REAUTHENTICATED")).isEqualTo(1);
        assertThat(api.delete("/api/v1/me/mfa", member.token()).status()).isEqualTo(204);
    }

    /** Time passes: the session last proved a factor {@code minutes} ago. */
    @Test
    void endingYourOtherSessionsOrChangingYourOwnEmailLongAfterSignInAsksToReauthenticate() {
        var member = fixtures.member(tenant, "olga");
        String elsewhere = api.login(tenant.slug(), "olga", PASSWORD);
        provedMinutesAgo(member.token(), 10);

        // ASVS 7.5.2: terminating other sessions needs the credentials again.
        Response refused = api.delete("/api/v1/me/sessions", member.token());
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.body().path("reauthenticationRequired").asBoolean()).isTrue();
        assertThat(api.get("/api/v1/me", elsewhere).status()).as("the other session lives").isEqualTo(200);
        assertThat(api.post("/api/v1/me/reauthenticate", member.token(), json("password", PASSWORD)).status())
                .isEqualTo(204);
        assertThat(api.delete("/api/v1/me/sessions", member.token()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", elsewhere).status()).isEqualTo(401);

        // ASVS 7.5.1: your own e-mail (where reset links go) likewise; another user's is an admin's business.
        provedMinutesAgo(tenant.adminToken(), 10);
        String self = tenant.path("/users/" + tenant.adminId());
        Response ownEmail = api.patch(self, tenant.adminToken(), json("email", "ada@new.example"));
        assertThat(ownEmail.status()).as(ownEmail.raw()).isEqualTo(403);
        assertThat(ownEmail.body().path("reauthenticationRequired").asBoolean()).isTrue();
        assertThat(api.patch(self, tenant.adminToken(), json("firstName", "Adaline")).status())
                .as("other fields need no new proof").isEqualTo(200);
        assertThat(api.patch(tenant.path("/users/" + member.id()), tenant.adminToken(),
                json("email", "olga@new.example")).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/me/reauthenticate", tenant.adminToken(),
                json("password", SignedInTenant.ADMIN_PASSWORD)).status()).isEqualTo(204);
        assertThat(api.patch(self, tenant.adminToken(), json("email", "ada@new.example")).status()).isEqualTo(200);
    }

    @Test
    void aWrongCurrentPasswordWhenChangingItCountsTowardTheLockout() {
        var member = fixtures.member(tenant, "paul");
        Response wrong = api.post("/api/v1/me/password", member.token(), json("currentPassword", WRONG,
                "newPassword", "a brand new passphrase for paul"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body().at("/errors/0/field").asString()).isEqualTo("currentPassword");
        assertThat(fixtures.failedLogins(member.id())).isEqualTo(1);

        Response right = api.post("/api/v1/me/password", member.token(), json("currentPassword", PASSWORD,
                "newPassword", "a brand new passphrase for paul"));
        assertThat(right.status()).as(right.raw()).isEqualTo(204);
        assertThat(fixtures.failedLogins(member.id())).isZero();
    }

    private void provedMinutesAgo(String token, int minutes) {
        jdbc.sql("update sessions set authenticated_at = now() - make_interval(mins => :m) where token_hash = :hash")
                .param("m", minutes).param("hash", Tokens.hash(token)).update();
    }
}
