package dev.gatehouse.server.mail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.gatehouse.server.GatehouseApplication;
import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.OwnServer;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivery to a real SMTP server (GreenMail, in this JVM). This class runs its own application
 * context, configured with that server, beside the shared one of the other ITs (which has none):
 * over its own embedded PostgreSQL, or the same external one. The scheduled poll is pushed an hour
 * out, so the tests drive the worker themselves through {@code deliverDue}.
 */
@SpringBootTest(classes = GatehouseApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MailDeliveryIT {

    private static final int SMTP_PORT = OwnServer.freePort();
    private static final int MAX_ATTEMPTS = 4;
    private static final Pattern LINK = Pattern.compile("https?://\\S+\\?token=(\\S+)");

    private static GreenMail smtp;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        OwnServer.database(registry, "mail");
        registry.add("gatehouse.smtp.host", () -> "127.0.0.1");
        registry.add("gatehouse.smtp.port", () -> SMTP_PORT);
        registry.add("gatehouse.smtp.starttls", () -> false);
        registry.add("gatehouse.smtp.from", () -> "gatehouse@test.example");
        registry.add("gatehouse.mail.initial-delay", () -> "PT1H");
        registry.add("gatehouse.mail.poll-interval", () -> "PT1H");
        registry.add("gatehouse.mail.max-attempts", () -> MAX_ATTEMPTS);
        // Small batches, so that two workers draining the outbox at once take turns claiming.
        registry.add("gatehouse.mail.batch-size", () -> 5);
    }

    @Autowired
    Environment environment;

    @Autowired
    OutboxWorker worker;

    @Autowired
    Outbox outbox;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    ApplicationContext context;

    private ApiClient api;

    @BeforeAll
    static void startSmtp() {
        smtp = startedSmtp();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    @BeforeEach
    void client() {
        api = new ApiClient(Integer.parseInt(environment.getProperty("local.server.port")));
    }

    @Test
    void anInvitationArrivesBrandedWithTheTenantsNameAndItsLinkWorks() throws Exception {
        String slug = "mail-" + UUID.randomUUID().toString().substring(0, 8);
        String address = "first@" + slug + ".example";
        Response created = newTenant(slug, address);

        assertThat(worker.deliverDue()).isGreaterThanOrEqualTo(1);

        List<MimeMessage> received = to(address);
        assertThat(received).hasSize(1);
        MimeMessage mail = received.getFirst();
        assertThat(mail.getSubject()).isEqualTo("You are invited to Riverside Practice " + slug);
        assertThat(mail.getFrom()[0].toString()).isEqualTo("gatehouse@test.example");
        String body = ((String) mail.getContent()).replace("\r\n", "\n");
        assertThat(body).contains("Riverside Practice " + slug).contains(created.text("/admin/invitationUrl"));
        Response accepted = api.post("/api/v1/auth/tokens/accept", null, json("token", tokenIn(body),
                "newPassword", "my own passphrase for the practice"));
        assertThat(accepted.status()).isEqualTo(204);
        assertThat(api.login(slug, "first", "my own passphrase for the practice")).isNotBlank();

        Response listed = api.get("/api/v1/platform/outbox?tenant=" + slug, operator());
        assertThat(listed.text("/items/0/status")).isEqualTo("SENT");
        assertThat(listed.body().path("items").path(0).has("sentAt")).isTrue();
        // Once a server delivers mail, the link is its recipient's alone: operators no longer see bodies.
        Response detail = api.get("/api/v1/platform/outbox/" + listed.text("/items/0/id"), operator());
        assertThat(detail.status()).isEqualTo(200);
        assertThat(detail.body().has("body")).isFalse();
        assertThat(detail.text("/bodyNote")).contains("for the recipient alone");
        // Nor is it kept: the sent message's row holds no text at all, sealed or not.
        assertThat(textsKept(List.of(address))).containsExactly(false);
    }

    @Test
    void mailQueuedWhileTheServerIsDownIsRetriedWithBackoffAndAllArrivesAfterItReturns() throws Exception {
        List<String> addresses = new ArrayList<>();
        smtp.stop();
        try {
            for (int i = 0; i < 3; i++) {
                String slug = "outage-" + UUID.randomUUID().toString().substring(0, 8);
                addresses.add("first@" + slug + ".example");
                newTenant(slug, addresses.getLast());
            }
            // Truncated to what PostgreSQL stores, so that the times read back compare exactly.
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            assertThat(worker.deliverDue(now)).isZero();
            assertThat(rows(addresses)).allSatisfy(row -> {
                assertThat(row.attempts()).isEqualTo(1);
                assertThat(row.lastError()).isNotBlank();
                assertThat(row.sentAt()).isNull();
                assertThat(Duration.between(now, row.nextAttemptAt())).isEqualTo(Duration.ofSeconds(30));
            });

            // Not yet due: nothing is tried before the backoff has passed.
            assertThat(worker.deliverDue(now.plusSeconds(29))).isZero();
            assertThat(rows(addresses)).allSatisfy(row -> assertThat(row.attempts()).isEqualTo(1));

            assertThat(worker.deliverDue(now.plusSeconds(30))).isZero();
            assertThat(rows(addresses)).allSatisfy(row -> {
                assertThat(row.attempts()).isEqualTo(2);
                assertThat(Duration.between(now.plusSeconds(30), row.nextAttemptAt()))
                        .isEqualTo(Duration.ofMinutes(1));
            });
        } finally {
            smtp = startedSmtp();
        }

        assertThat(worker.deliverDue(Instant.now().plus(Duration.ofMinutes(2)))).isGreaterThanOrEqualTo(3);

        for (String address : addresses) {
            assertThat(to(address)).as(address).hasSize(1);
        }
        assertThat(rows(addresses)).allSatisfy(row -> {
            assertThat(row.sentAt()).isNotNull();
            assertThat(row.lastError()).isNull();
        });
        assertThat(textsKept(addresses)).containsExactly(false, false, false);
    }

    @Test
    void afterTheLastAttemptAMessageIsMarkedFailedAndKept() throws Exception {
        TenantId tenant = tenantId(newTenantWithoutMail());
        String address = "never-" + UUID.randomUUID() + "@example.com";
        smtp.stop();
        try {
            enqueue(tenant, List.of(address));
            Instant at = Instant.now();
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                worker.deliverDue(at);
                at = at.plus(OutboxWorker.backoff(attempt));
            }
        } finally {
            smtp = startedSmtp();
        }
        worker.deliverDue(Instant.now().plus(Duration.ofDays(1)));

        Row row = rows(List.of(address)).getFirst();
        assertThat(row.attempts()).isEqualTo(MAX_ATTEMPTS);
        assertThat(row.failedAt()).isNotNull();
        assertThat(row.sentAt()).isNull();
        assertThat(to(address)).isEmpty();
        // Kept sealed, to be tried again.
        assertThat(QueuedMail.in(context).bodies("recipient = :to", java.util.Map.of("to", address)))
                .containsExactly("Hello " + address);
        Response failed = api.get("/api/v1/platform/outbox?status=FAILED&tenant=" + tenant.value(), operator());
        assertThat(failed.body().path("total").asInt()).isEqualTo(1);
        assertThat(failed.text("/items/0/lastError")).isNotBlank();
    }

    @Test
    void twoWorkersRunningAtOnceNeverSendAMessageTwice() throws Exception {
        TenantId tenant = tenantId(newTenantWithoutMail());
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            addresses.add("parallel-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com");
        }
        enqueue(tenant, addresses);

        CountDownLatch start = new CountDownLatch(1);
        int total = 0;
        try (ExecutorService workers = Executors.newFixedThreadPool(2)) {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                runs.add(workers.submit(() -> {
                    start.await();
                    return worker.deliverDue();
                }));
            }
            start.countDown();
            for (Future<Integer> run : runs) {
                total += run.get();
            }
        }

        assertThat(total).isGreaterThanOrEqualTo(addresses.size());
        for (String address : addresses) {
            assertThat(to(address)).as(address).hasSize(1);
        }
        assertThat(rows(addresses)).allSatisfy(row -> assertThat(row.attempts()).isEqualTo(1));
    }

    @Test
    void aMessageWhoseTextDoesNotOpenWithThisServersKeyIsFailedAtOnceAndNothingIsSent() throws Exception {
        TenantId tenant = tenantId(newTenantWithoutMail());
        String address = "unreadable-" + UUID.randomUUID() + "@example.com";
        enqueue(tenant, List.of(address));
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        jdbc.sql("update mail_outbox set body_sealed = :sealed where recipient = :to")
                .param("sealed", SecretBox.of(key).seal("anything", "Hello".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .param("to", address).update();

        worker.deliverDue();

        assertThat(to(address)).isEmpty();
        Row row = rows(List.of(address)).getFirst();
        assertThat(row.attempts()).as("failed at its first attempt, not retried").isEqualTo(1);
        assertThat(row.failedAt()).isNotNull();
        assertThat(row.sentAt()).isNull();
        assertThat(row.lastError()).contains("does not open").contains("GATEHOUSE_SECRET_KEY");
        Response failed = api.get("/api/v1/platform/outbox?status=FAILED&tenant=" + tenant.value(), operator());
        assertThat(failed.body().path("total").asInt()).isEqualTo(1);
    }

    @Test
    void aMessageQueuedInClearBeforeV160IsSentAsItIsAndItsTextDropped() throws Exception {
        TenantId tenant = tenantId(newTenantWithoutMail());
        String address = "queued-before-" + UUID.randomUUID() + "@example.com";
        jdbc.sql("""
                        insert into mail_outbox (id, tenant_id, recipient, subject, body, kind)
                        values (:id, :tenant, :to, 'Queued before', 'Hello from before V160', 'NOTICE')
                        """)
                .param("id", UUID.randomUUID()).param("tenant", tenant.value()).param("to", address).update();

        assertThat(worker.deliverDue()).isGreaterThanOrEqualTo(1);

        assertThat(to(address)).singleElement()
                .satisfies(mail -> assertThat(((String) mail.getContent()).strip()).isEqualTo("Hello from before V160"));
        assertThat(textsKept(List.of(address))).containsExactly(false);
    }

    record Row(int attempts, String lastError, Instant nextAttemptAt, Instant sentAt, Instant failedAt) {}

    /** For each message to {@code recipients}: whether its row still holds its text, sealed or in clear. */
    private List<Boolean> textsKept(List<String> recipients) {
        return jdbc.sql("""
                        select body_sealed is not null or body is not null from mail_outbox
                        where recipient in (:recipients)
                        """)
                .param("recipients", recipients).query(Boolean.class).list();
    }

    private List<Row> rows(List<String> recipients) {
        return jdbc.sql("""
                        select attempts, last_error, next_attempt_at, sent_at, failed_at from mail_outbox
                        where recipient in (:recipients)
                        """)
                .param("recipients", recipients)
                .query((rs, n) -> new Row(rs.getInt(1), rs.getString(2),
                        instant(rs.getObject(3, OffsetDateTime.class)), instant(rs.getObject(4, OffsetDateTime.class)),
                        instant(rs.getObject(5, OffsetDateTime.class))))
                .list();
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    private void enqueue(TenantId tenant, List<String> recipients) {
        transactions.executeWithoutResult(status -> recipients.forEach(recipient -> outbox.enqueue(tenant,
                new Outbox.Message(recipient, "Test " + recipient, "Hello " + recipient, Outbox.Kind.NOTICE))));
    }

    private Response newTenant(String slug, String adminAddress) {
        Response created = api.post("/api/v1/tenants", operator(), json("slug", slug, "name",
                "Riverside Practice " + slug, "pack", "clinic", "admin", raw(json("username", "first", "email",
                        adminAddress, "firstName", "First", "lastName", "Admin"))));
        assertThat(created.status()).isEqualTo(201);
        return created;
    }

    /** A tenant whose first admin has no address, so it queues nothing of its own. */
    private String newTenantWithoutMail() {
        String slug = "quiet-" + UUID.randomUUID().toString().substring(0, 8);
        Response created = api.post("/api/v1/tenants", operator(), json("slug", slug, "name", "Quiet " + slug,
                "pack", "clinic", "admin", raw(json("username", "first", "firstName", "First", "lastName", "Admin"))));
        assertThat(created.status()).isEqualTo(201);
        return created.text("/id");
    }

    private static TenantId tenantId(String id) {
        return new TenantId(UUID.fromString(id));
    }

    private String operator() {
        return api.login("platform", IntegrationTest.OPERATOR, IntegrationTest.OPERATOR_PASSWORD);
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

    private static String tokenIn(String body) {
        Matcher link = LINK.matcher(body);
        assertThat(link.find()).as("a link in: %s", body).isTrue();
        return link.group(1);
    }

    private static GreenMail startedSmtp() {
        GreenMail server = new GreenMail(new ServerSetup(SMTP_PORT, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        server.start();
        return server;
    }
}
