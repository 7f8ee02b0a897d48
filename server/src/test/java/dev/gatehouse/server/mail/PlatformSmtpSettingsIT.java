package dev.gatehouse.server.mail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.gatehouse.server.GatehouseApplication;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.OwnServer;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestDns;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Seed 001, "Admin → System → Notifications": the platform's SMTP server set by an operator over the
 * API, with no GATEHOUSE_SMTP_* in the environment, taken up by the outbox worker without a restart,
 * and a throttled test message to the operator's own address (GreenMail in this JVM). A context of
 * its own: the saved settings are platform-wide, and the shared context's tests need no SMTP server.
 */
@SpringBootTest(classes = GatehouseApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestDns.Configuration.class)
class PlatformSmtpSettingsIT {

    /** A failure's answer comes no sooner than this (a timeout's time; PT10S outside the tests). */
    private static final Duration FAILURE_TIME = Duration.ofSeconds(3);

    private static final int SMTP_PORT = OwnServer.freePort();
    private static final String PATH = "/api/v1/platform/settings/smtp";
    private static final String PASSWORD = "the relay's own password";

    private static GreenMail smtp;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        OwnServer.database(registry, "smtp-settings");
        registry.add("gatehouse.mail.initial-delay", () -> "PT1H");
        registry.add("gatehouse.mail.poll-interval", () -> "PT1H");
        // The test relays run on this machine: allowed as an operator allows an internal relay.
        registry.add("gatehouse.smtp.allow", () -> "127.0.0.1/32");
        registry.add("gatehouse.smtp.test-failure-time", FAILURE_TIME::toString);
    }

    @Autowired
    TestDns dns;

    @Autowired
    Environment environment;

    @Autowired
    OutboxWorker worker;

    @Autowired
    Outbox outbox;

    @Autowired
    SmtpSettings settings;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    TenantDirectory tenants;

    @Autowired
    ApplicationContext context;

    private ApiClient api;

    @BeforeAll
    static void startSmtp() {
        smtp = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @BeforeEach
    void client() {
        api = new ApiClient(Integer.parseInt(environment.getProperty("local.server.port")));
    }

    @AfterEach
    void forgetSettings() {
        // Platform-wide: with -Pexternal-db the shared context reads the same row.
        jdbc.sql("delete from platform_smtp_settings").update();
        settings.changed();
    }

    @Test
    void anOperatorSetsTheServerAndTheOutboxSendsThroughItWithoutARestart() throws Exception {
        String operator = superAdmin("smtp-ops-" + suffix());
        Response before = api.get(PATH, operator);
        assertThat(before.status()).isEqualTo(200);
        assertThat(before.body().path("configured").asBoolean()).isFalse();
        assertThat(before.body().path("fromEnvironment").size()).isZero();

        Response saved = api.put(PATH, operator, json("host", "127.0.0.1", "port", SMTP_PORT, "tls", "NONE",
                "username", "relay-user", "password", PASSWORD, "from", "notifications@platform.example"));

        assertThat(saved.status()).as(saved.raw()).isEqualTo(200);
        assertThat(saved.body().path("configured").asBoolean()).isTrue();
        assertThat(saved.body().path("passwordSet").asBoolean()).isTrue();
        assertThat(saved.raw()).doesNotContain(PASSWORD);
        byte[] sealed = jdbc.sql("select password_sealed from platform_smtp_settings").query(byte[].class).single();
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
        String trail = jdbc.sql("""
                        select details::text from audit_events where tenant_id = :platform
                          and action = 'PLATFORM_SMTP_SETTINGS_CHANGED' order by seq desc limit 1
                        """)
                .param("platform", platform().value()).query(String.class).single();
        assertThat(trail).contains("127.0.0.1").contains("\"passwordChanged\": true").doesNotContain(PASSWORD);

        // Leaving the password out keeps it; the view never shows it.
        Response kept = api.put(PATH, operator, json("host", "127.0.0.1", "port", SMTP_PORT, "tls", "NONE",
                "from", "notifications@platform.example"));
        assertThat(kept.body().path("passwordSet").asBoolean()).isTrue();
        assertThat(kept.body().path("username").isString()).as("cleared: " + kept.raw()).isFalse();

        String address = "patient-" + suffix() + "@clinic.example";
        transactions.executeWithoutResult(status -> outbox.enqueue(platform(),
                new Outbox.Message(address, "hello", "a message", Outbox.Kind.NOTICE)));
        assertThat(worker.deliverDue()).isGreaterThanOrEqualTo(1);
        List<MimeMessage> received = to(address);
        assertThat(received).hasSize(1);
        assertThat(received.getFirst().getFrom()[0].toString()).isEqualTo("notifications@platform.example");
    }

    @Test
    void theTestMailReachesTheOperatorsOwnAddressAndIsThrottledWithRetryAfter() throws Exception {
        String name = "smtp-test-" + suffix();
        String operator = superAdmin(name);
        assertThat(api.put(PATH, operator, json("host", "127.0.0.1", "port", SMTP_PORT, "tls", "NONE")).status())
                .isEqualTo(200);

        Response sent = api.post(PATH + "/test", operator, "{}");

        assertThat(sent.status()).as(sent.raw()).isEqualTo(200);
        assertThat(sent.body().path("delivered").asBoolean()).isTrue();
        assertThat(sent.text("/recipient")).isEqualTo(name + "@platform.example");
        assertThat(to(name + "@platform.example")).singleElement()
                .satisfies(mail -> assertThat(mail.getSubject()).isEqualTo(TestMail.SUBJECT));
        for (int i = 1; i < 5; i++) {
            assertThat(api.post(PATH + "/test", operator, "{}").status()).isEqualTo(200);
        }
        Response refused = api.post(PATH + "/test", operator, "{}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.http().headers().firstValue("Retry-After")).isPresent()
                .hasValueSatisfying(seconds -> assertThat(Long.parseLong(seconds)).isPositive());
        assertThat(to(name + "@platform.example")).hasSize(5);
    }

    @Test
    void aClosedPortAndAServerWithABannerAreReportedInTheSameWordsNoSoonerThanATimeout() throws Exception {
        String operator = superAdmin("smtp-down-" + suffix());
        int nothingListens = OwnServer.freePort();
        assertThat(api.put(PATH, operator, json("host", "127.0.0.1", "port", nothingListens, "tls", "NONE")).status())
                .isEqualTo(200);

        long started = System.nanoTime();
        Response sent = api.post(PATH + "/test", operator, "{}");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(sent.status()).isEqualTo(200);
        assertThat(sent.body().path("delivered").asBoolean()).isFalse();
        assertThat(sent.text("/serverMessage")).isEqualTo(TestMail.NOT_DELIVERED);
        assertThat(took).as("a closed port answers as late as a filtered one would").isGreaterThanOrEqualTo(FAILURE_TIME);

        // Something that is not a mail server, speaking first: its banner is never echoed.
        try (ServerSocket banner = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Thread talker = Thread.ofVirtual().start(() -> {
                try (Socket socket = banner.accept()) {
                    socket.getOutputStream().write("554 internal-db-7 PostgreSQL secret banner\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                } catch (IOException ignored) {
                    // the test's own assertions say what matters
                }
            });
            assertThat(api.put(PATH, operator, json("host", "127.0.0.1", "port", banner.getLocalPort(), "tls",
                    "NONE")).status()).isEqualTo(200);
            Response bannered = api.post(PATH + "/test", operator, "{}");
            assertThat(bannered.text("/serverMessage")).isEqualTo(TestMail.NOT_DELIVERED);
            assertThat(bannered.raw()).doesNotContain("internal-db-7").doesNotContain("PostgreSQL");
            talker.join(Duration.ofSeconds(5));
        }
        String trail = jdbc.sql("""
                        select details::text from audit_events where tenant_id = :platform
                          and action = 'PLATFORM_SMTP_TEST_MAIL' order by seq desc limit 1
                        """)
                .param("platform", platform().value()).query(String.class).single();
        assertThat(trail).contains("\"delivered\": false");
    }

    @Test
    void aRelayMustPassTheAddressRulesUnlessTheOperatorAllowsItWhenSavedAndAgainWhenUsed() {
        String operator = superAdmin("smtp-rules-" + suffix());
        for (String host : List.of("10.0.0.5", "169.254.169.254", "localhost", "192.168.1.1", "[::1]")) {
            Response refused = api.put(PATH, operator, json("host", host, "port", 25, "tls", "NONE"));
            assertThat(refused.status()).as(host).isEqualTo(400);
            assertThat(refused.text("/errors/0/field")).isEqualTo("host");
            assertThat(refused.text("/errors/0/message")).contains("GATEHOUSE_SMTP_ALLOW");
        }
        assertThat(jdbc.sql("select count(*) from platform_smtp_settings").query(Long.class).single()).isZero();
        assertThat(api.put(PATH, operator, json("host", "127.0.0.1", "port", SMTP_PORT, "tls", "NONE")).status())
                .as("allowed by GATEHOUSE_SMTP_ALLOW").isEqualTo(200);

        // A public name at save time that points inside later (DNS rebinding): refused before connecting.
        dns.answer("relay.example", "93.184.215.14");
        assertThat(api.put(PATH, operator, json("host", "relay.example", "port", 2525, "tls", "NONE")).status())
                .isEqualTo(200);
        dns.answer("relay.example", "10.0.0.7");
        Response sent = api.post(PATH + "/test", operator, "{}");
        assertThat(sent.body().path("delivered").asBoolean()).isFalse();
        assertThat(sent.text("/serverMessage")).contains("refused by the address rules", "10.0.0.7");
    }

    @Test
    void theConnectionGoesToTheAddressCheckedNotToASecondDnsAnswer() throws Exception {
        String operator = superAdmin("smtp-pinned-" + suffix());
        // Only the guard's DNS knows this name (this machine's resolver does not): a message reaches the
        // relay only if the connection uses the address the guard checked, not a second lookup of the name.
        dns.answer("relay.test", "127.0.0.1");
        assertThat(api.put(PATH, operator, json("host", "relay.test", "port", SMTP_PORT, "tls", "NONE",
                "from", "notifications@platform.example")).status()).isEqualTo(200);

        String address = "pinned-" + suffix() + "@clinic.example";
        transactions.executeWithoutResult(status -> outbox.enqueue(platform(),
                new Outbox.Message(address, "hello", "a message", Outbox.Kind.NOTICE)));
        assertThat(worker.deliverDue()).isGreaterThanOrEqualTo(1);

        assertThat(to(address)).hasSize(1);
    }

    @Test
    void badInputIsA400NamingEachFieldAndWritesNothing() {
        String operator = superAdmin("smtp-bad-" + suffix());

        Response refused = api.put(PATH, operator, "{\"host\": \"smtp://relay\", \"port\": 70000, \"tls\": \"SSL\","
                + " \"from\": \"not an address\", \"password\": 5, \"relay\": true}");

        assertThat(refused.status()).isEqualTo(400);
        List<String> fields = new ArrayList<>();
        refused.body().path("errors").forEach(error -> fields.add(error.path("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("relay", "host", "port", "tls", "from", "password");
        assertThat(jdbc.sql("select count(*) from platform_smtp_settings").query(Long.class).single()).isZero();
    }

    @Test
    void aPlatformAdminWithoutPlatformSettingsAndTenantAdminsAreRefused() {
        String suffix = suffix();
        String platformAdmin = operatorWithRole("smtp-admin-" + suffix, "ADMIN");
        SignedInTenant clinic = TestTenants.tenant("clinic").create(api, superAdmin("smtp-maker-" + suffix));

        for (String token : List.of(platformAdmin, clinic.adminToken())) {
            assertThat(api.get(PATH, token).status()).isEqualTo(403);
            assertThat(api.put(PATH, token, json("host", "evil.example")).status()).isEqualTo(403);
            assertThat(api.post(PATH + "/test", token, "{}").status()).isEqualTo(403);
        }
        assertThat(api.get(PATH, platformAdmin).text("/detail")).contains("platform.settings");
        assertThat(jdbc.sql("select count(*) from platform_smtp_settings").query(Long.class).single()).isZero();
    }

    private String superAdmin(String username) {
        return operatorWithRole(username, "SUPER_ADMIN");
    }

    /** A platform operator holding {@code role}, with an address of their own at platform.example. */
    private String operatorWithRole(String username, String role) {
        TestMembers.platformOperator(context, username, role, username + "@platform.example");
        return api.login("platform", username, TestMembers.PASSWORD);
    }

    private TenantId platform() {
        return tenants.idOf("platform").orElseThrow();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static List<MimeMessage> to(String address) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            if (message.getRecipients(Message.RecipientType.TO)[0].toString().equals(address)) {
                found.add(message);
            }
        }
        return found;
    }
}
