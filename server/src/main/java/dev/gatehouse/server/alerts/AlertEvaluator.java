package dev.gatehouse.server.alerts;

import dev.gatehouse.server.audit.AuditRecorded;
import dev.gatehouse.server.audit.TrailCounts;
import dev.gatehouse.server.shared.TenantId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Evaluates the tenant's rules on each audit event once its transaction has committed, so a
 * rolled-back change never alerts. The committing thread only hands the event to one evaluating
 * thread of this node, in order: at that point it still holds its database connection, and
 * evaluating there would take a second one, which parallel requests would exhaust the pool for. The
 * evaluation only reads the trail and queues mail and webhook deliveries; a failure is logged. The
 * alerts' own events ({@code ALERT_*}) are never evaluated: no alert raises another.
 */
@Component
class AlertEvaluator {

    /**
     * Break-glass actions: {@code BREAK_GLASS}, which Gatehouse's own break-glass records (docs/api.md
     * reserves it), and {@code BREAK_GLASS_ACCESS}, which applications record through
     * {@code POST .../audit/events} when a user breaks the glass in them.
     */
    static final Set<String> BREAK_GLASS_ACTIONS = Set.of("BREAK_GLASS", "BREAK_GLASS_ACCESS", "OVERRIDE_STARTED");

    /** Gatehouse's own actions that a rule watches; applications' data-access events are recognised by recordedBy. */
    private static final Set<String> WATCHED = Set.of("LOGIN_FAILED", "LOGIN_SUCCEEDED", "ROLE_ASSIGNED", "BREAK_GLASS",
            "BREAK_GLASS_ACCESS", "IMPERSONATION_STARTED", "REFRESH_TOKEN_REUSED", "BREAK_GLASS_REVIEWED",
            // Issue 16: a platform operator's override of the tenant's admin role is break-glass to its admins.
            "OVERRIDE_STARTED");

    /**
     * {@code details.kind} of the {@code BREAK_GLASS} that a clinician's emergency access writes
     * (emergencyaccess): the {@code clinicalBreakGlass} rule tells of it, {@code breakGlass} of the rest.
     */
    static final String CLINICAL = "clinical";

    /** Events waiting beyond this are dropped with a warning; the counting rules still see them in the trail. */
    static final int MAX_WAITING = 10_000;

    private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);

    private final AlertSettings settings;
    private final TrailCounts counts;
    private final Admins admins;
    private final RaisedAlerts raised;
    private final TransactionTemplate ownTransaction;
    private final ThreadPoolExecutor evaluating = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(MAX_WAITING), Thread.ofPlatform().name("alert-evaluator").daemon().factory());

    AlertEvaluator(AlertSettings settings, TrailCounts counts, Admins admins, RaisedAlerts raised,
            PlatformTransactionManager transactions) {
        this.settings = settings;
        this.counts = counts;
        this.admins = admins;
        this.raised = raised;
        this.ownTransaction = new TransactionTemplate(transactions);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void onRecorded(AuditRecorded event) {
        if (event.action().startsWith("ALERT_") || !WATCHED.contains(event.action())
                && !event.details().containsKey("recordedBy")) {
            return;
        }
        try {
            evaluating.execute(() -> evaluate(event));
        } catch (RejectedExecutionException e) {
            log.warn("Alert rules not evaluated for event {} of tenant {}: {} events are waiting", event.seq(),
                    event.tenant(), MAX_WAITING);
        }
    }

    /** Returns once every event heard before the call has been evaluated (tests; shutdown). */
    void awaitEvaluated() {
        try {
            evaluating.submit(() -> { }).get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("alert evaluation did not finish", e);
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        evaluating.shutdown();
        evaluating.awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * Reads the rules and what they count each in a statement of its own (as the transaction around
     * them did, at READ COMMITTED), and opens a transaction only to raise what fired: most events fire
     * nothing (issue 17: every sign-in's LOGIN_SUCCEEDED is evaluated), and then cost no read, the
     * rules coming from this node's cache ({@link AlertSettings#rulesOf}); the webhook is read only
     * when something fired.
     */
    private void evaluate(AuditRecorded event) {
        try {
            TenantId tenant = event.tenant();
            List<Alert> fired = fired(tenant, settings.rulesOf(tenant), event);
            if (fired.isEmpty()) {
                return;
            }
            ownTransaction.executeWithoutResult(status -> {
                AlertSettings.Webhook webhook = settings.of(tenant).webhook();
                for (Alert alert : fired) {
                    raised.raise(tenant, alert, webhook);
                }
            });
        } catch (RuntimeException e) {
            log.warn("Alert rules not evaluated for event {} of tenant {}: {}", event.seq(), event.tenant(), e.toString());
        }
    }

    private List<Alert> fired(TenantId tenant, AlertRules rules, AuditRecorded event) {
        List<Alert> fired = new ArrayList<>();
        String who = event.actor().username() == null ? "unknown" : event.actor().username();
        String action = event.action();
        if (action.equals("LOGIN_FAILED") && event.target() != null && event.target().type().equals("user")) {
            AlertRules.Threshold perAccount = rules.failedSignInsPerAccount();
            String account = event.target().id();
            if (perAccount.enabled()) {
                long failed = counts.failedSignIns(tenant, account, since(event, perAccount.minutes()));
                if (failed >= perAccount.count()) {
                    fired.add(counting("failedSignInsPerAccount", "user:" + account, event, failed, perAccount.count(),
                            perAccount.minutes(), failed + " failed sign-ins for the account " + who + " within "
                                    + perAccount.minutes() + " minutes", who,
                            "action=LOGIN_FAILED&target=" + query("user:" + account)));
                }
            }
            AlertRules.Threshold perTenant = rules.failedSignInsPerTenant();
            if (perTenant.enabled()) {
                long failed = counts.failedSignIns(tenant, since(event, perTenant.minutes()));
                if (failed >= perTenant.count()) {
                    fired.add(counting("failedSignInsPerTenant", "tenant", event, failed, perTenant.count(),
                            perTenant.minutes(), failed + " failed sign-ins across the tenant within "
                                    + perTenant.minutes() + " minutes", "several accounts, the latest " + who,
                            "action=LOGIN_FAILED"));
                }
            }
        }
        AlertRules.RecordThreshold records = rules.patientRecordsPerUser();
        UUID actor = event.actor().id();
        if (records.enabled() && records.actions().contains(action) && actor != null && event.target() != null) {
            long touched = counts.recordsTouched(tenant, actor, records.actions(), since(event, records.minutes()),
                    records.count());
            if (touched >= records.count()) {
                fired.add(counting("patientRecordsPerUser", "user:" + actor, event, touched, records.count(),
                        records.minutes(), who + " touched " + touched + " records within " + records.minutes()
                                + " minutes", who, "actor=" + actor + "&action=" + query(String.join(",", records.actions()))));
            }
        }
        boolean clinical = CLINICAL.equals(event.details().get("kind"));
        if (rules.breakGlass().enabled() && BREAK_GLASS_ACTIONS.contains(action) && !clinical) {
            fired.add(single("breakGlass", event, who + " used break-glass access"
                    + (event.target() == null ? "" : " to " + event.target().type() + " " + event.target().id()), who));
        }
        // Issue 13: a clinician's emergency access is told to the admins as it opens (the reason stays in the
        // trail the alert links to, out of mail subjects), and again when a reviewer finds it not justified.
        if (rules.clinicalBreakGlass().enabled() && clinical && event.target() != null) {
            if (action.equals("BREAK_GLASS")) {
                fired.add(single("clinicalBreakGlass", event, who + " opened emergency access to "
                        + event.target().type().replace('_', ' ') + " " + event.target().id() + " until "
                        + event.details().get("expiresAt"), who));
            } else if (action.equals("BREAK_GLASS_REVIEWED") && "NOT_JUSTIFIED".equals(event.details().get("outcome"))) {
                fired.add(single("clinicalBreakGlass", event, who + " found the emergency access of "
                        + event.target().name() + " to " + event.details().get("resource") + " not justified", who));
            }
        }
        // seed 001: impersonation is "audited and visible to the tenant"; its admins may be told as it starts.
        // The operator's free-text reason stays in the trail the alert links to, out of mail subjects.
        if (rules.impersonationStarted().enabled() && action.equals("IMPERSONATION_STARTED")) {
            String user = event.target() == null ? "a user" : String.valueOf(event.target().name());
            fired.add(single("impersonationStarted", event, "platform operator " + who + " started impersonating "
                    + user, who));
        }
        // Issue 12: a rotated refresh token presented again means someone else holds the token family
        // (RFC 9700 §4.14.2); the provider has already revoked it, and the admins should know.
        if (rules.refreshTokenReused().enabled() && action.equals("REFRESH_TOKEN_REUSED")) {
            fired.add(single("refreshTokenReused", event, "a refresh token of the application "
                    + (event.target() == null ? "?" : event.target().id()) + " was used again after rotation; every"
                    + " token of that sign-in was revoked", who));
        }
        if (rules.adminRoleGranted().enabled() && action.equals("ROLE_ASSIGNED")
                && event.details().get("role") instanceof String role
                && !"tenant-creation".equals(event.details().get("via")) && admins.isAdminRole(tenant, role)) {
            String grantee = event.target() == null ? "a user" : String.valueOf(event.target().name());
            fired.add(single("adminRoleGranted", event, who + " granted the admin role " + role + " to " + grantee,
                    who));
        }
        if (rules.adminNewIp().enabled() && action.equals("LOGIN_SUCCEEDED") && actor != null && event.ip() != null
                && admins.anyAdminRole(tenant, event.actor().roles())) {
            TrailCounts.SignIns before = counts.signInsBefore(tenant, actor, event.seq(), event.ip());
            // The very first sign-in has no baseline: every address would be new.
            if (before.total() > 0 && before.fromAddress() == 0) {
                fired.add(new Alert("adminNewIp", "user:" + actor + " ip:" + event.ip(), Instant.EPOCH, null, 1, 1, null,
                        "the admin " + who + " signed in from a new address, " + event.ip(), who,
                        "actor=" + actor + "&action=LOGIN_SUCCEEDED", event));
            }
        }
        return fired;
    }

    private static Instant since(AuditRecorded event, int minutes) {
        return event.at().minus(Duration.ofMinutes(minutes));
    }

    private static Alert counting(String rule, String subject, AuditRecorded event, long count, int threshold,
            int minutes, String what, String who, String query) {
        return new Alert(rule, subject, Alert.window(event.at(), minutes), Duration.ofMinutes(minutes), count, threshold,
                minutes, what, who, query + "&from=" + query(since(event, minutes).toString()), event);
    }

    /** A rule that fires on one event: the event is the subject, so each fires once. */
    private static Alert single(String rule, AuditRecorded event, String what, String who) {
        return new Alert(rule, "event:" + event.seq(), event.at(), null, 1, 1, null, what, who,
                "from=" + query(event.at().toString()) + "&to=" + query(event.at().plusSeconds(1).toString()), event);
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
