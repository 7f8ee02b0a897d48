package dev.gatehouse.server.testing;

import dev.gatehouse.server.GatehouseApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the ITs that need a server of their own ({@link OwnServer}) which sends mail over SMTP to
 * {@link #SMTP_PORT} of 127.0.0.1 (the outbox polled every second) and writes its links from a
 * configured {@link #PUBLIC_URL}, with the alert webhooks' worker driven by the tests. Every such
 * class shares one context (Spring caches it by these same properties), so a suite run starts one
 * server and one embedded PostgreSQL for all of them, not one each. Each test makes its own tenant
 * and reads only its own mail.
 */
@SpringBootTest(classes = GatehouseApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(TestDns.Configuration.class)
public abstract class MailingServer {

    /** Where the server sends mail: a test that reads it runs its SMTP server (GreenMail) there. */
    protected static final int SMTP_PORT = OwnServer.freePort();
    /** {@code GATEHOUSE_PUBLIC_URL} with a path, configured with a trailing slash that links must not repeat. */
    protected static final String PUBLIC_URL = "https://id.clinic.example/gatehouse";
    /** The webhook worker's attempts at one delivery before it gives up. */
    protected static final int WEBHOOK_MAX_ATTEMPTS = 3;

    @DynamicPropertySource
    static void mailingServer(DynamicPropertyRegistry registry) {
        OwnServer.database(registry, "mailing");
        registry.add("gatehouse.smtp.host", () -> "127.0.0.1");
        registry.add("gatehouse.smtp.port", () -> SMTP_PORT);
        registry.add("gatehouse.smtp.starttls", () -> false);
        // The outbox worker polls every second and the tests that read mail wait for it.
        registry.add("gatehouse.mail.initial-delay", () -> "PT1S");
        registry.add("gatehouse.mail.poll-interval", () -> "PT1S");
        // The webhook worker's poll is pushed an hour out: AlertDeliveryIT drives it and moves its clock.
        registry.add("gatehouse.alerts.webhook.initial-delay", () -> "PT1H");
        registry.add("gatehouse.alerts.webhook.poll-interval", () -> "PT1H");
        registry.add("gatehouse.alerts.webhook.max-attempts", () -> WEBHOOK_MAX_ATTEMPTS);
        registry.add("gatehouse.public-url", () -> PUBLIC_URL + "/");
        // Receivers on 127.0.0.1 are reached by a name the operator allows; nothing else internal is.
        registry.add("gatehouse.outbound.allow", () -> TestDns.RECEIVER);
    }
}
