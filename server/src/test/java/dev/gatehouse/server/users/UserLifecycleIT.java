package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static dev.gatehouse.server.users.UserFixtures.role;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static dev.gatehouse.server.users.UserFixtures.tokenOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.TestMembers;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Lock, unlock, disable, enable, password reset, invitations and their one-use links, sessions:
 * seeds 000, 001, 003 and 004 over HTTP.
 */
class UserLifecycleIT extends IntegrationTest {

    private static final String NEW_PASSWORD = "a passphrase of my very own";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    UserFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
    }

    private List<String> actions(UserFixtures.Tenant tenant) {
        return jdbc.sql("select action from audit_events where tenant_id = :t order by seq")
                .param("t", UUID.fromString(tenant.id())).query(String.class).list();
    }

    private Response signIn(UserFixtures.Tenant tenant, String username, String password) {
        return api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", username, "password",
                password));
    }

    @Test
    void lockingEndsTheUsersSessionsAtOnceAndUnlockingLetsThemBackIn() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + role("front_desk") + "]");
        assertThat(api.get("/api/v1/me", desk.token()).status()).isEqualTo(200);

        Response locked = api.post(clinic.user(desk.id()) + "/lock", clinic.owner(), "");
        assertThat(locked.status()).as(locked.raw()).isEqualTo(200);
        assertThat(locked.text("/status")).isEqualTo("LOCKED");
        // seed 004: "a logged-in browser tab stops working within seconds" — here, the next request.
        assertThat(api.get("/api/v1/me", desk.token()).status()).isEqualTo(401);
        assertThat(signIn(clinic, "desk", UserFixtures.PASSWORD).status()).isEqualTo(401);
        assertThat(api.post(clinic.user(desk.id()) + "/lock", clinic.owner(), "").status()).isEqualTo(409);
        assertThat(api.post(clinic.user(desk.id()) + "/disable", clinic.owner(), "").status()).isEqualTo(409);

        Response unlocked = api.post(clinic.user(desk.id()) + "/unlock", clinic.owner(), "");
        assertThat(unlocked.status()).isEqualTo(200);
        assertThat(unlocked.text("/status")).isEqualTo("ACTIVE");
        assertThat(signIn(clinic, "desk", UserFixtures.PASSWORD).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", desk.token()).status()).as("the ended session stays ended").isEqualTo(401);
        assertThat(actions(clinic)).containsSubsequence("USER_LOCKED", "USER_UNLOCKED");
        assertThat(api.post(clinic.user(desk.id()) + "/unlock", clinic.owner(), "").status())
                .as("nothing to unlock").isEqualTo(409);
    }

    @Test
    void unlockingClearsATemporaryLockoutAndTheFailureCount() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + role("front_desk") + "]");
        jdbc.sql("update users set locked_until = now() + interval '15 minutes', failed_logins = 5 where id = :id")
                .param("id", UUID.fromString(desk.id())).update();
        Response before = api.get(clinic.user(desk.id()), clinic.owner());
        assertThat(before.text("/status")).isEqualTo("ACTIVE");
        assertThat(before.body().has("lockedUntil")).isTrue();
        assertThat(signIn(clinic, "desk", UserFixtures.PASSWORD).status()).isEqualTo(401);

        Response unlocked = api.post(clinic.user(desk.id()) + "/unlock", clinic.owner(), "");
        assertThat(unlocked.status()).isEqualTo(200);
        assertThat(unlocked.body().has("lockedUntil")).isFalse();
        assertThat(jdbc.sql("select failed_logins from users where id = :id").param("id", UUID.fromString(desk.id()))
                .query(Integer.class).single()).isZero();
        assertThat(signIn(clinic, "desk", UserFixtures.PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aDisabledUserCannotSignInUntilEnabledAgain() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + role("front_desk") + "]");
        Response disabled = api.post(clinic.user(desk.id()) + "/disable", clinic.owner(), "");
        assertThat(disabled.status()).isEqualTo(200);
        assertThat(disabled.text("/status")).isEqualTo("DISABLED");
        assertThat(api.get("/api/v1/me", desk.token()).status()).isEqualTo(401);
        assertThat(signIn(clinic, "desk", UserFixtures.PASSWORD).status()).isEqualTo(401);
        assertThat(api.post(clinic.user(desk.id()) + "/disable", clinic.owner(), "").status()).isEqualTo(409);
        Response lockWhileDisabled = api.post(clinic.user(desk.id()) + "/lock", clinic.owner(), "");
        assertThat(lockWhileDisabled.status()).isEqualTo(409);
        assertThat(lockWhileDisabled.text("/detail")).contains("enable them before locking");

        Response enabled = api.post(clinic.user(desk.id()) + "/enable", clinic.owner(), "");
        assertThat(enabled.status()).isEqualTo(200);
        assertThat(enabled.text("/status")).isEqualTo("ACTIVE");
        assertThat(signIn(clinic, "desk", UserFixtures.PASSWORD).status()).isEqualTo(200);
        assertThat(api.post(clinic.user(desk.id()) + "/enable", clinic.owner(), "").status()).isEqualTo(409);
        assertThat(actions(clinic)).containsSubsequence("USER_DISABLED", "USER_ENABLED");
    }

    @Test
    void nobodyLocksDisablesResetsOrDeletesThemselves() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String self = clinic.user(clinic.ownerId());
        for (String action : List.of("/lock", "/disable", "/password-reset")) {
            Response response = api.post(self + action, clinic.owner(), "");
            assertThat(response.status()).as(action).isEqualTo(403);
            assertThat(response.text("/detail")).as(action).contains("yourself");
        }
        assertThat(api.delete(self, clinic.owner()).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/me", clinic.owner()).status()).as("still signed in").isEqualTo(200);
    }

    @Test
    void aLesserRoleCannotLockAndAnotherTenantCannotSeeTheUser() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member billing = fixtures.member(clinic, "biller", "[" + role("billing") + "]");
        String desk = fixtures.user(clinic, "desk", "[" + role("front_desk") + "]");
        for (String action : List.of("/lock", "/unlock", "/disable", "/enable", "/password-reset", "/invitation")) {
            assertThat(api.post(clinic.user(desk) + action, billing.token(), "").status()).as(action).isEqualTo(403);
        }
        UserFixtures.Tenant other = fixtures.clinic();
        for (String action : List.of("/lock", "/unlock", "/disable", "/enable", "/password-reset", "/invitation")) {
            assertThat(api.post(clinic.user(desk) + action, other.owner(), "").status()).as(action).isEqualTo(404);
        }
        assertThat(api.post(clinic.user(UUID.randomUUID().toString()) + "/lock", clinic.owner(), "").status())
                .isEqualTo(404);
        assertThat(api.post(clinic.users() + "/nope/lock", clinic.owner(), "").status()).isEqualTo(400);
    }

    @Test
    void aLocationManagerLocksStaffAtTheirLocationButNotElsewhere() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        String uptown = fixtures.location(clinic, "Uptown");
        TestMembers.Member manager = fixtures.member(clinic, "manny", "[" + roleAt("manager", downtown) + "]");
        TestMembers.Member amy = fixtures.member(clinic, "amy", "[" + roleAt("front_desk", downtown) + "]");
        String cal = fixtures.user(clinic, "cal", "[" + roleAt("front_desk", uptown) + "]");

        assertThat(api.post(clinic.user(amy.id()) + "/lock", manager.token(), "").status()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", amy.token()).status()).isEqualTo(401);
        Response uptownLock = api.post(clinic.user(cal) + "/lock", manager.token(), "");
        assertThat(uptownLock.status()).isEqualTo(403);
        assertThat(uptownLock.text("/detail")).contains("users.edit");
        assertThat(api.post(clinic.user(clinic.ownerId()) + "/lock", manager.token(), "").status()).isEqualTo(403);

        // A manager adds staff (seed 000) but gives no roles: "cannot delete staff or change roles".
        Response added = api.post(clinic.users(), manager.token(), json("username", "newbie", "firstName", "N",
                "lastName", "B"));
        assertThat(added.status()).as(added.raw()).isEqualTo(201);
        Response withRole = api.post(clinic.users(), manager.token(), json("username", "newbie2", "firstName", "N",
                "lastName", "B", "roles", raw("[" + roleAt("front_desk", downtown) + "]")));
        assertThat(withRole.status()).isEqualTo(403);
        assertThat(withRole.text("/detail")).contains("roles.assign");
    }

    @Test
    void theTenantNeverLosesItsLastActiveAdministrator() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        // A deputy who holds everything tenant-wide, so covers the owners (who may act on whom), without
        // holding the pack's admin role: the last-admin rule is what stops them.
        fixtures.customRole(clinic, "deputy", "TENANT", "*");
        TestMembers.Member deputy = fixtures.member(clinic, "deputy", "[" + role("deputy") + "]");
        for (String action : List.of("/lock", "/disable")) {
            Response response = api.post(clinic.user(clinic.ownerId()) + action, deputy.token(), "");
            assertThat(response.status()).as(action).isEqualTo(409);
            assertThat(response.text("/detail")).as(action).contains("last active owner");
        }
        TestMembers.Member second = fixtures.member(clinic, "second", "[" + role("owner") + "]");
        assertThat(api.post(clinic.user(clinic.ownerId()) + "/lock", deputy.token(), "").status()).isEqualTo(200);
        assertThat(api.post(clinic.user(second.id()) + "/disable", deputy.token(), "").status())
                .as("now the second owner is the last").isEqualTo(409);
        assertThat(api.post(clinic.user(clinic.ownerId()) + "/unlock", second.token(), "").status()).isEqualTo(200);
        assertThat(api.post(clinic.user(second.id()) + "/disable", deputy.token(), "").status()).isEqualTo(200);
    }

    @Test
    void anInvitedUserSetsTheirPasswordThroughTheLinkOnceAndSignsIn() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        Response created = api.post(clinic.users(), clinic.owner(), json("username", "invitee", "firstName", "Ivy",
                "lastName", "Vee", "email", "ivy@example.com", "invite", true));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/status")).isEqualTo("INVITED");
        String token = tokenOf(created.text("/invitationUrl"));
        assertThat(actions(clinic)).contains("INVITATION_SENT");
        assertThat(signIn(clinic, "invitee", "anything at all here").status()).isEqualTo(401);

        Response tooShort = fixtures.accept(token, "short");
        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.body().at("/errors/0/field").asString()).isEqualTo("newPassword");

        assertThat(fixtures.accept(token, NEW_PASSWORD).status()).as("the rejected password left the link usable")
                .isEqualTo(204);
        Response login = signIn(clinic, "invitee", NEW_PASSWORD);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body().at("/requiredActions").size()).as("they chose it: nothing to change").isZero();
        assertThat(api.get(clinic.user(created.text("/id")), clinic.owner()).text("/status")).isEqualTo("ACTIVE");

        Response again = fixtures.accept(token, "yet another long passphrase");
        Response unknown = fixtures.accept("no-such-token", "yet another long passphrase");
        assertThat(again.status()).isEqualTo(400);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(again.body().at("/detail")).isEqualTo(unknown.body().at("/detail"));
        assertThat(again.body().at("/errors")).isEqualTo(unknown.body().at("/errors"));
        assertThat(signIn(clinic, "invitee", NEW_PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void aNewInvitationKillsThePreviousLinkAndOnlyInvitedUsersGetOne() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        Response created = api.post(clinic.users(), clinic.owner(), json("username", "invitee", "firstName", "Ivy",
                "lastName", "Vee"));
        String id = created.text("/id");
        String first = tokenOf(created.text("/invitationUrl"));
        Response renewed = api.post(clinic.user(id) + "/invitation", clinic.owner(), "");
        assertThat(renewed.status()).isEqualTo(201);
        String second = tokenOf(renewed.text("/invitationUrl"));
        assertThat(second).isNotEqualTo(first);
        assertThat(fixtures.accept(first, NEW_PASSWORD).status()).isEqualTo(400);
        assertThat(fixtures.accept(second, NEW_PASSWORD).status()).isEqualTo(204);
        Response active = api.post(clinic.user(id) + "/invitation", clinic.owner(), "");
        assertThat(active.status()).isEqualTo(409);
    }

    @Test
    void anExpiredLinkIsRefusedLikeAnUnknownOne() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        Response created = api.post(clinic.users(), clinic.owner(), json("username", "late", "firstName", "L",
                "lastName", "Ate"));
        jdbc.sql("update user_tokens set created_at = now() - interval '3 days', expires_at = now() - interval '1 day'"
                + " where user_id = :id").param("id", UUID.fromString(created.text("/id"))).update();
        Response expired = fixtures.accept(tokenOf(created.text("/invitationUrl")), NEW_PASSWORD);
        Response unknown = fixtures.accept("made-up", NEW_PASSWORD);
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.body().at("/detail")).isEqualTo(unknown.body().at("/detail"));
        assertThat(fixtures.accept("", NEW_PASSWORD).body().at("/errors/0/field").asString()).isEqualTo("token");
    }

    @Test
    void ofTenParallelRedemptionsOfOneLinkExactlyOneSucceeds() throws Exception {
        UserFixtures.Tenant clinic = fixtures.clinic();
        Response created = api.post(clinic.users(), clinic.owner(), json("username", "racer", "firstName", "R",
                "lastName", "Acer"));
        String token = tokenOf(created.text("/invitationUrl"));
        int parallel = 10;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel)) {
            for (int i = 0; i < parallel; i++) {
                String password = "racing passphrase number " + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return fixtures.accept(token, password).status();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).filteredOn(s -> s == 204).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 400).hasSize(parallel - 1);
        }
        long changed = jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :t and action = 'PASSWORD_CHANGED' and target_id = :user
                        """)
                .param("t", UUID.fromString(clinic.id())).param("user", created.text("/id"))
                .query(Long.class).single();
        assertThat(changed).isOne();
    }

    @Test
    void anAdminResetEndsTheSessionsAndTheLinkSetsANewPasswordOnce() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + role("front_desk") + "]");
        Response reset = api.post(clinic.user(desk.id()) + "/password-reset", clinic.owner(), "");
        assertThat(reset.status()).isEqualTo(202);
        assertThat(reset.text("/resetUrl")).contains("token=");
        assertThat(api.get("/api/v1/me", desk.token()).status()).isEqualTo(401);
        assertThat(actions(clinic)).contains("PASSWORD_RESET");
        assertThat(jdbc.sql("select details::text from audit_events where tenant_id = :t and action = 'PASSWORD_RESET'")
                .param("t", UUID.fromString(clinic.id())).query(String.class).single()).doesNotContain("token");

        String token = tokenOf(reset.text("/resetUrl"));
        assertThat(fixtures.accept(token, NEW_PASSWORD).status()).isEqualTo(204);
        assertThat(signIn(clinic, "desk", UserFixtures.PASSWORD).status()).isEqualTo(401);
        Response login = signIn(clinic, "desk", NEW_PASSWORD);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body().at("/requiredActions").size()).isZero();
        assertThat(fixtures.accept(token, "and one more passphrase").status()).isEqualTo(400);

        String invited = api.post(clinic.users(), clinic.owner(), json("username", "invitee", "firstName", "I",
                "lastName", "V")).text("/id");
        assertThat(api.post(clinic.user(invited) + "/password-reset", clinic.owner(), "").status())
                .as("invited users get a new invitation instead").isEqualTo(409);
    }

    @Test
    void anAdminSeesTheLiveSessionsOfAUserAndEndsThemAll() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + role("front_desk") + "]");
        String laptop = api.login(clinic.slug(), "desk", UserFixtures.PASSWORD);
        Response sessions = api.get(clinic.user(desk.id()) + "/sessions", clinic.owner());
        assertThat(sessions.status()).isEqualTo(200);
        assertThat(sessions.body().at("/total").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(sessions.body().at("/items/0/lastSeenAt").asString()).endsWith("Z");
        assertThat(sessions.body().at("/items/0").has("ip")).isTrue();
        assertThat(sessions.raw()).doesNotContain(laptop).doesNotContain(desk.token());

        TestMembers.Member billing = fixtures.member(clinic, "biller", "[" + role("billing") + "]");
        assertThat(api.get(clinic.user(desk.id()) + "/sessions", billing.token()).status()).isEqualTo(403);
        assertThat(api.delete(clinic.user(desk.id()) + "/sessions", billing.token()).status()).isEqualTo(403);
        UserFixtures.Tenant other = fixtures.clinic();
        assertThat(api.get(clinic.user(desk.id()) + "/sessions", other.owner()).status()).isEqualTo(404);

        assertThat(api.delete(clinic.user(desk.id()) + "/sessions", clinic.owner()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", desk.token()).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", laptop).status()).isEqualTo(401);
        assertThat(api.get(clinic.user(desk.id()) + "/sessions", clinic.owner()).body().at("/total").asLong()).isZero();
        assertThat(actions(clinic)).contains("SESSION_REVOKED");
    }

    @Test
    void anAdminEndsOneSessionOfAUserAndOnlyALiveOneOfThatUserThere() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + role("front_desk") + "]");
        String laptop = api.login(clinic.slug(), "desk", UserFixtures.PASSWORD);
        String laptopSession = api.get("/api/v1/me/sessions", laptop).body().at("/items/0/id").asString();
        TestMembers.Member billing = fixtures.member(clinic, "biller", "[" + role("billing") + "]");
        String billingSession = api.get("/api/v1/me/sessions", billing.token()).body().at("/items/0/id").asString();
        String endLaptop = clinic.user(desk.id()) + "/sessions/" + laptopSession;

        assertThat(api.delete(endLaptop, billing.token()).status()).isEqualTo(403);
        assertThat(api.delete(endLaptop, fixtures.clinic().owner()).status()).isEqualTo(404);
        assertThat(api.delete(clinic.user(desk.id()) + "/sessions/" + billingSession, clinic.owner()).status())
                .as("another user's session through this user's path").isEqualTo(404);
        assertThat(api.delete(clinic.user(desk.id()) + "/sessions/" + UUID.randomUUID(), clinic.owner()).status())
                .isEqualTo(404);
        assertThat(api.get("/api/v1/me", billing.token()).status()).isEqualTo(200);

        assertThat(api.delete(endLaptop, clinic.owner()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", laptop).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", desk.token()).status()).as("their other device").isEqualTo(200);
        assertThat(api.delete(endLaptop, clinic.owner()).status()).as("an ended session").isEqualTo(404);
        List<RecordedAudit.Event> revoked = RecordedAudit.of(jdbc, clinic.id(), "SESSION_REVOKED").stream()
                .filter(event -> event.details().has("by") && event.details().get("by").asString().equals("admin")).toList();
        assertThat(revoked).singleElement().satisfies(event -> {
            assertThat(event.targetId()).isEqualTo(laptopSession);
            assertThat(event.actor()).isEqualTo("owner");
            assertThat(event.details().at("/user").asString()).isEqualTo(desk.id());
        });
    }
}
