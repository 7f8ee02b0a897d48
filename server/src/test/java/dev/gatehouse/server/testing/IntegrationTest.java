package dev.gatehouse.server.testing;

import dev.gatehouse.server.GatehouseApplication;
import dev.gatehouse.server.identityproviders.TestProtocols;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of every *IT: the whole application on a random port over the suite's database (embedded,
 * or the external server with -Pexternal-db). One context is shared by all ITs; each test makes
 * its own tenant, so tests never see each other's data.
 */
@SpringBootTest(classes = GatehouseApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import({TestClock.Configuration.class, TestDns.Configuration.class, TestProtocols.class})
public abstract class IntegrationTest {

    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "operator-password-for-tests-only";
    /** The scrape token of the tests' Prometheus (GATEHOUSE_METRICS_TOKEN). */
    public static final String METRICS_TOKEN = "metrics-scrape-token-for-tests-only-0123456789";

    @Autowired
    protected Environment environment;

    @Autowired
    protected ApplicationContext context;

    protected ApiClient api;

    private static Path archiveDirectory;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        String external = TestDatabase.externalUrl();
        if (external != null) {
            registry.add("gatehouse.db.url", () -> external);
            registry.add("gatehouse.db.user", TestDatabase::user);
            registry.add("gatehouse.db.password", TestDatabase::password);
        }
        // The embedded database's folder, and in every mode the generated secret key's (never ./data of the checkout).
        registry.add("gatehouse.data-dir", () -> TestDatabase.dataDirectory().toString());
        // The nightly purge never runs by itself in a test; tests call it. Archives go to a folder of the run.
        registry.add("gatehouse.audit.purge-cron", () -> "-");
        // Nor do the inactivity rule and the access reviews' due-date job (issue 13): tests move the clock.
        registry.add("gatehouse.users.inactivity-cron", () -> "-");
        registry.add("gatehouse.access-reviews.cron", () -> "-");
        // Nor does the LDAP sync's schedule (issue 15): LdapIT calls it.
        registry.add("gatehouse.ldap.sync-cron", () -> "-");
        // Nor do the monthly compliance reports (issue 16): ComplianceReportsIT calls them with the clock set.
        registry.add("gatehouse.reports.cron", () -> "-");
        registry.add("gatehouse.audit.archive-dir", () -> archiveDirectory().toString());
        registry.add("gatehouse.admin.username", () -> OPERATOR);
        registry.add("gatehouse.admin.password", () -> OPERATOR_PASSWORD);
        // Every IT signs in from 127.0.0.1, the lockout tests hundreds of times: the per-address limits
        // (a server setting) are wide here. ThrottlingIT proves the production ones on a node of its own;
        // the per-account and per-tenant limits (tenant settings) keep their defaults everywhere.
        for (String door : List.of("sign-in", "second-factor", "forgot-password", "registration", "token-redemption",
                "metrics", "bearer")) {
            registry.add("gatehouse.throttle.address." + door, () -> "1000000/PT1M");
        }
        // Test receivers listen on 127.0.0.1 under this name; the guard refuses every other internal address.
        registry.add("gatehouse.outbound.allow", () -> TestDns.RECEIVER);
        registry.add("gatehouse.metrics.token", () -> METRICS_TOKEN);
        cheapPasswordHashing(registry::add);
    }

    /**
     * Argon2id at 64 KiB and one pass instead of 16 MB and two: the suite signs in thousands of
     * times, and the hashing's cost is not what it tests. PasswordsTest checks the production cost.
     */
    public static void cheapPasswordHashing(java.util.function.BiConsumer<String, java.util.function.Supplier<Object>> add) {
        add.accept("gatehouse.passwords.argon2.memory-kib", () -> "64");
        add.accept("gatehouse.passwords.argon2.iterations", () -> "1");
        idleConnectionsReturned(add);
    }

    /**
     * A test JVM keeps several contexts open (Spring's context cache) and the external-db suite runs two
     * JVMs against one server with PostgreSQL's default {@code max_connections} of 100: a context that
     * waits in the cache gives its idle connections back within 10 s instead of holding its whole pool.
     */
    public static void idleConnectionsReturned(java.util.function.BiConsumer<String, java.util.function.Supplier<Object>> add) {
        add.accept("gatehouse.db.minimum-idle", () -> "1");
        add.accept("gatehouse.db.idle-timeout", () -> "10s");
    }

    /** Where this test JVM's retention purges write their archives (gatehouse.audit.archive-dir). */
    public static synchronized Path archiveDirectory() {
        if (archiveDirectory == null) {
            try {
                archiveDirectory = Files.createTempDirectory("gatehouse-audit-archive-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return archiveDirectory;
    }

    @BeforeEach
    void client() {
        api = new ApiClient(port());
    }

    protected int port() {
        return Integer.parseInt(environment.getProperty("local.server.port"));
    }

    protected String operatorToken() {
        return api.login("platform", OPERATOR, OPERATOR_PASSWORD);
    }

    /** A slug no other test uses. */
    protected static String uniqueSlug(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
