package dev.gatehouse.server.alerts;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.audit.AuditRecorded;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.throttling.CredentialLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * "Send a test alert": raises a real alert of rule {@value #RULE} through the same path as every
 * other ({@link RaisedAlerts}: trail, mail to the admins, webhook), so an admin sees the whole chain
 * work. Throttled per account ({@value #PER_ACCOUNT} in 15 minutes) and tenant ({@value #PER_TENANT}
 * an hour): each test mails every admin and calls the webhook.
 */
@Service
class TestAlerts {

    static final String RULE = "test";
    static final int PER_ACCOUNT = 3;
    static final int PER_TENANT = 10;

    /** What the test did: the alert raised, and whether a webhook call was queued. */
    record Sent(UUID alert, boolean webhookQueued) {}

    private final RaisedAlerts raised;
    private final AlertSettings settings;
    private final AuditLog audit;
    private final CredentialLimits limits;
    private final Clock clock;
    private final TransactionTemplate transaction;

    TestAlerts(RaisedAlerts raised, AlertSettings settings, AuditLog audit, CredentialLimits limits, Clock clock,
            PlatformTransactionManager transactions) {
        this.raised = raised;
        this.settings = settings;
        this.audit = audit;
        this.limits = limits;
        this.clock = clock;
        this.transaction = new TransactionTemplate(transactions);
    }

    /**
     * @throws TooManyRequests 429 with Retry-After when the account's or tenant's tests are spent
     */
    Sent send(TenantId tenant, AuditLog.Actor actor, Origin origin) {
        String who = actor.username() == null ? "an admin" : actor.username();
        refuseIfSpent(limits.spend("test-alert:account:" + tenant + ":" + actor.id(), PER_ACCOUNT,
                Duration.ofMinutes(15)));
        refuseIfSpent(limits.spend("test-alert:tenant:" + tenant, PER_TENANT, Duration.ofHours(1)));
        return transaction.execute(status -> {
            Instant now = clock.instant();
            AuditLog.Target target = new AuditLog.Target("tenant", tenant.toString(), null);
            long seq = audit.record(tenant, "ALERT_TEST_REQUESTED", actor, target, origin.ip(), origin.userAgent(),
                    Map.of());
            AlertSettings.Webhook webhook = settings.of(tenant).webhook();
            Alert alert = new Alert(RULE, "test:" + UUID.randomUUID(), now, null, 1, 1, null,
                    "test alert sent by " + who + " to check that alerts reach you", who,
                    "action=ALERT_TEST_REQUESTED", new AuditRecorded(tenant, seq, now, "ALERT_TEST_REQUESTED", actor,
                            target, origin.ip(), Map.of()));
            Optional<UUID> id = raised.raise(tenant, alert, webhook);
            return new Sent(id.orElseThrow(), webhook.enabled() && webhook.url() != null);
        });
    }

    private static void refuseIfSpent(long waitNanos) {
        if (waitNanos > 0) {
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + 999_999_999L));
            throw new TooManyRequests(seconds, "too many test alerts; try again in " + seconds + " seconds");
        }
    }
}
