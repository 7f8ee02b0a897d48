package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.authentication.SignInFixtures.PASSWORD;
import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Sign-ins proved elsewhere (issue 15): an identity provider's or a passkey's proof goes through the
 * same account rules as a password, asks the user's own second factor unless the proof covered one,
 * and records how the session was proved.
 */
class ExternalSignInIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    SignInService signIn;

    SignInFixtures fixtures;
    SignedInTenant tenant;

    @BeforeEach
    void tenant() {
        fixtures = new SignInFixtures(api, jdbc);
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    private static MockHttpServletRequest request() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr("203.0.113.7");
        request.addHeader("User-Agent", "ExternalSignInIT");
        return request;
    }

    private SignIn.Outcome external(TestMembers.Member member, String method, boolean multiFactor) {
        return signIn.external(new TenantId(UUID.fromString(tenant.id())), UUID.fromString(member.id()), method,
                multiFactor, "Contoso Entra", request());
    }

    private List<String> methodsOf(String token) {
        return jdbc.sql("select array_to_string(sign_in_methods, ' ') from sessions where token_hash = :hash")
                .param("hash", Tokens.hash(token)).query(String.class).optional()
                .map(text -> List.of(text.split(" "))).orElseThrow();
    }

    @Test
    void aProofWithoutASecondFactorSignsInAUserWhoHasNone() {
        var member = fixtures.member(tenant, "ines");
        SignIn.Outcome outcome = external(member, "OIDC", false);
        assertThat(outcome).isInstanceOf(SignIn.Signed.class);
        String token = ((SignIn.Signed) outcome).token();
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);
        assertThat(methodsOf(token)).containsExactly("OIDC");
        Integer withProvider = jdbc.sql("""
                        select count(*) from audit_events where tenant_id = :tenant and action = 'LOGIN_SUCCEEDED'
                        and target_id = :user and details ->> 'method' = 'OIDC' and details ->> 'provider' = 'Contoso Entra'
                        """)
                .param("tenant", UUID.fromString(tenant.id())).param("user", member.id()).query(Integer.class).single();
        assertThat(withProvider).isEqualTo(1);
    }

    @Test
    void theUsersOwnSecondFactorIsAskedUnlessTheProofCoveredOne() {
        var member = fixtures.memberWithMfa(tenant, "jonas");
        SignIn.Outcome outcome = external(member, "SAML", false);
        assertThat(outcome).isInstanceOf(SignIn.SecondStep.class);
        String mfaToken = ((SignIn.SecondStep) outcome).mfaToken();
        var second = api.post("/api/v1/auth/mfa", null, json("mfaToken", mfaToken, "code",
                member.authenticator().code(1)));
        assertThat(second.status()).as(second.raw()).isEqualTo(200);
        assertThat(methodsOf(second.text("/token"))).containsExactly("SAML", "TOTP");

        SignIn.Outcome covered = external(member, "OIDC", true);
        assertThat(covered).isInstanceOf(SignIn.Signed.class);
        assertThat(methodsOf(((SignIn.Signed) covered).token())).containsExactly("OIDC", "MFA_ELSEWHERE");
    }

    @Test
    void underAPhishingResistantPolicyAProvidersSecondFactorIsNotEnough() {
        var member = fixtures.member(tenant, "mira");
        var patched = api.patch("/api/v1/tenants/" + tenant.slug() + "/settings", tenant.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ALL\", \"methods\": [\"PASSKEY\"], \"phishingResistant\": true}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);

        SignIn.Outcome outcome = external(member, "OIDC", true);
        assertThat(outcome).isInstanceOf(SignIn.Signed.class);
        SignIn.Signed signed = (SignIn.Signed) outcome;
        assertThat(signed.requiredActions()).contains("CONFIGURE_MFA");
        assertThat(methodsOf(signed.token())).containsExactly("OIDC");
    }

    @Test
    void aLockedAccountAServiceAccountAndAnUnknownUserAreRefusedAndTheTrailSaysWhy() {
        var member = fixtures.member(tenant, "kai");
        assertThat(api.post("/api/v1/tenants/" + tenant.slug() + "/users/" + member.id() + "/lock",
                tenant.adminToken(), "").status()).isEqualTo(200);
        assertThat(external(member, "OIDC", true)).isInstanceOf(SignIn.Refused.class);
        assertThat(fixtures.failures(tenant.id(), member.id(), "NOT_ACTIVE")).isEqualTo(1);

        var created = api.post("/api/v1/tenants/" + tenant.slug() + "/users", tenant.adminToken(),
                json("username", "robot", "firstName", "Ro", "lastName", "Bot", "kind", "SERVICE"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(signIn.external(new TenantId(UUID.fromString(tenant.id())), UUID.fromString(created.text("/id")),
                "OIDC", true, null, request())).isInstanceOf(SignIn.Refused.class);

        assertThat(signIn.external(new TenantId(UUID.fromString(tenant.id())), UUID.randomUUID(), "OIDC", true, null,
                request())).isInstanceOf(SignIn.Refused.class);
    }

    @Test
    void aSecondFactorVerifiedElsewhereCompletesTheChallengeOfItsOwnUserOnce() {
        var member = fixtures.memberWithMfa(tenant, "lena");
        String mfaToken = fixtures.login(tenant, "lena", PASSWORD).text("/mfaToken");
        var pending = signIn.challengeOf(mfaToken).orElseThrow();
        assertThat(pending.userId()).hasToString(member.id());
        assertThat(pending.tenant().value()).hasToString(tenant.id());

        SignIn.Outcome outcome = signIn.secondFactorProved(mfaToken, "PASSKEY", request());
        assertThat(outcome).isInstanceOf(SignIn.Signed.class);
        assertThat(methodsOf(((SignIn.Signed) outcome).token())).containsExactly("PASSWORD", "PASSKEY");
        assertThat(signIn.secondFactorProved(mfaToken, "PASSKEY", request())).isInstanceOf(SignIn.Refused.class);
        assertThat(signIn.challengeOf(mfaToken)).isEmpty();
        assertThat(signIn.challengeOf("not a token")).isEmpty();
    }
}
