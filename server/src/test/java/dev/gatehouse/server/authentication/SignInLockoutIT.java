package dev.gatehouse.server.authentication;

import static dev.gatehouse.server.authentication.SignInFixtures.PASSWORD;
import static dev.gatehouse.server.authentication.SignInFixtures.WRONG;
import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Failed sign-ins lock the account, not the address (seed 001, ASVS 6.3.1, NIST SP 800-63B 3.2.2). */
class SignInLockoutIT extends IntegrationTest {

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
    void fiveWrongPasswordsLockTheAccountAndEvenTheRightPasswordIsRefusedWhileLocked() {
        var member = fixtures.member(tenant, "nina");
        for (int i = 0; i < 4; i++) {
            assertThat(fixtures.login(tenant, "nina", WRONG).status()).isEqualTo(401);
        }
        assertThat(fixtures.lockedNow(member.id())).isFalse();
        assertThat(fixtures.login(tenant, "nina", WRONG).status()).isEqualTo(401);

        assertThat(fixtures.lockedNow(member.id())).isTrue();
        assertThat(fixtures.login(tenant, "nina", PASSWORD).status()).isEqualTo(401);
        assertThat(fixtures.events(tenant.id(), member.id(), "LOCKED_OUT")).isEqualTo(1);
        assertThat(fixtures.failures(tenant.id(), member.id(), "WRONG_PASSWORD")).isEqualTo(5);
        assertThat(fixtures.failures(tenant.id(), member.id(), "LOCKED")).isEqualTo(1);
    }

    /**
     * The temporary lockout shuts the password door only: a session opened before it keeps working, so whoever
     * knows a username cannot sign its owner out by guessing; an administrator's lock ends every session.
     */
    @Test
    void aTemporaryLockoutLeavesOpenSessionsAloneButAnAdministratorsLockEndsThem() {
        var member = fixtures.member(tenant, "nell");
        for (int i = 0; i < 5; i++) {
            assertThat(fixtures.login(tenant, "nell", WRONG).status()).isEqualTo(401);
        }
        assertThat(fixtures.lockedNow(member.id())).isTrue();
        assertThat(api.get("/api/v1/me", member.token()).status()).as("the session from before the guesses")
                .isEqualTo(200);

        Response locked = api.post(tenant.path("/users/" + member.id() + "/lock"), tenant.adminToken(), "{}");
        assertThat(locked.status()).as(locked.raw()).isIn(200, 204);
        assertThat(api.get("/api/v1/me", member.token()).status()).isEqualTo(401);
    }

    @Test
    void theCounterSurvivesATimedUnlockSoTheNextFailureLocksAgainAndOnlySuccessResetsIt() {
        var member = fixtures.member(tenant, "omar");
        for (int i = 0; i < 5; i++) {
            fixtures.login(tenant, "omar", WRONG);
        }
        fixtures.lockRunsOut(member.id());

        assertThat(fixtures.login(tenant, "omar", WRONG).status()).isEqualTo(401);
        assertThat(fixtures.failedLogins(member.id())).isEqualTo(6);
        assertThat(fixtures.lockedNow(member.id())).isTrue();
        assertThat(fixtures.events(tenant.id(), member.id(), "LOCKED_OUT")).isEqualTo(2);

        fixtures.lockRunsOut(member.id());
        assertThat(fixtures.login(tenant, "omar", PASSWORD).status()).isEqualTo(200);
        assertThat(fixtures.failedLogins(member.id())).isZero();
        assertThat(fixtures.lockedNow(member.id())).isFalse();
        assertThat(fixtures.login(tenant, "omar", WRONG).status()).isEqualTo(401);
        assertThat(fixtures.lockedNow(member.id())).as("one failure after a success does not lock").isFalse();
    }

    @Test
    void theLockLengthAndLimitAreTenantSettings() {
        var member = fixtures.member(tenant, "paula");
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"lockoutPolicy\": {\"maxFailures\": 3, \"lockMinutes\": 60}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            fixtures.login(tenant, "paula", WRONG);
        }
        assertThat(fixtures.lockedNow(member.id())).isTrue();
        long minutes = jdbc.sql("select extract(epoch from locked_until - now()) / 60 from users where id = :id")
                .param("id", java.util.UUID.fromString(member.id())).query(Double.class).single().longValue();
        assertThat(minutes).isBetween(58L, 60L);
    }

    @Test
    void aHundredConsecutiveFailuresLockUntilAnAdministratorUnlocks() {
        var member = fixtures.member(tenant, "quinn");
        fixtures.setFailures(member.id(), 99);

        assertThat(fixtures.login(tenant, "quinn", WRONG).status()).isEqualTo(401);
        assertThat(fixtures.failedLogins(member.id())).isEqualTo(100);
        fixtures.lockRunsOut(member.id());
        assertThat(fixtures.login(tenant, "quinn", PASSWORD).status())
                .as("no timed unlock after the NIST cap").isEqualTo(401);
        assertThat(RecordedLockouts.permanent(jdbc, tenant.id(), member.id())).isTrue();

        Response unlocked = api.post(tenant.path("/users/" + member.id() + "/unlock"), tenant.adminToken(), "{}");
        assertThat(unlocked.status()).as(unlocked.raw()).isEqualTo(200);
        assertThat(fixtures.login(tenant, "quinn", PASSWORD).status()).isEqualTo(200);
    }

    @Test
    void fiftyParallelWrongGuessesCheckAtMostTheLimitAndTheRightPasswordStaysOut() throws Exception {
        var member = fixtures.member(tenant, "rosa");

        List<Response> answers = parallel(50, WRONG);

        assertThat(answers).allMatch(answer -> answer.status() == 401);
        assertThat(fixtures.failures(tenant.id(), member.id(), "WRONG_PASSWORD"))
                .as("passwords actually compared").isEqualTo(5);
        assertThat(fixtures.failedLogins(member.id())).isEqualTo(5);
        assertThat(fixtures.failures(tenant.id(), member.id(), "LOCKED")).isEqualTo(45);

        List<Response> right = parallel(20, PASSWORD);
        assertThat(right).allMatch(answer -> answer.status() == 401);
        assertThat(fixtures.failedLogins(member.id())).isEqualTo(5);
    }

    @Test
    void unknownUserWrongPasswordAndLockedAccountAnswerAlikeInStatusBodyAndTime() {
        var member = fixtures.member(tenant, "sam");
        fixtures.member(tenant, "tess");
        for (int i = 0; i < 5; i++) {
            fixtures.login(tenant, "sam", WRONG);
        }
        assertThat(fixtures.lockedNow(member.id())).isTrue();

        Response unknown = fixtures.login(tenant, "nobody-here", WRONG);
        Response wrong = fixtures.login(tenant, "tess", WRONG);
        Response locked = fixtures.login(tenant, "sam", PASSWORD);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(locked.status()).isEqualTo(401);
        assertThat(wrong.raw()).isEqualTo(unknown.raw());
        assertThat(locked.raw()).isEqualTo(unknown.raw());

        // Every path hashes once: their medians stay within a factor of each other. The three kinds of
        // attempt take turns, round by round, so a busy machine (two test JVMs, other suites) slows
        // each of them alike; each wrong password is another person's, so nobody locks meanwhile.
        int rounds = 7;
        for (int round = 0; round < rounds; round++) {
            fixtures.member(tenant, "tess" + round);
        }
        fixtures.lockRunsOut(member.id());
        jdbc.sql("update users set failed_logins = 0 where id = :id")
                .param("id", java.util.UUID.fromString(member.id())).update();
        for (int i = 0; i < 5; i++) {
            fixtures.login(tenant, "sam", WRONG);
        }
        long[] wrongTimes = new long[rounds];
        long[] unknownTimes = new long[rounds];
        long[] lockedTimes = new long[rounds];
        for (int round = 0; round < rounds; round++) {
            String someone = "tess" + round;
            wrongTimes[round] = timed(() -> fixtures.login(tenant, someone, WRONG));
            unknownTimes[round] = timed(() -> fixtures.login(tenant, "nobody-here", WRONG));
            lockedTimes[round] = timed(() -> fixtures.login(tenant, "sam", PASSWORD));
        }
        long wrongTime = median(wrongTimes);
        assertThat(median(unknownTimes)).isBetween(wrongTime / 4, wrongTime * 4);
        assertThat(median(lockedTimes)).isBetween(wrongTime / 4, wrongTime * 4);
    }

    @Test
    void signInNamesTheMissingFieldAndLockoutIsPerAccountNotPerTenant() {
        Response missing = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "x"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.text("/errors/0/field")).isEqualTo("password");

        fixtures.member(tenant, "uma");
        var other = fixtures.member(tenant, "vic");
        for (int i = 0; i < 5; i++) {
            fixtures.login(tenant, "uma", WRONG);
        }
        assertThat(fixtures.login(tenant, "vic", PASSWORD).status()).isEqualTo(200);
        assertThat(fixtures.failedLogins(other.id())).isZero();
    }

    private List<Response> parallel(int count, String password) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return fixtures.login(tenant, "rosa", password);
                }));
            }
            start.countDown();
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long timed(Runnable attempt) {
        long start = System.nanoTime();
        attempt.run();
        return System.nanoTime() - start;
    }

    private static long median(long[] times) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The audit trail's view of the permanent lock. */
    static final class RecordedLockouts {
        private RecordedLockouts() {}

        static boolean permanent(JdbcClient jdbc, String tenantId, String userId) {
            return jdbc.sql("""
                            select coalesce(bool_or((details ->> 'permanent')::boolean), false) from audit_events
                            where tenant_id = :tenant and action = 'LOCKED_OUT' and target_id = :user
                            """)
                    .param("tenant", java.util.UUID.fromString(tenantId)).param("user", userId)
                    .query(Boolean.class).single();
        }
    }
}
