package dev.gatehouse.server.compliance;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generates report jobs ({@link ReportJobs}) on a bounded pool: {@code gatehouse.compliance.report-workers}
 * threads (2) and at most {@link #MAX_WAITING} jobs waiting on this node; a job offered beyond that stays
 * PENDING in the table and is taken later. A node takes a job by a lease
 * ({@code gatehouse.compliance.report-lease}, 2 minutes) that it renews while it generates; a node that
 * dies stops renewing, and the sweep ({@code gatehouse.compliance.report-sweep}, every 15 s, on every
 * node) offers any job whose lease ran out, RUNNING or never started, to its own pool again. A job taken
 * {@link #MAX_ATTEMPTS} times without finishing is FAILED rather than re-run forever (a report that kills
 * its node must not kill each node in turn). So no job stays RUNNING after its node is gone. A job
 * that FAILS is recorded {@code REPORT_FAILED} with its error, in the transaction that marks it.
 *
 * <p>A monthly schedule's job ({@link MonthlyReports}) is generated the same way, as the system and
 * marked with its schedule; its mails ({@link ScheduledReportMail}) are queued in the outbox in the
 * transaction that stores the report and makes the job READY, so the report, its event, READY and the
 * mails exist together or not at all: a node dying before that commit leaves the job to the sweep, one
 * dying after it leaves the sending to the outbox worker of any node.
 */
@Component
class ReportJobRunner {

    static final int MAX_WAITING = 50;
    static final int MAX_ATTEMPTS = 3;
    static final String TOO_MANY_ATTEMPTS = "generation stopped " + MAX_ATTEMPTS + " times before it finished"
            + " (the server running it was restarted); ask for a shorter period";
    static final String SUSPENDED = "the organisation was suspended before the report was made; nothing was generated"
            + " or sent (ask again once it is reactivated)";

    private static final Logger log = LoggerFactory.getLogger(ReportJobRunner.class);

    private final ReportJobStore jobs;
    private final ComplianceReports reports;
    private final ScheduledReportMail mail;
    private final TenantDirectory tenants;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Duration lease;
    private final ThreadPoolExecutor pool;
    /** The jobs this node generates now: their leases are renewed by {@link #renewLeases}. */
    private final Set<ReportJobStore.Key> running = ConcurrentHashMap.newKeySet();
    private final JsonMapper json = JsonMapper.builder().build();

    ReportJobRunner(ReportJobStore jobs, ComplianceReports reports, ScheduledReportMail mail, TenantDirectory tenants,
            AuditLog audit, TransactionTemplate transactions, Clock clock,
            @Value("${gatehouse.compliance.report-workers:2}") int workers,
            @Value("${gatehouse.compliance.report-lease:PT2M}") Duration lease) {
        this.jobs = jobs;
        this.reports = reports;
        this.mail = mail;
        this.tenants = tenants;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
        this.lease = lease;
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_WAITING),
                Thread.ofPlatform().name("report-job-", 0).daemon().factory());
    }

    Duration lease() {
        return lease;
    }

    /** Queues the job on this node; when the pool is full it waits in the table for a sweep. */
    void offer(ReportJobStore.Key job) {
        try {
            pool.execute(() -> run(job));
        } catch (RejectedExecutionException e) {
            log.info("report job {} of tenant {} waits: {} jobs are queued on this node", job.id(), job.tenant(),
                    MAX_WAITING);
        }
    }

    /** Offers every job whose lease ran out (its node died, or it was never started) to this node. */
    @Scheduled(fixedDelayString = "${gatehouse.compliance.report-sweep:PT15S}",
            initialDelayString = "${gatehouse.compliance.report-sweep:PT15S}")
    void sweep() {
        int room = MAX_WAITING - pool.getQueue().size();
        if (room > 0) {
            jobs.orphaned(clock.instant(), room).forEach(this::offer);
        }
    }

    /** Tells the other nodes this one is still at work on its jobs. */
    @Scheduled(fixedDelayString = "${gatehouse.compliance.report-renew:PT30S}")
    void renewLeases() {
        Instant until = clock.instant().plus(lease);
        running.forEach(job -> jobs.renew(job.tenant(), job.id(), until));
    }

    /** Takes the job if no live node holds it, and generates it; every outcome is written to the job. */
    void run(ReportJobStore.Key key) {
        Instant now = clock.instant();
        Optional<Integer> attempt = jobs.claim(key.tenant(), key.id(), now, now.plus(lease));
        if (attempt.isEmpty()) {
            return;
        }
        int claim = attempt.get();
        if (claim > MAX_ATTEMPTS) {
            fail(key, claim, TOO_MANY_ATTEMPTS);
            return;
        }
        if (!tenants.isActive(key.tenant())) {
            // A suspended organisation is closed: a job asked for before the suspension makes and mails nothing.
            fail(key, claim, SUSPENDED);
            return;
        }
        running.add(key);
        try {
            generate(jobs.find(key.tenant(), key.id()).orElseThrow(), claim);
        } catch (Superseded e) {
            log.warn("report job {} of tenant {}: another node took it after this node's lease ran out; its report"
                    + " and mail were not stored here", key.id(), key.tenant());
        } catch (ApiException e) {
            // What the request could not know beforehand, e.g. more rows than a PDF holds: said as the API says it.
            fail(key, claim, e.getMessage() == null ? e.title() : e.getMessage());
        } catch (RuntimeException e) {
            log.error("report job {} of tenant {} failed", key.id(), key.tenant(), e);
            fail(key, claim, "the report could not be generated; try again or ask an operator (the server log has"
                    + " the cause)");
        } finally {
            running.remove(key);
        }
    }

    /** This node's claim on a job is no longer the job's: what it made must not be stored. */
    private static final class Superseded extends RuntimeException {
        Superseded() {
            super("another node holds the job", null, false, false);
        }
    }

    /**
     * Generates the job; READY, the report, its event and a schedule's mails commit together, and only while
     * {@code claim} still holds the job, so a job is made at most once even when a slow node's lease ran out.
     */
    private void generate(ReportJobStore.Job job, int claim) {
        ComplianceReports.Checked checked = new ComplianceReports.Checked(job.type(), job.format(), job.from(),
                job.to(), job.asOf());
        ReportJobStore.SchedulePeriod schedule = job.schedule();
        ComplianceReports.Author author = new ComplianceReports.Author(
                json.readValue(job.actor(), AuditLog.Actor.class), job.requestedBy(), job.requestedByName(),
                schedule == null ? null : schedule.schedule());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("job", job.id().toString());
        List<UUID> recipients = schedule == null ? List.of() : mail.recipients(job.tenant(), schedule.schedule());
        if (schedule != null) {
            details.put("schedule", schedule.schedule().toString());
            details.put("recipients", recipients.size());
        }
        reports.produce(job.tenant(), checked, author, new Origin(job.ip(), job.userAgent()), details, stored -> {
            if (!jobs.ready(job.tenant(), job.id(), claim, stored.id(), clock.instant())) {
                throw new Superseded();
            }
            if (schedule != null) {
                mail.enqueue(job.tenant(), recipients, stored, schedule.month(), ComplianceReports.covers(checked));
            }
        });
    }

    /** Marks the job FAILED with {@code error} and records REPORT_FAILED, while {@code claim} still holds it. */
    private void fail(ReportJobStore.Key key, int claim, String error) {
        transactions.executeWithoutResult(status -> {
            if (!jobs.failed(key.tenant(), key.id(), claim, error, clock.instant())) {
                return;
            }
            ReportJobStore.Job job = jobs.find(key.tenant(), key.id()).orElseThrow();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("type", job.type().name());
            details.put("format", job.format().name());
            details.put("covers", ComplianceReports.covers(new ComplianceReports.Checked(job.type(), job.format(),
                    job.from(), job.to(), job.asOf())));
            details.put("attempts", job.attempts());
            details.put("error", error);
            if (job.schedule() != null) {
                details.put("schedule", job.schedule().schedule().toString());
            }
            audit.record(job.tenant(), "REPORT_FAILED", json.readValue(job.actor(), AuditLog.Actor.class),
                    new AuditLog.Target("report-job", job.id().toString(), job.type().label()), job.ip(),
                    job.userAgent(), details);
        });
    }

    @PreDestroy
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
