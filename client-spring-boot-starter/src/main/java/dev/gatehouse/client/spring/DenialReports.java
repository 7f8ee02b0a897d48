package dev.gatehouse.client.spring;

import dev.gatehouse.client.AuditEventRequest;
import dev.gatehouse.client.GatehouseClient;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the application's denials in Gatehouse's audit (seed 002 §7.4, "log permission denial attempts for
 * security monitoring") when {@code gatehouse.report-denials=true}. A denial is only queued on the request's
 * thread; a daemon thread sends what is queued in batches, so a slow or unreachable Gatehouse never delays or
 * fails a request. What cannot be sent, or does not fit the bounded queue, is dropped and logged (the denial
 * itself still happened).
 */
public final class DenialReports implements AutoCloseable {

    /** The audit action of an application's denial; Gatehouse keeps its own {@code PERMISSION_DENIED} for its own. */
    static final String ACTION = "ACCESS_DENIED";
    /** The most one batch request may carry (the audit API's limit is higher). */
    static final int BATCH = 500;
    /** What the audit API accepts as a resource id. */
    private static final int MAX_ID = 200;
    private static final int QUEUED = 10_000;
    private static final System.Logger LOG = System.getLogger(DenialReports.class.getName());

    private final GatehouseClient client;
    private final BlockingQueue<AuditEventRequest> queued = new ArrayBlockingQueue<>(QUEUED);
    private final AtomicLong dropped = new AtomicLong();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "gatehouse-denial-reports");
        thread.setDaemon(true);
        return thread;
    });

    DenialReports(GatehouseClient client, Duration every) {
        this.client = client;
        sender.scheduleWithFixedDelay(this::sendQueued, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Queues one denial of a request ({@code route}: its method and path); never blocks, never throws. Only a
     * denial of a user the tenant has: nobody signed in is asked to sign in instead, and the audit API refuses a
     * whole batch naming a user it does not know.
     */
    void report(PermissionDecision denial, String route) {
        String user = denial.user();
        if (user == null || Gatehouse.UNKNOWN_USER.equals(denial.code())) {
            return;
        }
        if (!queued.offer(event(denial, user, route)) && dropped.getAndIncrement() == 0) {
            LOG.log(Level.WARNING, "Denials arrive faster than Gatehouse's audit takes them: some are not recorded");
        }
    }

    private static AuditEventRequest event(PermissionDecision denial, String user, String route) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("permission", denial.permission());
        // "reason", not "code": Gatehouse's audit refuses details named like secrets (…code, …token).
        details.put("reason", denial.code());
        details.put("explanation", denial.explanation());
        details.put("route", route);
        boolean onResource = denial.resourceType() != null && denial.resourceId() != null;
        String type = onResource ? denial.resourceType() : "route";
        String id = onResource ? denial.resourceId() : route;
        AuditEventRequest event = AuditEventRequest.of(ACTION, user, type, cut(id)).details(details);
        return denial.location() == null ? event : event.at(denial.location());
    }

    private static String cut(String text) {
        return text.length() <= MAX_ID ? text : text.substring(0, MAX_ID);
    }

    /** Sends everything queued now, a batch at a time; a failed batch is logged and dropped, never retried forever. */
    void sendQueued() {
        List<AuditEventRequest> batch = new ArrayList<>(BATCH);
        while (queued.drainTo(batch, BATCH) > 0) {
            try {
                client.recordAuditEvents(batch);
            } catch (RuntimeException failed) {
                LOG.log(Level.WARNING, batch.size() + " denials were not recorded in Gatehouse's audit: " + failed.getMessage());
            }
            batch.clear();
        }
    }

    /** Stops the sender after sending what is queued: the application is shutting down. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        sendQueued();
    }
}
