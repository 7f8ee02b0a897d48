package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The tenant's IP allowlist, tenant-wide and per role, at sign-in and on every API call (seed 000).
 * The tests connect from 127.0.0.1: 10.0.0.0/8 keeps them out, 127.0.0.0/8 lets them in.
 */
class IpAllowlistIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private AccessChanges changes;

    private SessionFixtures fixtures;
    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        fixtures = new SessionFixtures(api, jdbc, changes);
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @Test
    void fromOutsideTheAllowlistEveryCallIsForbiddenAndSignInFails() {
        TestMembers.Member member = fixtures.member(clinic, "away.ava", "provider");
        fixtures.store(clinic, "ipAllowlist", "[\"10.0.0.0/8\"]");

        Response refused = api.get("/api/v1/me", member.token());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("/title")).isEqualTo("Network not allowed");
        assertThat(refused.text("/detail")).contains("ipAllowlist");
        // The admin is a user of the tenant too.
        assertThat(api.get(clinic.path("/users"), clinic.adminToken()).status()).isEqualTo(403);
        assertThat(fixtures.audited(clinic, "REQUEST_REFUSED_IP", "\"ip\": \"127.0.0.1\"")).isEqualTo(2);

        // Sign-in with the right password answers as a wrong one would, and is audited as what it was.
        Response wrong = api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", "away.ava",
                "password", "not the password at all"));
        Response right = api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", "away.ava",
                "password", SessionFixtures.PASSWORD));
        assertThat(right.status()).isEqualTo(401);
        assertThat(right.raw()).isEqualTo(wrong.raw());
        // The network is checked before the password: both attempts are refusals by address, not failures.
        assertThat(fixtures.audited(clinic, "SIGN_IN_REFUSED_IP", "127.0.0.1")).isEqualTo(2);
        assertThat(fixtures.audited(clinic, "LOGIN_FAILED", "")).isZero();
        assertThat(jdbc.sql("""
                        select distinct target_name from audit_events
                        where tenant_id = :tenant and action = 'SIGN_IN_REFUSED_IP'
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query(String.class).single()).isEqualTo("away.ava");

        // Platform operators are outside tenants and their rules.
        assertThat(api.get("/api/v1/tenants/" + clinic.slug(), operatorToken()).status()).isEqualTo(200);
    }

    @Test
    void fromInsideTheAllowlistCallsAndSignInWork() {
        TestMembers.Member member = fixtures.member(clinic, "home.hal", "provider");
        assertThat(fixtures.settings(clinic, """
                {"ipAllowlist": ["10.0.0.0/8", "127.0.0.0/8"]}""").status()).isEqualTo(200);

        assertThat(api.get("/api/v1/me", member.token()).status()).isEqualTo(200);
        assertThat(fixtures.signIn(clinic, member)).isNotBlank();
        assertThat(fixtures.audited(clinic, "REQUEST_REFUSED_IP", "")).isZero();
    }

    @Test
    void aRoleWithItsOwnRangesKeepsOnlyItsHoldersOut() {
        TestMembers.Member desk = fixtures.member(clinic, "desk.dan", "front_desk");
        TestMembers.Member provider = fixtures.member(clinic, "prov.pat", "provider");
        assertThat(fixtures.settings(clinic, """
                {"ipAllowlistByRole": {"front_desk": ["10.0.0.0/8"]}}""").status()).isEqualTo(200);

        assertThat(api.get("/api/v1/me", desk.token()).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/me", provider.token()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", clinic.adminToken()).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", "desk.dan",
                "password", SessionFixtures.PASSWORD)).status()).isEqualTo(401);

        // A refusal ends nothing: once the role's ranges admit the address, the same token works again.
        assertThat(fixtures.settings(clinic, """
                {"ipAllowlistByRole": {"front_desk": ["127.0.0.0/8"]}, "ipAllowlist": ["127.0.0.1"]}""").status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/me", desk.token()).status()).isEqualTo(200);
        assertThat(fixtures.signIn(clinic, desk)).isNotBlank();
    }

    @Test
    void theAllowlistSettingsNameTheBadRange() {
        Response bad = fixtures.settings(clinic, """
                {"ipAllowlistByRole": {"front_desk": ["10.0.0.1/8"]}}""");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.text("/errors/0/field")).isEqualTo("ipAllowlistByRole.front_desk[0]");
        Response unknown = fixtures.settings(clinic, """
                {"ipAllowlistByRole": {"nobody": ["10.0.0.0/8"]}}""");
        assertThat(unknown.text("/errors/0/field")).isEqualTo("ipAllowlistByRole.nobody");
        Response view = api.get(clinic.path("/settings"), clinic.adminToken());
        assertThat(view.body().at("/ipAllowlistByRole").toString()).isEqualTo("{}");
    }

    @Test
    void aChangedAllowlistAppliesToTokensAlreadyInUse() {
        TestMembers.Member member = fixtures.member(clinic, "now.nia", "provider");
        assertThat(api.get("/api/v1/me", member.token()).status()).isEqualTo(200);
        fixtures.store(clinic, "ipAllowlist", "[\"10.0.0.0/8\"]");
        assertThat(api.get("/api/v1/me", member.token()).status()).isEqualTo(403);
    }

    @Test
    void anAdminCannotSetAnAllowlistThatRefusesTheirOwnAddress() {
        Response tenantWide = fixtures.settings(clinic, """
                {"ipAllowlist": ["10.0.0.0/8"]}""");
        assertThat(tenantWide.status()).isEqualTo(400);
        assertThat(tenantWide.text("/errors/0/field")).isEqualTo("ipAllowlist");
        assertThat(tenantWide.text("/errors/0/message")).contains("127.0.0.1");
        Response ownRole = fixtures.settings(clinic, """
                {"ipAllowlistByRole": {"owner": ["10.0.0.0/8"]}}""");
        assertThat(ownRole.status()).isEqualTo(400);
        assertThat(ownRole.text("/errors/0/field")).isEqualTo("ipAllowlistByRole");
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).body().at("/ipAllowlist").toString())
                .isEqualTo("[]");
        assertThat(fixtures.settings(clinic, """
                {"ipAllowlist": ["10.0.0.0/8", "127.0.0.1"]}""").status()).isEqualTo(200);
    }
}
