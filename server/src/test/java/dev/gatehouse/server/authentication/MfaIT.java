package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.authentication.SignInFixtures.PASSWORD;
import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Second factors (seed 000 "2FA", ASVS 6.3 and 6.5) and the two-step sign-in of docs/api.md. */
class MfaIT extends IntegrationTest {

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
    void enrolmentGivesASecretAnOtpauthUriAndAQrCodeAndConfirmationTenRecoveryCodesOnce() {
        var member = fixtures.member(tenant, "alma");
        Response enrolment = api.post("/api/v1/me/mfa/totp", member.token(), "{}");
        assertThat(enrolment.status()).isEqualTo(200);
        String secret = enrolment.text("/secret");
        assertThat(secret).matches("[A-Z2-7]{32}");
        assertThat(enrolment.text("/otpauthUri")).startsWith("otpauth://totp/").contains("secret=" + secret)
                .contains("digits=6").contains("period=30").contains("alma");
        String qr = enrolment.text("/qrCode");
        assertThat(qr).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(qr.substring("data:image/png;base64,".length()));
        assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});

        Response wrong = api.post("/api/v1/me/mfa/totp/confirm", member.token(), json("code", "000000x"));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.text("/errors/0/field")).isEqualTo("code");

        var app = new TestMembers.Authenticator(TestMembers.base32(secret), java.util.List.of());
        Response confirmed = api.post("/api/v1/me/mfa/totp/confirm", member.token(), json("code", app.code(0)));
        assertThat(confirmed.status()).as(confirmed.raw()).isEqualTo(200);
        assertThat(confirmed.body().path("recoveryCodes").size()).isEqualTo(10);
        var codes = new HashSet<String>();
        confirmed.body().path("recoveryCodes").forEach(code -> codes.add(code.asString()));
        assertThat(codes).hasSize(10);
        assertThat(fixtures.events(tenant.id(), member.id(), "MFA_ENABLED")).isEqualTo(1);

        // The secret and the codes are never shown again, and are not stored in the clear.
        Response status = api.get("/api/v1/me/mfa", member.token());
        assertThat(status.raw()).doesNotContain(secret);
        assertThat(status.body().path("totp").asBoolean()).isTrue();
        assertThat(status.body().path("recoveryCodesLeft").asInt()).isEqualTo(10);
        assertThat(api.post("/api/v1/me/mfa/totp", member.token(), "{}").status()).isEqualTo(409);
        String stored = jdbc.sql("select string_agg(encode(code_hash, 'escape'), ',') from mfa_recovery_codes")
                .query(String.class).single();
        assertThat(codes).noneMatch(stored::contains);
    }

    @Test
    void withAnAuthenticatorSignInTakesTwoStepsAndEachCodeWorksOnce() {
        var member = fixtures.member(tenant, "bruno");
        var app = fixtures.enrolTotp(member.token());

        Response first = fixtures.login(tenant, "bruno", PASSWORD);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().path("mfaRequired").asBoolean()).isTrue();
        assertThat(first.body().has("token")).isFalse();
        String mfaToken = first.text("/mfaToken");

        // The code used to confirm the enrolment is spent; the next step's code is accepted once.
        assertThat(api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", app.code(0))).status())
                .isEqualTo(401);
        String next = app.code(1);
        Response second = api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", next));
        assertThat(second.status()).as(second.raw()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", second.text("/token")).status()).isEqualTo(200);
        assertThat(second.body().path("requiredActions").isEmpty()).isTrue();

        // The mfaToken is one use, and so is the code, even with a fresh first step.
        assertThat(api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", next)).status())
                .isEqualTo(401);
        String again = fixtures.login(tenant, "bruno", PASSWORD).text("/mfaToken");
        assertThat(api.post("/api/v1/auth/mfa", null, json("mfaToken", again, "code", next)).status())
                .isEqualTo(401);

        // A recovery code works once, in any case and with or without its hyphens.
        String recovery = app.recoveryCodes().get(3);
        Response recovered = api.post("/api/v1/auth/mfa", null, json("mfaToken", again, "code",
                recovery.toLowerCase().replace("-", "")));
        assertThat(recovered.status()).as(recovered.raw()).isEqualTo(200);
        String third = fixtures.login(tenant, "bruno", PASSWORD).text("/mfaToken");
        assertThat(api.post("/api/v1/auth/mfa", null, json("mfaToken", third, "code", recovery)).status())
                .isEqualTo(401);
        assertThat(api.get("/api/v1/me/mfa", recovered.text("/token")).body().path("recoveryCodesLeft").asInt())
                .isEqualTo(9);
    }

    @Test
    void wrongSecondFactorCodesCountTowardTheLockout() {
        var member = fixtures.member(tenant, "carla");
        var app = fixtures.enrolTotp(member.token());
        String mfaToken = fixtures.login(tenant, "carla", PASSWORD).text("/mfaToken");
        for (int i = 0; i < 5; i++) {
            Response wrong = api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", "12345" + i));
            assertThat(wrong.status()).isEqualTo(401);
        }
        assertThat(fixtures.failures(tenant.id(), member.id(), "WRONG_CODE")).isEqualTo(5);
        assertThat(fixtures.lockedNow(member.id())).isTrue();

        // Locked: neither a right code nor the right password gets in, and both answer like any failure.
        Response rightCode = api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", app.code(1)));
        assertThat(rightCode.status()).isEqualTo(401);
        Response rightPassword = fixtures.login(tenant, "carla", PASSWORD);
        assertThat(rightPassword.status()).isEqualTo(401);
        assertThat(rightPassword.raw()).isEqualTo(fixtures.login(tenant, "nobody", PASSWORD).raw());
    }

    @Test
    void anUnknownOrMalformedMfaTokenIsRefusedOrNamed() {
        Response unknown = api.post("/api/v1/auth/mfa", null, json("mfaToken", "no-such-token", "code", "123456"));
        assertThat(unknown.status()).isEqualTo(401);
        Response missing = api.post("/api/v1/auth/mfa", null, json("mfaToken", "x"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text("/errors/0/field")).isEqualTo("code");
    }

    @Test
    void whenTheTenantRequiresASecondFactorSignInAsksToConfigureItFirst() {
        var member = fixtures.member(tenant, "dora");
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ALL\"}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);

        Response signedIn = fixtures.login(tenant, "dora", PASSWORD);
        assertThat(signedIn.status()).isEqualTo(200);
        assertThat(signedIn.body().path("requiredActions").toString()).contains("CONFIGURE_MFA");
        String token = signedIn.text("/token");
        assertThat(api.get(tenant.path("/users/" + member.id()), token).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/me", token).body().path("requiredActions").toString()).contains("CONFIGURE_MFA");

        var app = fixtures.enrolTotp(token);
        assertThat(app.recoveryCodes()).hasSize(10);
        assertThat(api.get("/api/v1/me", token).body().path("requiredActions").isEmpty()).isTrue();
        assertThat(fixtures.login(tenant, "dora", PASSWORD).body().path("mfaRequired").asBoolean()).isTrue();
    }

    @Test
    void aPolicyForChosenRolesAsksOnlyTheirHolders() {
        fixtures.member(tenant, "emil");
        fixtures.member(tenant, "fay", "provider");
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ROLES\", \"roles\": [\"provider\"]}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);

        assertThat(fixtures.login(tenant, "emil", PASSWORD).body().path("requiredActions").toString())
                .doesNotContain("CONFIGURE_MFA");
        assertThat(fixtures.login(tenant, "fay", PASSWORD).body().path("requiredActions").toString())
                .contains("CONFIGURE_MFA");
    }

    @Test
    void aTenantThatAllowsEmailedCodesSendsAOneUseCodeThroughTheOutbox() {
        var member = fixtures.member(tenant, "gus");
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ALL\", \"methods\": [\"TOTP\", \"EMAIL_CODE\"]}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);

        Response first = fixtures.login(tenant, "gus", PASSWORD);
        assertThat(first.body().path("mfaRequired").asBoolean()).as(first.raw()).isTrue();
        String mfaToken = first.text("/mfaToken");
        assertThat(api.post("/api/v1/auth/mfa/email", null, json("mfaToken", mfaToken)).status()).isEqualTo(202);

        List<String> bodies = QueuedMail.in(context).bodies(
                "tenant_id = :tenant and recipient = :to and kind = 'ONE_TIME_CODE'",
                Map.of("tenant", UUID.fromString(tenant.id()), "to", "gus@" + tenant.slug() + ".example"));
        assertThat(bodies).hasSize(1);
        String body = bodies.getFirst();
        Matcher code = Pattern.compile("(?<![-\\w])(\\d{8})(?![-\\w])").matcher(body); // not the digits of a slug like clinic-12345678
        assertThat(code.find()).as(body).isTrue();

        Response second = api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", code.group(1)));
        assertThat(second.status()).as(second.raw()).isEqualTo(200);
        assertThat(second.body().path("requiredActions").toString()).doesNotContain("CONFIGURE_MFA");
        assertThat(api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code", code.group(1))).status())
                .isEqualTo(401);
        assertThat(fixtures.events(tenant.id(), member.id(), "MFA_CODE_SENT")).isEqualTo(1);
    }

    @Test
    void emailedCodesAreRefusedWhenTheTenantDoesNotAllowThem() {
        var member = fixtures.member(tenant, "hal");
        fixtures.enrolTotp(member.token());
        String mfaToken = fixtures.login(tenant, "hal", PASSWORD).text("/mfaToken");
        Response refused = api.post("/api/v1/auth/mfa/email", null, json("mfaToken", mfaToken));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(jdbc.sql("select count(*) from mail_outbox where tenant_id = :tenant and kind = 'ONE_TIME_CODE'")
                .param("tenant", UUID.fromString(tenant.id())).query(Integer.class).single()).isZero();
    }

    @Test
    void anAdministratorResetsAnotherUsersSecondFactorButNotTheirOwn() {
        var member = fixtures.member(tenant, "ivy");
        var desk = fixtures.member(tenant, "jonas");
        fixtures.enrolTotp(member.token());
        String reset = tenant.path("/users/" + member.id() + "/mfa/reset");

        assertThat(api.post(reset, desk.token(), "{}").status()).as("front desk lacks users.edit").isEqualTo(403);
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.post(other.path("/users/" + member.id() + "/mfa/reset"), other.adminToken(), "{}").status())
                .isEqualTo(404);
        assertThat(api.post(tenant.path("/users/not-a-uuid/mfa/reset"), tenant.adminToken(), "{}").status())
                .isEqualTo(400);
        assertThat(api.post(tenant.path("/users/" + tenant.adminId() + "/mfa/reset"), tenant.adminToken(), "{}")
                .status()).isEqualTo(403);

        Response done = api.post(reset, tenant.adminToken(), "{}");
        assertThat(done.status()).as(done.raw()).isEqualTo(204);
        assertThat(fixtures.events(tenant.id(), member.id(), "MFA_RESET")).isEqualTo(1);
        Response signedIn = fixtures.login(tenant, "ivy", PASSWORD);
        assertThat(signedIn.body().has("token")).as("no second step any more").isTrue();
        assertThat(api.post(reset, tenant.adminToken(), "{}").status()).isEqualTo(409);
    }

    @Test
    void recoveryCodesAreReplacedOnlyWithinTheReauthenticationWindowAndTheOldOnesStopWorking() {
        var member = fixtures.member(tenant, "rhea");
        TestMembers.Authenticator app = fixtures.enrolTotp(member.token());
        jdbc.sql("update sessions set authenticated_at = now() - interval '10 minutes' where token_hash = :hash")
                .param("hash", Tokens.hash(member.token())).update();

        Response stale = api.post("/api/v1/me/mfa/recovery-codes", member.token(), "{}");
        assertThat(stale.status()).isEqualTo(403);
        assertThat(stale.body().path("reauthenticationRequired").asBoolean()).isTrue();

        assertThat(api.post("/api/v1/me/reauthenticate", member.token(), json("password", PASSWORD)).status())
                .isEqualTo(204);
        Response fresh = api.post("/api/v1/me/mfa/recovery-codes", member.token(), "{}");
        assertThat(fresh.status()).as(fresh.raw()).isEqualTo(200);
        var codes = new HashSet<String>();
        fresh.body().path("recoveryCodes").forEach(code -> codes.add(code.asString()));
        assertThat(codes).hasSize(10).doesNotContainAnyElementsOf(app.recoveryCodes());

        Response first = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "rhea",
                "password", PASSWORD));
        Response old = api.post("/api/v1/auth/mfa", null, json("mfaToken", first.text("/mfaToken"), "code",
                app.recoveryCodes().getFirst()));
        assertThat(old.status()).as("a replaced recovery code").isEqualTo(401);
    }
}
