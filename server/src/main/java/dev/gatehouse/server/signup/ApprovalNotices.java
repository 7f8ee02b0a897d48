package dev.gatehouse.server.signup;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tells a tenant's approvers — active people with an address holding {@code registrations.approve}
 * tenant-wide — that registrations or role requests wait (issue 16), through the outbox. A flood of
 * sign-ups must not mail-bomb them: the first request after a quiet interval mails at once, in the
 * request's transaction; those arriving within {@code gatehouse.signup.approver-mail-interval} (15
 * minutes) of that mail are told together in one digest when the interval is over (the sweep). Each mail
 * says how many wait then, never who: the queue is behind the approvers' sign-in.
 */
@Component
class ApprovalNotices {

    private static final Logger log = LoggerFactory.getLogger(ApprovalNotices.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final SignupRequestStore requests;
    private final Access access;
    private final UserStore users;
    private final TenantDirectory directory;
    private final Outbox outbox;
    private final Clock clock;
    private final Duration interval;

    ApprovalNotices(JdbcClient jdbc, TransactionTemplate transactions, SignupRequestStore requests, Access access,
            UserStore users, TenantDirectory directory, Outbox outbox, Clock clock,
            @Value("${gatehouse.signup.approver-mail-interval:PT15M}") Duration interval) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.requests = requests;
        this.access = access;
        this.users = users;
        this.directory = directory;
        this.outbox = outbox;
        this.clock = clock;
        this.interval = interval;
    }

    /** A request was queued in {@code tenant}: in the caller's transaction, so no mail without the request. */
    void requested(TenantId tenant) {
        jdbc.sql("""
                        insert into approval_notices (tenant_id, last_sent_at, due) values (:tenant, null, true)
                        on conflict (tenant_id) do update set due = true
                        """)
                .param("tenant", tenant.value()).update();
        Instant now = clock.instant();
        boolean quiet = jdbc.sql("""
                        update approval_notices set last_sent_at = :now, due = false
                        where tenant_id = :tenant and (last_sent_at is null or last_sent_at <= :since)
                        """)
                .param("tenant", tenant.value()).param("now", now.atOffset(ZoneOffset.UTC))
                .param("since", now.minus(interval).atOffset(ZoneOffset.UTC)).update() > 0;
        if (quiet) {
            mail(tenant);
        }
    }

    /** The digests whose interval is over; each tenant's taken by one node ({@code SKIP LOCKED}). */
    @Scheduled(fixedDelayString = "${gatehouse.signup.approver-mail-sweep:PT1M}",
            initialDelayString = "${gatehouse.signup.approver-mail-sweep:PT1M}")
    void sweep() {
        try {
            Instant now = clock.instant();
            List<UUID> due = jdbc.sql("""
                            select tenant_id from approval_notices
                            where due and (last_sent_at is null or last_sent_at <= :since)
                            order by tenant_id limit 500
                            """)
                    .param("since", now.minus(interval).atOffset(ZoneOffset.UTC)).query(UUID.class).list();
            for (UUID tenant : due) {
                transactions.executeWithoutResult(status -> {
                    boolean taken = jdbc.sql("""
                                    update approval_notices set last_sent_at = :now, due = false
                                    where tenant_id = (select tenant_id from approval_notices where tenant_id = :tenant
                                                         and due and (last_sent_at is null or last_sent_at <= :since)
                                                       for update skip locked)
                                    """)
                            .param("tenant", tenant).param("now", now.atOffset(ZoneOffset.UTC))
                            .param("since", now.minus(interval).atOffset(ZoneOffset.UTC)).update() > 0;
                    if (taken) {
                        mail(new TenantId(tenant));
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn("Mailing approvers about waiting requests failed: {}", e.toString());
        }
    }

    private void mail(TenantId tenant) {
        long waiting = requests.count(tenant, "PENDING");
        if (waiting == 0 || !directory.isActive(tenant)) {
            return;
        }
        List<UUID> approvers = access.tenantWideHolders(tenant, Approvals.APPROVE, clock.instant());
        String name = directory.name(tenant);
        for (String address : approvers.isEmpty() ? List.<String>of() : users.activeEmails(tenant, approvers)) {
            outbox.enqueue(tenant, new Outbox.Message(address, "Requests wait for approval at " + name, """
                    Hello,

                    requests waiting for an administrator's decision at %s: %d (registrations and role
                    requests together). Open Registrations in the console to approve or reject them.

                    You get at most one such message every %d minutes, however many requests come in.
                    """.formatted(name, waiting, interval.toMinutes()), Outbox.Kind.NOTICE));
        }
    }
}
