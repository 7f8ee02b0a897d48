package dev.gatehouse.server.throttling;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.shared.ServiceUnavailable;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SecondNode;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The throttling scenarios of docs/security.md, "Throttling", over HTTP. The shared test context
 * opens the per-address limits wide (every IT signs in from 127.0.0.1), so the address limits are
 * proved on a second node of the same database with the production defaults, which trusts the
 * loopback proxy's {@code X-Forwarded-For} ({@code server.forward-headers-strategy=native}): the test
 * JVM's shared node ({@link SecondNode#shared}), on which each test comes from an address of its own.
 * Per-account and per-tenant limits are tenant settings, set low on each test's own tenant.
 */
class ThrottlingIT extends IntegrationTest {

    private static final String WRONG = "not the right passphrase at all";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    private static SecondNode node;

    private ApiClient onNode;

    @BeforeEach
    void node() {
        node = SecondNode.shared(dataSource);
        onNode = new ApiClient(node.port());
    }

    @Test
    void threeHundredFailedSignInsFromOneAddressAcrossThirtyUsernamesAreMostlyRefused() throws Exception {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        String address = newAddress();
        long started = System.nanoTime();

        List<Response> answers = parallel(300, i -> post(onNode, address, "/api/v1/auth/login",
                json("tenant", tenant.slug(), "username", "user" + (i % 30), "password", WRONG)));

        double seconds = (System.nanoTime() - started) / 1e9;
        long refused = answers.stream().filter(answer -> answer.status() == 429).count();
        long answered = answers.stream().filter(answer -> answer.status() == 401).count();
        assertThat(refused + answered).isEqualTo(300);
        // 30 at once, then one every two seconds (30 a minute, refilled smoothly).
        assertThat(answered).as("answered in %.1f s", seconds).isLessThanOrEqualTo(30 + (long) Math.ceil(seconds / 2) + 1);
        assertThat(refused).isGreaterThanOrEqualTo(240);
        answers.stream().filter(answer -> answer.status() == 429).forEach(ThrottlingIT::isAProperRefusal);
        assertThat(throttledEvents(tenant.id(), "ADDRESS")).as("one event per limit and window, not per refusal")
                .isEqualTo(1);
        Counter counted = node.bean(MeterRegistry.class).find("gatehouse.throttle.refusals")
                .tags("door", "signIn", "limit", "address").counter();
        assertThat(counted).isNotNull();
        assertThat(counted.count()).isGreaterThanOrEqualTo(refused);
    }

    @Test
    void aClinicsFiftyStaffSigningInFromOneNatAddressAtEightAreNotRefused() throws Exception {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        for (int i = 0; i < 50; i++) {
            TestMembers.member("staff" + i).holding("front_desk").create(api, tenant);
        }
        String address = newAddress();

        // Every fifth person mistypes first: ten failures, fifty successes, all within the minute.
        List<Response> answers = parallel(50, i -> {
            if (i % 5 == 0) {
                Response typo = post(onNode, address, "/api/v1/auth/login",
                        json("tenant", tenant.slug(), "username", "staff" + i, "password", WRONG));
                assertThat(typo.status()).as(typo.raw()).isEqualTo(401);
            }
            return post(onNode, address, "/api/v1/auth/login",
                    json("tenant", tenant.slug(), "username", "staff" + i, "password", TestMembers.PASSWORD));
        });

        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.raw()).isEqualTo(200));
        assertThat(throttledEvents(tenant.id(), null)).isZero();
    }

    @Test
    void aRefusedAttemptIsNotCountedAsAGuessAgainstTheLockout() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        UUID nina = UUID.fromString(TestMembers.member("nina").holding("front_desk").create(api, tenant).id());
        limit(tenant, "signIn", "perAccount", 3, 15);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Response answer = api.post("/api/v1/auth/login", null,
                    json("tenant", tenant.slug(), "username", "NINA", "password", WRONG));
            statuses.add(answer.status());
            if (answer.status() == 429) {
                isAProperRefusal(answer);
            }
        }

        assertThat(statuses).containsExactly(401, 401, 401, 429, 429, 429, 429, 429);
        assertThat(jdbc.sql("select failed_logins from users where id = :id").param("id", nina).query(Integer.class)
                .single()).as("only the three answered attempts were guesses").isEqualTo(3);
        assertThat(jdbc.sql("select locked_until is null from users where id = :id").param("id", nina)
                .query(Boolean.class).single()).isTrue();
        assertThat(events(tenant.id(), "LOGIN_FAILED")).isEqualTo(3);
        assertThat(throttledEvents(tenant.id(), "ACCOUNT")).isEqualTo(1);
        // The right password waits like any other attempt: the account's limit counts the name, not the guess.
        assertThat(api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "nina", "password",
                TestMembers.PASSWORD)).status()).isEqualTo(429);
    }

    @Test
    void anAttemptAnsweredWithOverloadCountsAgainstNoLimit() {
        // The production address limit on the second node: 30 sign-in failures a minute.
        Throttle throttle = node.bean(Throttle.class);
        String address = newAddress();
        Throttle.Attempt attempt = new Throttle.Attempt(Throttle.Door.SIGN_IN, address, null, null, "test");

        for (int i = 0; i < 40; i++) {
            Throttle.Permit permit = throttle.enter(attempt);
            assertThatThrownBy(() -> permit.during(() -> {
                throw new ServiceUnavailable("the database is unavailable or busy; try again", Duration.ofSeconds(5));
            })).isInstanceOf(ServiceUnavailable.class);
        }

        // Forty attempts the database never weighed spent nothing; a real failure still counts.
        throttle.enter(attempt);
    }

    @Test
    void aFloodOfMadeUpBearerTokensFromOneAddressIsRefusedWhileKnownOnesSpendNothing() throws Exception {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        String address = newAddress();
        // The production limit on the second node: 300 unknown tokens a minute per address.
        for (int i = 0; i < 320; i++) {
            assertThat(me(address, tenant.adminToken()).status()).as("a known token spends nothing").isEqualTo(200);
        }

        long started = System.nanoTime();
        List<Response> answers = parallel(400, i -> me(address, "made-up-token-" + i));
        long refilled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) / 200 + 1;

        long unknown = answers.stream().filter(answer -> answer.status() == 401).count();
        long refused = answers.stream().filter(answer -> answer.status() == 429).count();
        // 300, plus what the bucket refilled (a token every 200 ms, greedily) while the flood ran: a bound
        // that follows how long a loaded machine took, not a speed.
        assertThat(unknown).as("looked up and refused as unknown").isLessThanOrEqualTo(300 + refilled);
        assertThat(unknown).as("most of the flood refused").isLessThan(400);
        assertThat(unknown + refused).isEqualTo(400);
        answers.stream().filter(answer -> answer.status() == 429).forEach(ThrottlingIT::isAProperRefusal);
        // Spent: the address is refused before any lookup until the window refills; other addresses are not.
        // Made-up tokens take whatever refilled since the last answer until one is refused, so the known token
        // right after meets the empty bucket — unless the machine stalled for the 200 ms a token takes to
        // refill between the two requests, which a loaded build machine does: then both are asked again.
        Response spent = null;
        for (int attempt = 0; attempt < 20 && (spent == null || spent.status() != 429); attempt++) {
            drain(address);
            spent = me(address, tenant.adminToken());
        }
        assertThat(spent.status()).isEqualTo(429);
        isAProperRefusal(spent);
        assertThat(me(newAddress(), tenant.adminToken()).status()).isEqualTo(200);
    }

    /** Spends whatever the address's bucket refilled: made-up tokens until one is refused (at most 100). */
    private void drain(String address) {
        for (int i = 0; i < 100; i++) {
            if (me(address, "made-up-token-after-the-flood").status() == 429) {
                return;
            }
        }
    }

    @Test
    void anAccountThatDoesNotExistIsCountedLikeOneThatDoes() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.member("nina").holding("front_desk").create(api, tenant);
        limit(tenant, "signIn", "perAccount", 2, 15);

        for (String username : List.of("nina", "nobody-here")) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(api.post("/api/v1/auth/login", null,
                        json("tenant", tenant.slug(), "username", username, "password", WRONG)).status());
            }
            assertThat(statuses).as(username).containsExactly(401, 401, 429);
        }
    }

    @Test
    void aTenantsLimitCountsFailuresOverAllItsAccounts() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        limit(tenant, "signIn", "perTenant", 5, 60);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(api.post("/api/v1/auth/login", null,
                    json("tenant", tenant.slug(), "username", "sprayed" + i, "password", WRONG)).status());
        }

        assertThat(statuses).containsExactly(401, 401, 401, 401, 401, 429, 429, 429);
        assertThat(throttledEvents(tenant.id(), "TENANT")).isEqualTo(1);
        // The admin's right password is a success: it spends nothing, but it waits too while the tenant is over.
        assertThat(api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", SignedInTenant.ADMIN,
                "password", SignedInTenant.ADMIN_PASSWORD)).status()).isEqualTo(429);
    }

    @Test
    void limitsAreSharedByEveryNode() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.member("omar").holding("front_desk").create(api, tenant);
        limit(tenant, "signIn", "perAccount", 4, 15);

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ApiClient client = i % 2 == 0 ? api : onNode;
            statuses.add(post(client, newAddress(), "/api/v1/auth/login",
                    json("tenant", tenant.slug(), "username", "omar", "password", WRONG)).status());
        }

        assertThat(statuses).containsExactly(401, 401, 401, 401, 429, 429, 429, 429);
    }

    @Test
    void aSuccessfulSignInFarFromTheLimitsTouchesNoBucketWhileAFailureIsCounted() throws Exception {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.member("nina").holding("front_desk").create(api, tenant);
        String address = newAddress();

        for (int i = 0; i < 5; i++) {
            Response signedIn = post(onNode, address, "/api/v1/auth/login",
                    json("tenant", tenant.slug(), "username", "nina", "password", TestMembers.PASSWORD));
            assertThat(signedIn.status()).as(signedIn.raw()).isEqualTo(200);
        }
        assertThat(addressBuckets(address)).as("weighed on the node's view, not in the database").isZero();

        assertThat(post(onNode, address, "/api/v1/auth/login",
                json("tenant", tenant.slug(), "username", "nina", "password", WRONG)).status()).isEqualTo(401);
        assertThat(addressBuckets(address)).as("the failure spent a token of the shared bucket").isOne();
    }

    @Test
    void aNodeThatDidNotSeeAnAccountsLimitSpentElsewhereOverdrawsItByAtMostItsSlackAndTheDebtIsOwed() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        // 20 an hour: a node lets at most two attempts through on its own view (a tenth of the limit).
        limit(tenant, "signIn", "perAccount", 20, 60);
        String ghost = json("tenant", tenant.slug(), "username", "ghost", "password", WRONG);

        assertThat(api.post("/api/v1/auth/login", null, ghost).status()).as("the first node sees 19 left").isEqualTo(401);
        List<Integer> second = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            second.add(post(onNode, newAddress(), "/api/v1/auth/login", ghost).status());
        }
        assertThat(second.subList(0, 19)).containsOnly(401);
        assertThat(second.get(19)).as("the second node spent the rest").isEqualTo(429);

        // The first node still believes the bucket far from empty: its next failure is answered, and charged.
        assertThat(api.post("/api/v1/auth/login", null, ghost).status()).isEqualTo(401);
        Response refused = api.post("/api/v1/auth/login", null, ghost);
        assertThat(refused.status()).as("the failure taught the node the bucket is overdrawn").isEqualTo(429);
        isAProperRefusal(refused);
        // Overdrawn by one: two tokens (three minutes each) must refill before the next attempt, not one.
        assertThat(Long.parseLong(refused.http().headers().firstValue("Retry-After").orElseThrow()))
                .isGreaterThan(180);
        assertThat(post(onNode, newAddress(), "/api/v1/auth/login", ghost).status()).isEqualTo(429);
    }

    @Test
    void threeHundredForgotPasswordRequestsInSecondsAreMostlyRefusedAndSendNothing() throws Exception {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        String address = newAddress();

        List<Response> answers = parallel(300, i -> post(onNode, address, "/api/v1/auth/password/forgot",
                json("tenant", tenant.slug(), "username", i % 2 == 0 ? SignedInTenant.ADMIN : "someone" + i)));

        long refused = answers.stream().filter(answer -> answer.status() == 429).count();
        long accepted = answers.stream().filter(answer -> answer.status() == 202).count();
        assertThat(refused + accepted).isEqualTo(300);
        assertThat(refused).isGreaterThanOrEqualTo(270);
        answers.stream().filter(answer -> answer.status() == 429).forEach(ThrottlingIT::isAProperRefusal);
        assertThat(events(tenant.id(), "PASSWORD_RESET_REQUESTED")).as("only accepted requests looked anything up")
                .isLessThanOrEqualTo(accepted);
    }

    @Test
    void threeHundredRegistrationsInSecondsAreMostlyRefusedAndCreateNobody() throws Exception {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        String domain = "clinic-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        assertThat(api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"emailDomains\": [\"" + domain + "\"]}").status()).isEqualTo(200);
        String address = newAddress();

        List<Response> answers = parallel(300, i -> post(onNode, address, "/api/v1/auth/register",
                json("email", "person" + i + "@" + domain, "username", "person" + i, "firstName", "Pat",
                        "lastName", "Person" + i)));

        long refused = answers.stream().filter(answer -> answer.status() == 429).count();
        long accepted = answers.stream().filter(answer -> answer.status() == 202).count();
        assertThat(refused + accepted).isEqualTo(300);
        assertThat(refused).isGreaterThanOrEqualTo(270);
        answers.stream().filter(answer -> answer.status() == 429).forEach(ThrottlingIT::isAProperRefusal);
        long created = jdbc.sql("select count(*) from users where tenant_id = :tenant and username like 'person%'")
                .param("tenant", UUID.fromString(tenant.id())).query(Long.class).single();
        assertThat(created).as("only accepted requests registered anyone").isEqualTo(accepted);
    }

    @Test
    void linkRedemptionAndSecondFactorStepsFromOneAddressAreThrottled() throws Exception {
        String address = newAddress();

        List<Response> links = parallel(100, i -> post(onNode, address, "/api/v1/auth/tokens/accept",
                json("token", "guessed-" + i, "newPassword", "a long and fresh passphrase")));
        List<Response> codes = parallel(100, i -> post(onNode, address, "/api/v1/auth/mfa",
                json("mfaToken", "guessed-" + i, "code", "123456")));

        for (List<Response> answers : List.of(links, codes)) {
            assertThat(answers.stream().filter(answer -> answer.status() == 429).count()).isGreaterThanOrEqualTo(60);
            answers.stream().filter(answer -> answer.status() == 429).forEach(ThrottlingIT::isAProperRefusal);
        }
        assertThat(links).allSatisfy(answer -> assertThat(answer.status()).isIn(400, 429));
        assertThat(codes).allSatisfy(answer -> assertThat(answer.status()).isIn(401, 429));
    }

    @Test
    void limitsAreTenantSettingsWithDefaultsAndRanges() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");

        Response settings = api.get(tenant.path("/settings"), tenant.adminToken());
        assertThat(settings.body().at("/throttling/signIn/perAccount/requests").asInt()).isEqualTo(100);
        assertThat(settings.body().at("/throttling/forgotPassword/perAccount/perMinutes").asInt()).isEqualTo(60);

        Response refused = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"throttling\": {\"signIn\": {\"perTenant\": {\"requests\": 0}}, \"perAddress\": 5}}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.raw()).contains("throttling.signIn.perTenant.requests", "throttling.perAddress");
    }

    @Test
    void guessingTheMetricsTokenFromOneAddressIsRefusedWhileTheScraperSpendsNothing() {
        String address = newAddress();
        // The scraper's own scrapes give their token back: more of them than the limit spend nothing.
        for (int i = 0; i < 12; i++) {
            assertThat(scrape(address, METRICS_TOKEN).status()).isEqualTo(200);
        }

        List<Integer> guesses = new ArrayList<>();
        Response refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Response guess = scrape(address, "a guess at the scrape token " + i);
            guesses.add(guess.status());
            refused = guess.status() == 429 ? guess : null;
        }

        // 10 a minute, refilled smoothly: a slow machine may see one more pass before the refusal.
        assertThat(guesses.subList(0, 10)).containsOnly(401);
        assertThat(refused).as("a guess refused after %s", guesses).isNotNull();
        isAProperRefusal(refused);
        isAProperRefusal(scrape(address, METRICS_TOKEN));
        assertThat(scrape(newAddress(), METRICS_TOKEN).status()).as("another address").isEqualTo(200);
    }

    private static void isAProperRefusal(Response answer) {
        assertThat(answer.http().headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.body().path("status").asInt()).isEqualTo(429);
        long retryAfter = Long.parseLong(answer.http().headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 3600L);
    }

    private void limit(SignedInTenant tenant, String door, String scope, int requests, int perMinutes) {
        Response patched = api.patch(tenant.path("/settings"), tenant.adminToken(),
                "{\"throttling\": {\"" + door + "\": {\"" + scope + "\": {\"requests\": " + requests
                        + ", \"perMinutes\": " + perMinutes + "}}}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
    }

    /** The rows of the sign-in bucket of {@code address} (ids hold the SHA-256 of the address, as Throttle makes them). */
    private long addressBuckets(String address) throws Exception {
        byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                .digest(address.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String digest = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        return jdbc.sql("select count(*) from rate_limit_buckets where id like 'signIn:address:%:' || :digest")
                .param("digest", digest).query(Long.class).single();
    }

    private long events(String tenant, String action) {
        return jdbc.sql("select count(*) from audit_events where tenant_id = :tenant and action = :action")
                .param("tenant", UUID.fromString(tenant)).param("action", action).query(Long.class).single();
    }

    private long throttledEvents(String tenant, String limit) {
        return jdbc.sql("""
                        select count(*) from audit_events where tenant_id = :tenant and action = 'REQUEST_THROTTLED'
                          and (cast(:limit as text) is null or details ->> 'limit' = :limit)
                        """)
                .param("tenant", UUID.fromString(tenant)).param("limit", limit).query(Long.class).single();
    }

    private static Response post(ApiClient client, String address, String path, String body) {
        return client.send(path, null, request -> request.header("Content-Type", "application/json")
                .header("X-Forwarded-For", address).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Response me(String address, String token) {
        return onNode.send("/api/v1/me", token, request -> request.header("X-Forwarded-For", address).GET());
    }

    private Response scrape(String address, String token) {
        return onNode.send("/actuator/prometheus", token, request -> request.header("X-Forwarded-For", address).GET());
    }

    /** An address of the benchmarking range (RFC 2544), one per test, so tests spend no one else's limit. */
    private static String newAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "198." + (18 + random.nextInt(2)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    /** {@code count} requests from ten threads at once, bounded to two minutes. */
    private static List<Response> parallel(int count, IntFunction<Response> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> request.apply(n)));
            }
            List<Response> answers = new ArrayList<>();
            for (Future<Response> future : futures) {
                answers.add(future.get(2, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
