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

/** Idle and absolute session limits, the cap on concurrent sessions, and a user's own sessions (seed 000; ASVS 7). */
class SessionPolicyIT extends IntegrationTest {

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
    void aSessionIdleLongerThanTheTenantAllowsIsDead() {
        TestMembers.Member member = fixtures.member(clinic, "idle.ida", "provider");
        fixtures.lastSeenMinutesAgo(clinic, member.id(), 29);
        assertThat(api.get("/api/v1/me", member.token()).status()).isEqualTo(200);

        fixtures.lastSeenMinutesAgo(clinic, member.id(), 31);
        assertThat(api.get("/api/v1/me", member.token()).status()).isEqualTo(401);
        // Dead for good: the idle session was ended, so coming back later does not revive it.
        assertThat(jdbc.sql("select end_reason from sessions where user_id = :user and ended_at is not null")
                .param("user", UUID.fromString(member.id())).query(String.class).list()).contains("IDLE_TIMEOUT");
    }

    @Test
    void theShortestIdleTimeoutAmongTheUsersRolesApplies() {
        assertThat(fixtures.settings(clinic, """
                {"sessionPolicy": {"idleMinutesByRole": {"front_desk": 5, "billing": 10}}}""").status()).isEqualTo(200);
        TestMembers.Member desk = fixtures.member(clinic, "desk.dora", "front_desk");
        TestMembers.Member provider = fixtures.member(clinic, "provider.pia", "provider");
        fixtures.lastSeenMinutesAgo(clinic, desk.id(), 6);
        fixtures.lastSeenMinutesAgo(clinic, provider.id(), 6);

        assertThat(api.get("/api/v1/me", desk.token()).status()).as("front desk: 5 minutes").isEqualTo(401);
        assertThat(api.get("/api/v1/me", provider.token()).status()).as("provider: the tenant's 30").isEqualTo(200);

        // Holding billing (10) as well as front_desk (5): the stricter 5 still applies.
        String deskToken = fixtures.signIn(clinic, desk);
        assertThat(api.post(clinic.path("/users/" + desk.id() + "/roles"), clinic.adminToken(),
                json("role", "billing")).status()).isEqualTo(201);
        fixtures.lastSeenMinutesAgo(clinic, desk.id(), 6);
        assertThat(api.get("/api/v1/me", deskToken).status()).isEqualTo(401);
    }

    @Test
    void aSessionEndsAtItsAbsoluteLifetimeHoweverActive() {
        TestMembers.Member member = fixtures.member(clinic, "long.lou", "provider");
        Response login = api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", "long.lou",
                "password", SessionFixtures.PASSWORD));
        java.time.Instant expires = java.time.Instant.parse(login.text("/expiresAt"));
        assertThat(expires).isBetween(java.time.Instant.now().plusSeconds(12 * 3600 - 60),
                java.time.Instant.now().plusSeconds(12 * 3600 + 60));

        jdbc.sql("update sessions set expires_at = now() - interval '1 second' where user_id = :user")
                .param("user", UUID.fromString(member.id())).update();
        fixtures.forget(clinic, member.id());
        assertThat(api.get("/api/v1/me", login.text("/token")).status()).isEqualTo(401);
    }

    @Test
    void overTheCapTheOldestSessionEnds() {
        assertThat(fixtures.settings(clinic, """
                {"sessionPolicy": {"maxConcurrent": 2}}""").status()).isEqualTo(200);
        TestMembers.Member member = fixtures.member(clinic, "many.mo", "provider");
        String second = fixtures.signIn(clinic, member);
        String third = fixtures.signIn(clinic, member);

        assertThat(api.get("/api/v1/me", member.token()).status()).as("the oldest").isEqualTo(401);
        assertThat(api.get("/api/v1/me", second).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", third).status()).isEqualTo(200);
        assertThat(fixtures.audited(clinic, "SESSION_REVOKED", "SESSION_LIMIT")).isEqualTo(1);
    }

    @Test
    void overTheCapWithRefuseANewSignInIsRefusedAndTheOldOneLives() {
        assertThat(fixtures.settings(clinic, """
                {"sessionPolicy": {"maxConcurrent": 1, "onLimit": "REFUSE"}}""").status()).isEqualTo(200);
        TestMembers.Member member = fixtures.member(clinic, "once.olga", "provider");

        Response refused = api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", "once.olga",
                "password", SessionFixtures.PASSWORD));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.text("/title")).isEqualTo("Too many sessions");
        assertThat(refused.text("/detail")).contains("maxConcurrent = 1").contains("sign out");
        assertThat(api.get("/api/v1/me", member.token()).status()).isEqualTo(200);

        // An idle session no longer counts against the cap.
        fixtures.lastSeenMinutesAgo(clinic, member.id(), 31);
        assertThat(fixtures.signIn(clinic, member)).isNotBlank();
    }

    @Test
    void theSessionSettingsRefuseUnknownRolesAndValues() {
        Response badRole = fixtures.settings(clinic, """
                {"sessionPolicy": {"idleMinutesByRole": {"no_such_role": 5}}}""");
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.text("/errors/0/field")).isEqualTo("sessionPolicy.idleMinutesByRole.no_such_role");
        Response badMinutes = fixtures.settings(clinic, """
                {"sessionPolicy": {"idleMinutesByRole": {"provider": 0}}}""");
        assertThat(badMinutes.text("/errors/0/field")).isEqualTo("sessionPolicy.idleMinutesByRole.provider");
        Response badLimit = fixtures.settings(clinic, """
                {"sessionPolicy": {"onLimit": "END_NEWEST"}}""");
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(badLimit.text("/errors/0/field")).isEqualTo("sessionPolicy.onLimit");

        // A map given again replaces the stored one: a role can be taken out.
        fixtures.settings(clinic, """
                {"sessionPolicy": {"idleMinutesByRole": {"provider": 5, "billing": 7}}}""");
        Response replaced = fixtures.settings(clinic, """
                {"sessionPolicy": {"idleMinutesByRole": {"billing": 8}}}""");
        assertThat(replaced.body().at("/sessionPolicy/idleMinutesByRole").toString()).isEqualTo("{\"billing\":8}");
        assertThat(replaced.text("/sessionPolicy/onLimit")).isEqualTo("END_OLDEST");
    }

    @Test
    void aUserListsTheirSessionsAndEndsOneOrAllOthers() {
        TestMembers.Member member = fixtures.member(clinic, "multi.max", "provider");
        String laptop = fixtures.signIn(clinic, member);
        String phone = fixtures.signIn(clinic, member);

        Response listed = api.get("/api/v1/me/sessions", member.token());
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.body().at("/total").asInt()).isEqualTo(3);
        assertThat(listed.body().at("/items").size()).isEqualTo(3);
        var items = listed.body().at("/items");
        String current = null;
        String other = null;
        int currents = 0;
        for (var item : items) {
            assertThat(item.at("/ip").asString()).isEqualTo("127.0.0.1");
            assertThat(item.has("createdAt") && item.has("lastSeenAt") && item.has("expiresAt")
                    && item.has("userAgent")).isTrue();
            if (item.at("/current").asBoolean()) {
                currents++;
                current = item.at("/id").asString();
            } else {
                other = item.at("/id").asString();
            }
        }
        assertThat(currents).isEqualTo(1);
        assertThat(current).isNotNull();

        // Ending one: one of the two others dies, the caller's own session lives.
        assertThat(api.delete("/api/v1/me/sessions/" + other, member.token()).status()).isEqualTo(204);
        int alive = (api.get("/api/v1/me", laptop).status() == 200 ? 1 : 0)
                + (api.get("/api/v1/me", phone).status() == 200 ? 1 : 0);
        assertThat(alive).isEqualTo(1);
        assertThat(api.get("/api/v1/me/sessions", member.token()).body().at("/total").asInt()).isEqualTo(2);
        assertThat(api.delete("/api/v1/me/sessions/" + other, member.token()).status()).as("already ended").isEqualTo(404);

        // Ending all others.
        assertThat(api.delete("/api/v1/me/sessions", member.token()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", laptop).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", phone).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", member.token()).status()).isEqualTo(200);
        assertThat(fixtures.audited(clinic, "SESSION_REVOKED", "\"by\": \"self\"")).isEqualTo(2);
    }

    @Test
    void anotherUsersSessionIsNotFoundAndABadIdIsABadRequest() {
        TestMembers.Member member = fixtures.member(clinic, "own.oona", "provider");
        UUID adminSession = jdbc.sql("select id from sessions where user_id = :user and ended_at is null limit 1")
                .param("user", UUID.fromString(clinic.adminId())).query(UUID.class).single();

        assertThat(api.delete("/api/v1/me/sessions/" + adminSession, member.token()).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/me", clinic.adminToken()).status()).isEqualTo(200);
        Response bad = api.delete("/api/v1/me/sessions/not-a-uuid", member.token());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(api.get("/api/v1/me/sessions?size=500", member.token()).status()).isEqualTo(400);
        assertThat(api.get("/api/v1/me/sessions", null).status()).isEqualTo(401);
    }
}
