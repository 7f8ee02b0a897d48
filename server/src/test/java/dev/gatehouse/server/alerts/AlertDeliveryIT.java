package dev.gatehouse.server.alerts;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.MailingServer;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestDns;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alert delivery end to end: the e-mail reaches a real SMTP server (GreenMail) for the tenant's
 * admins only, and the webhook reaches a receiver on 127.0.0.1 signed, retried after a failure and
 * given up after the last attempt. A context of its own with SMTP configured ({@link MailingServer}); the
 * webhook worker's poll is pushed an hour out, so the tests drive it and move its clock.
 */
class AlertDeliveryIT extends MailingServer {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static GreenMail smtp;

    /** One call the receiver took. */
    record Received(String timestamp, String signature, String delivery, String body) {}

    @Autowired
    Environment environment;
    @Autowired
    WebhookWorker webhooks;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    AlertEvaluator evaluator;
    @Autowired
    TestDns dns;

    private ApiClient api;
    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Integer> answers = new ConcurrentLinkedQueue<>();
    private volatile String redirectTo = "";

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
    void start() throws IOException {
        api = new ApiClient(Integer.parseInt(environment.getProperty("local.server.port")));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestHeaders().getFirst("X-Gatehouse-Timestamp"),
                    exchange.getRequestHeaders().getFirst("X-Gatehouse-Signature"),
                    exchange.getRequestHeaders().getFirst("X-Gatehouse-Delivery"), body));
            Integer status = answers.poll();
            if (status != null && status == 302) {
                exchange.getResponseHeaders().add("Location", redirectTo);
            }
            exchange.sendResponseHeaders(status == null ? 204 : status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    @Test
    void theAlertMailReachesTheTenantWideAdminsOnlyAndSaysWhatWhenWhoAndWhere() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operator(), "clinic");
        String owner = user(clinic, "owner.ola", "owner");
        user(clinic, "dr.max", "provider");
        user(clinic, "manager.meg", "manager");

        breakGlass(clinic, "dr.max", "777");
        awaitOutboxSent(clinic);
        assertThat(jdbc.sql("""
                        select count(*) from mail_outbox
                        where tenant_id = :tenant and (body_sealed is not null or body is not null)
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single())
                .as("a sent message's text is not kept").isZero();

        // Granting owner and manager alerted too (adminRoleGranted); this test reads the break-glass alert.
        List<MimeMessage> alerts = new ArrayList<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            if (message.getSubject().contains(clinic.slug() + " alert: dr.max used break-glass")) {
                alerts.add(message);
            }
        }
        assertThat(alerts).hasSize(1);
        MimeMessage alert = alerts.getFirst();
        assertThat(alert.getRecipients(Message.RecipientType.TO)[0].toString()).isEqualTo(owner);
        assertThat(alert.getSubject()).isEqualTo("Tenant " + clinic.slug() + " alert: dr.max used break-glass access to"
                + " patient 777");
        String body = ((String) alert.getContent()).replace("\r\n", "\n");
        assertThat(body).contains("What: dr.max used break-glass access to patient 777")
                .contains("Who:  dr.max")
                .contains("From: 127.0.0.1")
                .contains("When: 20")
                .contains(PUBLIC_URL + "/api/v1/tenants/" + clinic.slug() + "/audit?from=");
    }

    @Test
    void theWebhookIsSignedRetriedAfterAFailureAndThenDelivered() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operator(), "clinic");
        String secret = webhook(clinic);
        user(clinic, "dr.nia", "provider");
        answers.add(500);

        breakGlass(clinic, "dr.nia", "888");
        Instant now = Instant.now();
        assertThat(webhooks.deliverDue(now)).isZero();
        // Not due again before its backoff.
        assertThat(webhooks.deliverDue(now.plusSeconds(5))).isZero();
        assertThat(webhooks.deliverDue(now.plus(WebhookWorker.FIRST_RETRY).plusSeconds(1))).isEqualTo(1);

        assertThat(received).hasSize(2);
        Received delivered = received.get(1);
        assertThat(delivered.delivery()).isEqualTo(received.getFirst().delivery());
        assertThat(delivered.signature()).isEqualTo(expectedSignature(secret, delivered.timestamp(), delivered.body()));
        assertThat(Math.abs(Long.parseLong(delivered.timestamp()) - Instant.now().getEpochSecond())).isLessThan(300);
        JsonNode alert = JSON.readTree(delivered.body());
        assertThat(alert.get("type").asString()).isEqualTo("ALERT_RAISED");
        assertThat(alert.get("rule").asString()).isEqualTo("breakGlass");
        assertThat(alert.at("/tenant/slug").asString()).isEqualTo(clinic.slug());
        assertThat(alert.at("/event/target").asString()).isEqualTo("patient:888");
        assertThat(alert.at("/event/actor").asString()).isEqualTo("dr.nia");
        assertThat(jdbc.sql("""
                        select count(*) from alert_webhook_deliveries
                        where tenant_id = :tenant and delivered_at is not null and attempts = 2
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(1);
        assertThat(webhooks.deliverDue(now.plus(Duration.ofHours(2)))).isZero();
        assertThat(received).hasSize(2);
    }

    @Test
    void theWebhookIsGivenUpAfterTheLastAttemptAndThatIsAudited() {
        SignedInTenant clinic = SignedInTenant.create(api, operator(), "clinic");
        webhook(clinic);
        user(clinic, "dr.oz", "provider");
        for (int i = 0; i < WEBHOOK_MAX_ATTEMPTS + 1; i++) {
            answers.add(500);
        }

        breakGlass(clinic, "dr.oz", "999");
        Instant now = Instant.now();
        for (int hour = 0; hour <= WEBHOOK_MAX_ATTEMPTS; hour++) {
            webhooks.deliverDue(now.plus(Duration.ofHours(hour)));
        }

        assertThat(received).hasSize(WEBHOOK_MAX_ATTEMPTS);
        List<RecordedAudit.Event> failed = RecordedAudit.of(jdbc, clinic.id(), "ALERT_WEBHOOK_FAILED");
        assertThat(failed).hasSize(1);
        assertThat(failed.getFirst().details().get("attempts").asInt()).isEqualTo(WEBHOOK_MAX_ATTEMPTS);
        assertThat(failed.getFirst().details().get("lastError").asString()).isEqualTo("HTTP 500");
        assertThat(failed.getFirst().details().get("webhook").asString()).startsWith("http://" + TestDns.RECEIVER + ":");
        // The give-up is audited, and raises no alert of its own.
        evaluator.awaitEvaluated();
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "ALERT_RAISED")).hasSize(1);
    }

    @Test
    void aHostWhoseDnsNowAnswersLoopbackIsRefusedAtSendTimeAndTheLocalServerHearsNothing() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operator(), "clinic");
        String host = "rebind-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        dns.answer(host, "93.184.215.14");
        try (ServerSocket local = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            local.setSoTimeout(300);
            Response saved = api.put(clinic.path("/alerts"), clinic.adminToken(), json("webhook", raw(json("url",
                    "https://" + host + ":" + local.getLocalPort() + "/hook", "enabled", true))));
            assertThat(saved.status()).as(saved.raw()).isEqualTo(200);
            // After the save the name rebinds to this machine, where a local server listens on the webhook's port.
            dns.answer(host, "127.0.0.1");
            user(clinic, "dr.rex", "provider");

            breakGlass(clinic, "dr.rex", "111");
            assertThat(webhooks.deliverDue(Instant.now())).isZero();

            assertThatThrownBy(local::accept).as("no connection reached 127.0.0.1")
                    .isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(jdbc.sql("""
                        select last_error from alert_webhook_deliveries where tenant_id = :tenant and delivered_at is null
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query(String.class).single())
                .isEqualTo("refused: the URL resolves to 127.0.0.1, a loopback address");
    }

    @Test
    void aRedirectFromAnAllowedReceiverIsAFailedDeliveryAndIsNotFollowed() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operator(), "clinic");
        webhook(clinic);
        user(clinic, "dr.ray", "provider");
        try (ServerSocket elsewhere = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            elsewhere.setSoTimeout(300);
            redirectTo = "http://" + TestDns.RECEIVER + ":" + elsewhere.getLocalPort() + "/stolen";
            answers.add(302);

            breakGlass(clinic, "dr.ray", "222");
            assertThat(webhooks.deliverDue(Instant.now())).isZero();

            assertThat(received).hasSize(1);
            assertThatThrownBy(elsewhere::accept).as("the redirect was not followed")
                    .isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(jdbc.sql("""
                        select last_error from alert_webhook_deliveries where tenant_id = :tenant and delivered_at is null
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query(String.class).single()).isEqualTo("HTTP 302");
    }

    /** Sets the webhook to this test's receiver; returns the secret shown once. */
    private String webhook(SignedInTenant clinic) {
        Response saved = api.put(clinic.path("/alerts"), clinic.adminToken(), json("webhook", raw(json("url",
                "http://" + TestDns.RECEIVER + ":" + receiver.getAddress().getPort() + "/hook", "enabled", true))));
        assertThat(saved.status()).as(saved.raw()).isEqualTo(200);
        return saved.text("/webhook/secret");
    }

    private String user(SignedInTenant clinic, String username, String role) {
        String email = username + "@" + clinic.slug() + ".example";
        Response created = api.post(clinic.path("/users"), clinic.adminToken(), json("username", username, "firstName",
                "First", "lastName", "Last", "email", email, "password", "handed over by the admin 12345", "roles",
                raw("[" + json("role", role) + "]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return email;
    }

    private void breakGlass(SignedInTenant clinic, String user, String patient) {
        Response recorded = api.post(clinic.path("/audit/events"), clinic.adminToken(), json("action",
                "BREAK_GLASS_ACCESS", "user", user, "resource", raw(json("type", "patient", "id", patient))));
        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        evaluator.awaitEvaluated();
    }

    /** Waits (at most a minute) until the worker has sent every message the tenant queued. */
    private void awaitOutboxSent(SignedInTenant clinic) throws InterruptedException {
        for (int i = 0; i < 600 && pending(clinic) > 0; i++) {
            Thread.sleep(100);
        }
        assertThat(pending(clinic)).as("messages still queued").isZero();
    }

    private long pending(SignedInTenant clinic) {
        return jdbc.sql("select count(*) from mail_outbox where tenant_id = :tenant and sent_at is null")
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single();
    }

    /** Computed here as a receiver would, not through the server's own code. */
    private static String expectedSignature(String secret, String timestamp, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
    }

    private String operator() {
        return api.login("platform", IntegrationTest.OPERATOR, IntegrationTest.OPERATOR_PASSWORD);
    }
}
