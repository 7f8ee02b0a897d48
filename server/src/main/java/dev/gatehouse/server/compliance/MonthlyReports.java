package dev.gatehouse.server.compliance;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs the monthly schedules: on or after a schedule's day, the previous calendar month's report is
 * generated once. Every node runs the job; each schedule is taken row-locked with {@code skip locked}
 * and marked generated in the transaction that stores the report, its event and its mails, so
 * exactly one node generates a month and a failure leaves the month to the next run.
 *
 * <p>The mail is a link to the report's page in the console, not an attachment: a HIPAA report names
 * patients' record ids (PHI), and mail is copied, forwarded and kept outside the tenant's control; the
 * link needs a sign-in as a user who may still read reports, and every download is audited.
 * {@code gatehouse.reports.cron} moves the job ({@code -} turns it off).
 */
@Component
class MonthlyReports {

    private static final Logger log = LoggerFactory.getLogger(MonthlyReports.class);

    /** A run generates at most this many reports; the next run takes the rest. */
    private static final int PER_RUN = 50;

    private final ReportStore store;
    private final ComplianceReports reports;
    private final ReportSchedules schedules;
    private final TransactionTemplate transactions;
    private final TenantDirectory tenants;
    private final UserStore users;
    private final Outbox outbox;
    private final PublicUrl publicUrl;
    private final Clock clock;

    MonthlyReports(ReportStore store, ComplianceReports reports, ReportSchedules schedules,
            TransactionTemplate transactions, TenantDirectory tenants, UserStore users, Outbox outbox,
            PublicUrl publicUrl, Clock clock) {
        this.store = store;
        this.reports = reports;
        this.schedules = schedules;
        this.transactions = transactions;
        this.tenants = tenants;
        this.users = users;
        this.outbox = outbox;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    @Scheduled(cron = "${gatehouse.reports.cron:0 20 * * * *}", zone = "UTC")
    void run() {
        try {
            int generated = generateDue();
            if (generated > 0) {
                log.info("compliance reports: {} monthly reports generated", generated);
            }
        } catch (RuntimeException e) {
            log.error("monthly compliance reports failed; the next run tries again", e);
        }
    }

    /** Generates every schedule's report due today; answers how many. A failing one waits for the next run. */
    int generateDue() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        LocalDate month = today.withDayOfMonth(1).minusMonths(1);
        Set<UUID> failed = new LinkedHashSet<>();
        int done = 0;
        while (done + failed.size() < PER_RUN) {
            UUID[] taken = new UUID[1];
            try {
                Boolean generated = transactions.execute(status -> {
                    ReportStore.Schedule due = store.dueForUpdate(month, today.getDayOfMonth(), failed).orElse(null);
                    if (due == null) {
                        return false;
                    }
                    taken[0] = due.id();
                    generate(due, month);
                    return true;
                });
                if (!Boolean.TRUE.equals(generated)) {
                    break;
                }
                done++;
            } catch (RuntimeException e) {
                if (taken[0] == null) {
                    throw e;
                }
                log.error("report schedule {} failed; the next run tries again", taken[0], e);
                failed.add(taken[0]);
            }
        }
        return done;
    }

    private void generate(ReportStore.Schedule schedule, LocalDate month) {
        TenantId tenant = schedule.tenant();
        if (!tenants.isActive(tenant)) {
            // A suspended organisation is closed: its month is skipped, not caught up later.
            store.generated(tenant, schedule.id(), month);
            return;
        }
        List<UUID> recipients = schedule.recipients().stream().filter(user -> schedules.mayReceive(tenant, user))
                .toList();
        boolean period = schedule.type().coversPeriod();
        LocalDate last = month.plusMonths(1).minusDays(1);
        ComplianceReports.Checked checked = new ComplianceReports.Checked(schedule.type(), schedule.format(),
                period ? month : null, period ? last : null, period ? null : last);
        ComplianceReports.Author author = new ComplianceReports.Author(AuditLog.Actor.SYSTEM, null,
                "monthly schedule " + schedule.id(), schedule.id());
        ReportStore.Stored report = reports.produce(tenant, checked, author, new Origin(null, null),
                Map.of("schedule", schedule.id().toString(), "recipients", recipients.size()));
        String link = publicUrl.base() + "/console/reports/" + report.id();
        String name = tenants.name(tenant);
        for (String address : recipients.isEmpty() ? List.<String>of() : users.activeEmails(tenant, recipients)) {
            outbox.enqueue(tenant, new Outbox.Message(address, name + ": " + schedule.type().label() + " report for "
                    + month.getMonth() + " " + month.getYear(), """
                    Hello,

                    the monthly report "%s" of %s for %s is ready.

                    Sign in to read or download it:
                    %s

                    The report is not attached: it may name patients' records, and it stays behind your sign-in.
                    You receive this because an administrator of %s listed you for this monthly report.

                    -- %s
                    """.formatted(schedule.type().label(), name, ComplianceReports.covers(checked), link, name, name),
                    Outbox.Kind.NOTICE));
        }
        store.generated(tenant, schedule.id(), month);
    }
}
