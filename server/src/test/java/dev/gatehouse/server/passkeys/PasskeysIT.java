package dev.gatehouse.server.passkeys;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Passkeys (issue 15) with a software authenticator ({@link TestAuthenticator}): registering several,
 * naming and removing them, an administrator's view; a passkey as the second factor and as a
 * passwordless sign-in; and every way an assertion must fail — another origin or relying party, a
 * replayed challenge, a counter gone back (a clone), another user's or another tenant's passkey.
 */
class PasskeysIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    SignedInTenant tenant;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    private String origin() {
        return "http://127.0.0.1:" + port();
    }

    private TestMembers.Member member(String username) {
        TestMembers.Member member = TestMembers.member(username).holding("front_desk").withEmail().create(api, tenant);
        member.token();
        return member;
    }

    private Response register(String token, TestAuthenticator authenticator, String name) {
        Response options = api.post("/api/v1/me/passkeys/options", token, "{}");
        assertThat(options.status()).as(options.raw()).isEqualTo(200);
        return api.post("/api/v1/me/passkeys", token, json("name", name, "challengeId", options.text("/challengeId"),
                "credential", raw(authenticator.register(options.text("/publicKey/challenge")))));
    }

    private void allowPasswordless() {
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"mfaPolicy\": {\"passwordless\": true}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.body().at("/mfaPolicy/passwordless").asBoolean()).isTrue();
    }

    private Response passwordless(SignedInTenant where, TestAuthenticator authenticator, String username) {
        Response options = api.post("/api/v1/auth/passkey/options", null, json("tenant", where.slug(), "username",
                username));
        assertThat(options.status()).as(options.raw()).isEqualTo(200);
        return api.post("/api/v1/auth/passkey", null, json("tenant", where.slug(), "challengeId",
                options.text("/challengeId"), "credential", raw(authenticator.assertion(options.text("/publicKey/challenge")))));
    }

    private int failures(String userId, String reason) {
        return (int) RecordedAudit.of(jdbc, tenant.id(), "LOGIN_FAILED").stream()
                .filter(e -> e.targetId().equals(userId) && e.details().path("reason").asString("").equals(reason))
                .count();
    }

    @Test
    void aUserRegistersTwoPasskeysNamesAndRemovesThem() {
        var member = member("alma");
        var laptop = new TestAuthenticator(origin());
        var phone = new TestAuthenticator(origin());

        Response options = api.post("/api/v1/me/passkeys/options", member.token(), "{}");
        assertThat(options.body().at("/publicKey/rp/id").asString()).isEqualTo("127.0.0.1");
        assertThat(options.body().at("/publicKey/attestation").asString()).isEqualTo("none");
        assertThat(options.body().at("/publicKey/user/name").asString()).isEqualTo("alma");

        Response first = register(member.token(), laptop, "Work laptop");
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        assertThat(first.text("/name")).isEqualTo("Work laptop");
        assertThat(first.body().at("/transports/0").asString()).isEqualTo("internal");
        Response second = register(member.token(), phone, "Phone");
        assertThat(second.status()).as(second.raw()).isEqualTo(201);

        Response list = api.get("/api/v1/me/passkeys", member.token());
        assertThat(list.body().path("items").size()).isEqualTo(2);
        assertThat(list.raw()).doesNotContain(laptop.credentialId()).doesNotContain("publicKey");
        // The next registration's options exclude both, so the browser does not make a second key on either.
        Response third = api.post("/api/v1/me/passkeys/options", member.token(), "{}");
        assertThat(third.body().at("/publicKey/excludeCredentials").size()).isEqualTo(2);

        Response renamed = api.patch("/api/v1/me/passkeys/" + first.text("/id"), member.token(), json("name", "Old laptop"));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertThat(renamed.text("/name")).isEqualTo("Old laptop");
        assertThat(api.patch("/api/v1/me/passkeys/" + first.text("/id"), member.token(), json("name", " ")).text(
                "/errors/0/field")).isEqualTo("name");
        assertThat(api.patch("/api/v1/me/passkeys/" + first.text("/id"), member.token(), json("name", "x", "extra", 1))
                .status()).isEqualTo(400);

        assertThat(api.delete("/api/v1/me/passkeys/" + first.text("/id"), member.token()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me/passkeys", member.token()).body().path("items").size()).isEqualTo(1);
        assertThat(api.delete("/api/v1/me/passkeys/" + first.text("/id"), member.token()).status()).isEqualTo(404);

        var registered = RecordedAudit.of(jdbc, tenant.id(), "PASSKEY_REGISTERED");
        assertThat(registered).hasSize(2);
        assertThat(registered.getFirst().targetId()).isEqualTo(member.id());
        assertThat(registered.getFirst().details().path("name").asString()).isEqualTo("Work laptop");
        var renamedEvent = RecordedAudit.only(jdbc, tenant.id(), "PASSKEY_RENAMED");
        assertThat(renamedEvent.details().path("previousName").asString()).isEqualTo("Work laptop");
        assertThat(renamedEvent.details().path("name").asString()).isEqualTo("Old laptop");
        var removed = RecordedAudit.only(jdbc, tenant.id(), "PASSKEY_REMOVED");
        assertThat(removed.details().path("by").asString()).isEqualTo("self");
        assertThat(removed.details().path("passkey").asString()).isEqualTo(first.text("/id"));
    }

    @Test
    void registrationRefusesBadInputAReplayedChallengeAnotherOriginAndAStaleSession() {
        var member = member("bruno");
        var authenticator = new TestAuthenticator(origin());
        Response options = api.post("/api/v1/me/passkeys/options", member.token(), "{}");
        String challengeId = options.text("/challengeId");
        String credential = authenticator.register(options.text("/publicKey/challenge"));

        assertThat(api.post("/api/v1/me/passkeys", member.token(), json("challengeId", challengeId, "credential",
                raw(credential))).text("/errors/0/field")).isEqualTo("name");
        assertThat(api.post("/api/v1/me/passkeys", member.token(), json("name", "k", "challengeId", challengeId,
                "credential", raw("{\"id\": 1}"))).text("/errors/0/field")).isEqualTo("credential");
        assertThat(api.post("/api/v1/me/passkeys", member.token(), json("name", "k", "challengeId", challengeId,
                "credential", raw(credential), "surprise", true)).status()).isEqualTo(400);

        Response ok = api.post("/api/v1/me/passkeys", member.token(), json("name", "k", "challengeId", challengeId,
                "credential", raw(credential)));
        assertThat(ok.status()).as(ok.raw()).isEqualTo(201);
        // The challenge is spent: the same answer again, or a new key on it, is refused.
        Response replayed = api.post("/api/v1/me/passkeys", member.token(), json("name", "k2", "challengeId",
                challengeId, "credential", raw(new TestAuthenticator(origin()).register(options.text("/publicKey/challenge")))));
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.text("/errors/0/field")).isEqualTo("challengeId");

        // A phishing site's origin, or a key made for another relying party, does not verify.
        var phished = new TestAuthenticator(origin());
        phished.origin = "https://clinic-login.example";
        Response wrongOrigin = register(member.token(), phished, "phished");
        assertThat(wrongOrigin.status()).isEqualTo(400);
        assertThat(wrongOrigin.text("/errors/0/message")).contains("BadOrigin");
        var elsewhere = new TestAuthenticator(origin());
        elsewhere.rpId = "clinic-login.example";
        assertThat(register(member.token(), elsewhere, "elsewhere").text("/errors/0/message")).contains("BadRpId");

        // Another user's challenge is not this user's.
        var other = member("other");
        Response theirs = api.post("/api/v1/me/passkeys/options", other.token(), "{}");
        assertThat(api.post("/api/v1/me/passkeys", member.token(), json("name", "k3", "challengeId",
                theirs.text("/challengeId"), "credential", raw(new TestAuthenticator(origin()).register(
                        theirs.text("/publicKey/challenge"))))).text("/errors/0/field")).isEqualTo("challengeId");

        // A session whose last proof is older than sessionPolicy.reauthMinutes must prove a factor again.
        jdbc.sql("update sessions set authenticated_at = now() - interval '1 hour' where user_id = :user")
                .param("user", UUID.fromString(member.id())).update();
        Response stale = api.post("/api/v1/me/passkeys/options", member.token(), "{}");
        assertThat(stale.status()).isEqualTo(403);
        assertThat(stale.body().path("reauthenticationRequired").asBoolean()).isTrue();
        String id = api.get("/api/v1/me/passkeys", member.token()).text("/items/0/id");
        assertThat(api.delete("/api/v1/me/passkeys/" + id, member.token()).body().path("reauthenticationRequired")
                .asBoolean()).isTrue();
        assertThat(RecordedAudit.of(jdbc, tenant.id(), "PASSKEY_REGISTERED")).hasSize(1);
    }

    @Test
    void aPasskeyIsTheSecondStepAfterThePasswordAndItsAssertionWorksOnce() {
        var member = member("carla");
        var authenticator = new TestAuthenticator(origin());
        assertThat(register(member.token(), authenticator, "Phone").status()).isEqualTo(201);

        Response first = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "carla",
                "password", member.password()));
        assertThat(first.body().path("mfaRequired").asBoolean()).as(first.raw()).isTrue();
        String mfaToken = first.text("/mfaToken");
        assertThat(RecordedAudit.of(jdbc, tenant.id(), "MFA_CHALLENGE_ISSUED").getLast().details().path("secondFactor")
                .asString()).isEqualTo("PASSKEY");

        Response options = api.post("/api/v1/auth/mfa/passkey/options", null, json("mfaToken", mfaToken));
        assertThat(options.status()).as(options.raw()).isEqualTo(200);
        assertThat(options.body().at("/publicKey/allowCredentials/0/id").asString()).isEqualTo(authenticator.credentialId());
        String assertion = authenticator.assertion(options.text("/publicKey/challenge"));
        Response signed = api.post("/api/v1/auth/mfa/passkey", null, json("mfaToken", mfaToken, "challengeId",
                options.text("/challengeId"), "credential", raw(assertion)));
        assertThat(signed.status()).as(signed.raw()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", signed.text("/token")).status()).isEqualTo(200);
        var succeeded = RecordedAudit.of(jdbc, tenant.id(), "LOGIN_SUCCEEDED").getLast();
        assertThat(succeeded.details().path("method").asString()).isEqualTo("PASSKEY");
        assertThat(jdbc.sql("select last_used_at is not null from passkeys where user_id = :user")
                .param("user", UUID.fromString(member.id())).query(Boolean.class).single()).isTrue();

        // The same answer again: the mfaToken and the challenge are spent.
        assertThat(api.post("/api/v1/auth/mfa/passkey", null, json("mfaToken", mfaToken, "challengeId",
                options.text("/challengeId"), "credential", raw(assertion))).status()).isEqualTo(401);

        // Another user's passkey does not complete this user's sign-in.
        var dora = member("dora");
        var dorasKey = new TestAuthenticator(origin());
        register(dora.token(), dorasKey, "Dora's");
        String again = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "carla",
                "password", member.password())).text("/mfaToken");
        Response next = api.post("/api/v1/auth/mfa/passkey/options", null, json("mfaToken", again));
        Response foreign = api.post("/api/v1/auth/mfa/passkey", null, json("mfaToken", again, "challengeId",
                next.text("/challengeId"), "credential", raw(dorasKey.assertion(next.text("/publicKey/challenge")))));
        assertThat(foreign.status()).isEqualTo(401);
        assertThat(failures(dora.id(), "PASSKEY_OF_ANOTHER_USER")).isEqualTo(1);

        // An account without a passkey is told to use a code.
        var eve = member("eve");
        var app = TestMembers.enrolTotp(api, eve.token());
        String evesToken = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "eve",
                "password", eve.password())).text("/mfaToken");
        assertThat(api.post("/api/v1/auth/mfa/passkey/options", null, json("mfaToken", evesToken)).text("/errors/0/field"))
                .isEqualTo("mfaToken");
        assertThat(app.recoveryCodes()).isNotEmpty();
    }

    @Test
    void aSuspendedOrganisationRefusesPasskeySignInSayingSo() {
        var member = member("sven");
        var authenticator = new TestAuthenticator(origin());
        register(member.token(), authenticator, "Phone");
        allowPasswordless();
        Response options = api.post("/api/v1/auth/passkey/options", null, json("tenant", tenant.slug(), "username",
                "sven"));
        assertThat(options.status()).as(options.raw()).isEqualTo(200);
        assertThat(api.patch("/api/v1/tenants/" + tenant.slug(), operatorToken(),
                json("status", "SUSPENDED", "reason", "unpaid invoice")).status()).isEqualTo(200);

        Response signed = api.post("/api/v1/auth/passkey", null, json("tenant", tenant.slug(), "challengeId",
                options.text("/challengeId"), "credential", raw(authenticator.assertion(options.text("/publicKey/challenge")))));
        assertThat(signed.status()).as(signed.raw()).isEqualTo(403);
        assertThat(signed.text("/detail")).startsWith("This organisation is suspended; contact");
        Response asked = api.post("/api/v1/auth/passkey/options", null, json("tenant", tenant.slug()));
        assertThat(asked.status()).isEqualTo(403);
        assertThat(asked.text("/detail")).startsWith("This organisation is suspended; contact");

        assertThat(api.patch("/api/v1/tenants/" + tenant.slug(), operatorToken(), json("status", "ACTIVE")).status())
                .isEqualTo(200);
        assertThat(passwordless(tenant, authenticator, "sven").status()).isEqualTo(200);
    }

    @Test
    void passwordlessSignInOnlyWhereTheTenantAllowsItAndOnlyWithAVerifiedUser() {
        var member = member("fanny");
        var authenticator = new TestAuthenticator(origin());
        register(member.token(), authenticator, "Phone");

        // Off by default: the options are refused like a failed sign-in.
        assertThat(api.post("/api/v1/auth/passkey/options", null, json("tenant", tenant.slug())).status()).isEqualTo(401);
        allowPasswordless();

        // Without a username: a discoverable passkey, found by its credential id and user handle.
        Response options = api.post("/api/v1/auth/passkey/options", null, json("tenant", tenant.slug()));
        assertThat(options.body().at("/publicKey/allowCredentials").isEmpty()).isTrue();
        assertThat(options.body().at("/publicKey/userVerification").asString()).isEqualTo("required");
        authenticator.userHandle = Ceremonies.userHandle(UUID.fromString(member.id()));
        Response signed = api.post("/api/v1/auth/passkey", null, json("tenant", tenant.slug(), "challengeId",
                options.text("/challengeId"), "credential", raw(authenticator.assertion(options.text("/publicKey/challenge")))));
        assertThat(signed.status()).as(signed.raw()).isEqualTo(200);
        assertThat(signed.text("/userId")).isEqualTo(member.id());
        assertThat(api.get("/api/v1/me", signed.text("/token")).status()).isEqualTo(200);
        assertThat(jdbc.sql("select sign_in_methods::text from sessions where user_id = :user order by created_at desc"
                + " limit 1").param("user", UUID.fromString(member.id())).query(String.class).single()).contains("PASSKEY");

        // With a username: that user's passkeys are the allowed ones.
        Response named = api.post("/api/v1/auth/passkey/options", null, json("tenant", tenant.slug(), "username", "fanny"));
        assertThat(named.body().at("/publicKey/allowCredentials/0/id").asString()).isEqualTo(authenticator.credentialId());
        assertThat(passwordless(tenant, authenticator, "fanny").status()).isEqualTo(200);

        // A passkey that did not verify the user (no PIN, no fingerprint) is one factor only: refused.
        authenticator.userVerification = false;
        assertThat(passwordless(tenant, authenticator, "fanny").status()).isEqualTo(401);
        assertThat(failures(member.id(), "PASSKEY_NOT_VERIFIED")).isEqualTo(1);
    }

    @Test
    void assertionsFromAnotherOriginOrRelyingPartyAReplayAClonedKeyOrAnotherTenantAreRefused() {
        var member = member("gil");
        var authenticator = new TestAuthenticator(origin());
        register(member.token(), authenticator, "Key");
        allowPasswordless();

        authenticator.origin = "https://clinic-login.example";
        assertThat(passwordless(tenant, authenticator, "gil").status()).isEqualTo(401);
        authenticator.origin = origin();
        authenticator.rpId = "clinic-login.example";
        assertThat(passwordless(tenant, authenticator, "gil").status()).isEqualTo(401);
        authenticator.rpId = "127.0.0.1";
        assertThat(failures(member.id(), "PASSKEY_NOT_VERIFIED")).isEqualTo(2);

        // A replayed challenge: the first answer signs in, the same one again does not.
        Response options = api.post("/api/v1/auth/passkey/options", null, json("tenant", tenant.slug(), "username", "gil"));
        String assertion = authenticator.assertion(options.text("/publicKey/challenge"));
        String body = json("tenant", tenant.slug(), "challengeId", options.text("/challengeId"), "credential", raw(assertion));
        assertThat(api.post("/api/v1/auth/passkey", null, body).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/auth/passkey", null, body).status()).isEqualTo(401);

        // A clone: its counter lags behind the one last seen.
        authenticator.counter(10);
        assertThat(passwordless(tenant, authenticator, "gil").status()).isEqualTo(200);
        authenticator.counter(3);
        assertThat(passwordless(tenant, authenticator, "gil").status()).isEqualTo(401);
        assertThat(failures(member.id(), "PASSKEY_CLONED")).isEqualTo(1);
        assertThat(jdbc.sql("select sign_count from passkeys where user_id = :user")
                .param("user", UUID.fromString(member.id())).query(Long.class).single()).isEqualTo(11L);

        // A challenge asked for one username, answered with another user's passkey.
        var hana = member("hana");
        var hanasKey = new TestAuthenticator(origin());
        register(hana.token(), hanasKey, "Hana's");
        assertThat(passwordless(tenant, hanasKey, "gil").status()).isEqualTo(401);
        assertThat(failures(hana.id(), "PASSKEY_OF_ANOTHER_USER")).isEqualTo(1);

        // Another tenant knows neither the passkey nor the challenge.
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        Response patched = api.patch(other.path("/settings"), other.adminToken(), "{\"mfaPolicy\": {\"passwordless\": true}}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(passwordless(other, authenticator, "gil").status()).isEqualTo(401);
        Response ours = api.post("/api/v1/auth/passkey/options", null, json("tenant", tenant.slug()));
        assertThat(api.post("/api/v1/auth/passkey", null, json("tenant", other.slug(), "challengeId",
                ours.text("/challengeId"), "credential", raw(authenticator.assertion(ours.text("/publicKey/challenge")))))
                .status()).isEqualTo(401);
    }

    @Test
    void underAPhishingResistantPolicyOnlyAPasskeyCountsAsTheSecondFactor() {
        var member = member("ines");
        var app = TestMembers.enrolTotp(api, member.token());
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ALL\", \"methods\": [\"PASSKEY\"], \"phishingResistant\": true}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);

        // The authenticator app no longer counts: signed in, but only to register a passkey.
        Response signedIn = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "ines",
                "password", member.password()));
        assertThat(signedIn.status()).as(signedIn.raw()).isEqualTo(200);
        assertThat(signedIn.body().path("requiredActions").toString()).contains("CONFIGURE_MFA");
        String token = signedIn.text("/token");
        assertThat(api.get(tenant.path("/users"), token).status()).isEqualTo(403);
        assertThat(register(token, new TestAuthenticator(origin()), "Phone").status()).isEqualTo(201);
        assertThat(api.get("/api/v1/me", token).body().path("requiredActions").isEmpty()).isTrue();

        // Now the password step asks for the passkey, and a code does not complete it.
        Response first = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "ines",
                "password", member.password()));
        assertThat(first.body().path("mfaRequired").asBoolean()).isTrue();
        assertThat(api.post("/api/v1/auth/mfa", null, json("mfaToken", first.text("/mfaToken"), "code", app.code(1)))
                .status()).isEqualTo(401);
        assertThat(failures(member.id(), "PASSKEY_REQUIRED")).isEqualTo(1);
    }

    @Test
    void anAdministratorListsAndRemovesAUsersPasskeysWhenTheyCoverThem() {
        var member = member("jon");
        var authenticator = new TestAuthenticator(origin());
        String id = register(member.token(), authenticator, "Lost phone").text("/id");

        Response listed = api.get(tenant.path("/users/" + member.id() + "/passkeys"), tenant.adminToken());
        assertThat(listed.status()).as(listed.raw()).isEqualTo(200);
        assertThat(listed.body().at("/items/0/name").asString()).isEqualTo("Lost phone");

        // A colleague without users.read/users.edit, another tenant, an unknown user or passkey.
        var colleague = member("kim");
        assertThat(api.get(tenant.path("/users/" + member.id() + "/passkeys"), colleague.token()).status()).isEqualTo(403);
        assertThat(api.delete(tenant.path("/users/" + member.id() + "/passkeys/" + id), colleague.token()).status())
                .isEqualTo(403);
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.get(tenant.path("/users/" + member.id() + "/passkeys"), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/users/" + member.id() + "/passkeys"), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.delete(tenant.path("/users/" + member.id() + "/passkeys/" + UUID.randomUUID()), tenant.adminToken())
                .status()).isEqualTo(404);
        // Nobody acts on the passkeys of someone who holds more than they do: the member may not touch the admin's.
        assertThat(api.get(tenant.path("/users/" + tenant.adminId() + "/passkeys"), member.token()).status()).isEqualTo(403);

        assertThat(api.delete(tenant.path("/users/" + member.id() + "/passkeys/" + id), tenant.adminToken()).status())
                .isEqualTo(204);
        assertThat(api.get("/api/v1/me/passkeys", member.token()).body().path("items").isEmpty()).isTrue();
        var removed = RecordedAudit.only(jdbc, tenant.id(), "PASSKEY_REMOVED");
        assertThat(removed.details().path("by").asString()).isEqualTo("administrator");
        assertThat(removed.targetId()).isEqualTo(member.id());
        assertThat(List.of(removed.actor())).containsAnyOf(tenant.adminId(), SignedInTenant.ADMIN);
    }
}
