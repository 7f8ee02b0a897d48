package dev.gatehouse.server.compliance;

import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The mail of a monthly schedule's report: a link to the report's page in the console, not an
 * attachment. A HIPAA report names patients' record ids (PHI), and mail is copied, forwarded and kept
 * outside the tenant's control; the link needs a sign-in as a user who may still read reports, and every
 * download is audited. The messages go into the outbox in the transaction that makes the job READY, so
 * a node that dies after that commit has nothing left to send: the outbox worker of any node sends them.
 */
@Component
class ScheduledReportMail {

    private final ReportStore store;
    private final ReportSchedules schedules;
    private final UserStore users;
    private final Outbox outbox;
    private final TenantDirectory tenants;
    private final PublicUrl publicUrl;

    ScheduledReportMail(ReportStore store, ReportSchedules schedules, UserStore users, Outbox outbox,
            TenantDirectory tenants, PublicUrl publicUrl) {
        this.store = store;
        this.schedules = schedules;
        this.users = users;
        this.outbox = outbox;
        this.tenants = tenants;
        this.publicUrl = publicUrl;
    }

    /**
     * The schedule's recipients who may still read reports now; none once the schedule is deleted (its
     * period's report is still made and listed, as the job was asked for).
     */
    List<UUID> recipients(TenantId tenant, UUID schedule) {
        return store.findSchedule(tenant, schedule).map(ReportStore.Schedule::recipients).orElse(List.of()).stream()
                .filter(user -> schedules.mayReceive(tenant, user)).toList();
    }

    /** Queues one message per recipient in the current transaction. */
    void enqueue(TenantId tenant, List<UUID> recipients, ReportStore.Stored report, LocalDate month, String covers) {
        if (recipients.isEmpty()) {
            return;
        }
        String link = publicUrl.base() + "/console/reports/" + report.id();
        String name = tenants.name(tenant);
        String label = report.type().label();
        for (String address : users.activeEmails(tenant, recipients)) {
            outbox.enqueue(tenant, new Outbox.Message(address, name + ": " + label + " report for "
                    + month.getMonth() + " " + month.getYear(), """
                    Hello,

                    the monthly report "%s" of %s for %s is ready.

                    Sign in to read or download it:
                    %s

                    The report is not attached: it may name patients' records, and it stays behind your sign-in.
                    You receive this because an administrator of %s listed you for this monthly report.

                    -- %s
                    """.formatted(label, name, covers, link, name, name), Outbox.Kind.NOTICE));
        }
    }
}
