package dev.gatehouse.server.compliance;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the monthly schedules: on or after a schedule's day, the previous calendar month's report is
 * asked for once, as a background job ({@link ReportJobs}'s queue, lease and sweep) that the
 * {@link ReportJobRunner} generates and whose mail ({@link ScheduledReportMail}) it queues when the
 * job is READY. Every node runs this; each schedule is taken row-locked with {@code skip locked}, and
 * its job, its {@code REPORT_REQUESTED} and the month marked done commit together. The job's schedule
 * and month are unique (V150), so a period has one job even if two runs both found it due. A job that
 * FAILS is not asked for again: it is listed with its error and audited ({@code REPORT_FAILED}), and a
 * manager can ask for that month at once.
 * {@code gatehouse.reports.cron} moves the run ({@code -} turns it off).
 */
@Component
class MonthlyReports {

    private static final Logger log = LoggerFactory.getLogger(MonthlyReports.class);

    /** A run asks for at most this many reports; the next run takes the rest. */
    private static final int PER_RUN = 50;

    private final ReportStore store;
    private final ReportJobStore jobs;
    private final ReportJobRunner runner;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final TenantDirectory tenants;
    private final Clock clock;
    private final String systemActor = JsonMapper.builder().build().writeValueAsString(AuditLog.Actor.SYSTEM);

    MonthlyReports(ReportStore store, ReportJobStore jobs, ReportJobRunner runner, AuditLog audit,
            TransactionTemplate transactions, TenantDirectory tenants, Clock clock) {
        this.store = store;
        this.jobs = jobs;
        this.runner = runner;
        this.audit = audit;
        this.transactions = transactions;
        this.tenants = tenants;
        this.clock = clock;
    }

    @Scheduled(cron = "${gatehouse.reports.cron:0 20 * * * *}", zone = "UTC")
    void run() {
        try {
            int asked = enqueueDue();
            if (asked > 0) {
                log.info("compliance reports: {} monthly reports asked for", asked);
            }
        } catch (RuntimeException e) {
            log.error("monthly compliance reports failed; the next run tries again", e);
        }
    }

    /**
     * Makes a job for every schedule due today and hands each to this node's workers once committed;
     * answers how many jobs it made. A schedule that fails here waits for the next run.
     */
    int enqueueDue() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate month = today.withDayOfMonth(1).minusMonths(1);
        Set<UUID> failed = new LinkedHashSet<>();
        List<ReportJobStore.Key> made = new ArrayList<>();
        int taken = 0;
        while (taken + failed.size() < PER_RUN) {
            UUID[] schedule = new UUID[1];
            try {
                Taken outcome = transactions.execute(status -> {
                    ReportStore.Schedule due = store.dueForUpdate(month, today.getDayOfMonth(), failed).orElse(null);
                    if (due == null) {
                        return null;
                    }
                    schedule[0] = due.id();
                    Taken done = new Taken(enqueue(due, month));
                    store.generated(due.tenant(), due.id(), month);
                    return done;
                });
                if (outcome == null) {
                    break;
                }
                taken++;
                outcome.job().ifPresent(made::add);
            } catch (RuntimeException e) {
                if (schedule[0] == null) {
                    throw e;
                }
                log.error("report schedule {} failed; the next run tries again", schedule[0], e);
                failed.add(schedule[0]);
            }
        }
        made.forEach(runner::offer);
        return made.size();
    }

    /** A schedule taken for the month, and the job made for it (none when the month needs none). */
    private record Taken(Optional<ReportJobStore.Key> job) {}

    /** The month's job, unless the organisation is suspended or the month has its job already. */
    private Optional<ReportJobStore.Key> enqueue(ReportStore.Schedule schedule, LocalDate month) {
        TenantId tenant = schedule.tenant();
        if (!tenants.isActive(tenant)) {
            // A suspended organisation is closed: its month is skipped, not caught up later.
            return Optional.empty();
        }
        boolean period = schedule.type().coversPeriod();
        LocalDate last = month.plusMonths(1).minusDays(1);
        ComplianceReports.Checked checked = new ComplianceReports.Checked(schedule.type(), schedule.format(),
                period ? month : null, period ? last : null, period ? null : last);
        Instant now = clock.instant();
        ReportJobStore.Job job = new ReportJobStore.Job(tenant, UUID.randomUUID(), checked.type(), checked.format(),
                checked.from(), checked.to(), checked.asOf(), "PENDING", now, null, "monthly schedule " + schedule.id(),
                systemActor, null, null, 0, now.plus(runner.lease()), null, null, null,
                new ReportJobStore.SchedulePeriod(schedule.id(), month));
        if (!jobs.insert(job)) {
            return Optional.empty();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", checked.type().name());
        details.put("format", checked.format().name());
        details.put("covers", ComplianceReports.covers(checked));
        details.put("schedule", schedule.id().toString());
        audit.record(tenant, "REPORT_REQUESTED", AuditLog.Actor.SYSTEM,
                new AuditLog.Target("report-job", job.id().toString(), checked.type().label()), null, null, details);
        return Optional.of(new ReportJobStore.Key(tenant, job.id()));
    }
}
