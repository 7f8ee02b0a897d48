package dev.gatehouse.server.alerts;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.outbound.OutboundHttp;
import dev.gatehouse.server.outbound.RefusedDestination;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends alerts to the tenants' webhooks, away from any request. Every node runs it: a delivery is
 * claimed with {@code for update skip locked} and leased while it is sent, so two workers never
 * take the same one. A call that fails (no answer within the timeouts, or a status other than
 * 2xx) is retried with backoff (30 s doubling, at most 1 h apart); after the last attempt it is
 * marked failed, kept, and recorded as {@code ALERT_WEBHOOK_FAILED} in the tenant's trail.
 */
@Component
class WebhookWorker {

    static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    static final Duration LONGEST_RETRY = Duration.ofHours(1);
    static final Duration CONNECT_TIMEOUT = OutboundHttp.CONNECT_TIMEOUT;
    static final Duration RESPONSE_TIMEOUT = OutboundHttp.RESPONSE_TIMEOUT;
    private static final int MAX_ERROR_LENGTH = 500;

    private static final Logger log = LoggerFactory.getLogger(WebhookWorker.class);

    /** A claimed delivery; {@code attempts} counts this one. */
    record Claimed(TenantId tenant, UUID id, UUID alert, String url, String body, int attempts) {}

    private final JdbcClient jdbc;
    private final AlertSettings settings;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final int maxAttempts;
    private final int batchSize;
    private final Duration lease;
    // The guard checks the URL again before every call (DNS may have changed since it was saved) and the
    // call goes to the checked address; redirects are not followed: the signed call goes where the tenant
    // said, or fails.
    private final OutboundHttp http;

    WebhookWorker(JdbcClient jdbc, AlertSettings settings, AuditLog audit, PlatformTransactionManager transactions,
            Clock clock, OutboundHttp http, @Value("${gatehouse.alerts.webhook.max-attempts:8}") int maxAttempts,
            @Value("${gatehouse.alerts.webhook.batch-size:20}") int batchSize) {
        this.jdbc = jdbc;
        this.settings = settings;
        this.audit = audit;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.http = http;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.batchSize = Math.max(1, batchSize);
        this.lease = CONNECT_TIMEOUT.plus(RESPONSE_TIMEOUT).multipliedBy(this.batchSize).plusMinutes(1);
    }

    @Scheduled(fixedDelayString = "${gatehouse.alerts.webhook.poll-interval:PT5S}",
            initialDelayString = "${gatehouse.alerts.webhook.initial-delay:PT10S}")
    void poll() {
        try {
            deliverDue(clock.instant());
        } catch (RuntimeException e) {
            // The database may be away for a moment; the next poll tries again.
            log.warn("Alert webhook poll failed: {}", e.toString());
        }
    }

    /** Sends what is due at {@code now} (tests move it on); returns how many calls were taken. */
    int deliverDue(Instant now) {
        int delivered = 0;
        List<Claimed> batch;
        do {
            batch = claim(now);
            for (Claimed delivery : batch) {
                if (deliver(delivery, now)) {
                    delivered++;
                }
            }
        } while (batch.size() == batchSize);
        return delivered;
    }

    private boolean deliver(Claimed delivery, Instant now) {
        String error = send(delivery);
        if (error == null) {
            jdbc.sql("""
                            update alert_webhook_deliveries set delivered_at = :at, last_error = null
                            where tenant_id = :tenant and id = :id
                            """)
                    .param("at", utc(clock.instant())).param("tenant", delivery.tenant().value())
                    .param("id", delivery.id()).update();
            return true;
        }
        failed(delivery, now, error);
        return false;
    }

    /** Null when the receiver took it; otherwise what went wrong. */
    private @Nullable String send(Claimed delivery) {
        Optional<String> secret = settings.secretOf(delivery.tenant());
        if (secret.isEmpty()) {
            return "the tenant has no webhook secret";
        }
        long timestamp = clock.instant().getEpochSecond();
        try {
            OutboundHttp.Answer answer = http.postJson(delivery.url(), Map.of(
                    WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp),
                    WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(secret.get(), timestamp, delivery.body()),
                    WebhookSignature.DELIVERY_HEADER, delivery.id().toString()), delivery.body());
            return answer.successful() ? null : "HTTP " + answer.status();
        } catch (IOException | RuntimeException e) {
            return describe(e);
        }
    }

    /** One statement, committed on its own: due deliveries no other worker holds, leased and counted as attempted. */
    private List<Claimed> claim(Instant now) {
        return jdbc.sql("""
                        update alert_webhook_deliveries d set attempts = d.attempts + 1, next_attempt_at = :leaseEnds
                        from (select tenant_id, id from alert_webhook_deliveries
                              where delivered_at is null and failed_at is null and next_attempt_at <= :now
                              order by next_attempt_at
                              limit :batch
                              for update skip locked) due
                        where d.tenant_id = due.tenant_id and d.id = due.id
                        returning d.tenant_id, d.id, d.alert_id, d.url, d.body, d.attempts
                        """)
                .param("leaseEnds", utc(now.plus(lease))).param("now", utc(now)).param("batch", batchSize)
                .query((rs, n) -> new Claimed(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        rs.getObject("id", UUID.class), rs.getObject("alert_id", UUID.class), rs.getString("url"),
                        rs.getString("body"), rs.getInt("attempts")))
                .list();
    }

    /** Schedules the next attempt, or gives up and says so in the tenant's trail, in one transaction. */
    private void failed(Claimed delivery, Instant now, String error) {
        boolean givingUp = delivery.attempts() >= maxAttempts;
        log.warn("Alert webhook {} of tenant {} not delivered (attempt {} of {}): {}", delivery.id(), delivery.tenant(),
                delivery.attempts(), maxAttempts, error);
        transaction.executeWithoutResult(status -> {
            jdbc.sql("""
                            update alert_webhook_deliveries set last_error = :error, next_attempt_at = :next,
                                failed_at = :failed
                            where tenant_id = :tenant and id = :id
                            """)
                    .param("error", error).param("next", utc(now.plus(backoff(delivery.attempts()))))
                    .param("failed", givingUp ? utc(now) : null).param("tenant", delivery.tenant().value())
                    .param("id", delivery.id()).update();
            if (givingUp) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("alert", delivery.alert().toString());
                details.put("delivery", delivery.id().toString());
                details.put("webhook", WebhookUrls.origin(delivery.url()));
                details.put("attempts", delivery.attempts());
                details.put("lastError", error);
                audit.record(delivery.tenant(), "ALERT_WEBHOOK_FAILED", AuditLog.Actor.SYSTEM,
                        new AuditLog.Target("alert", delivery.alert().toString(), null), null, null, details);
            }
        });
    }

    /** The wait after the {@code attempts}-th failed attempt: 30 s doubling, at most an hour. */
    static Duration backoff(int attempts) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 20);
        Duration wait = FIRST_RETRY.multipliedBy(1L << doublings);
        return wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait;
    }

    private static String describe(Exception e) {
        if (e instanceof RefusedDestination refused) {
            return "refused: the URL " + refused.reason();
        }
        String text = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().strip());
        return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH) : text;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
