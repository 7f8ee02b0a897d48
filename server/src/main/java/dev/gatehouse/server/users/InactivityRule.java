package dev.gatehouse.server.users;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issue 13: dormant accounts are disabled. Nightly, for each tenant whose
 * {@code inactivityDisableDays} is set, every active person (service accounts never sign in, so
 * never count as dormant) whose last sign-in — or creation, if they never signed in — is older
 * than that is disabled, audited, and the tenant's user administrators get one summary mail
 * through the outbox. The last administrator is kept and named in the summary.
 *
 * <p>Every node runs the job; a tenant is taken under a transaction-level advisory lock tried
 * without waiting, so one node works on it while the others skip it, and a node that comes second
 * finds nobody left to disable. One tenant's failure is logged and does not stop the others.
 * {@code gatehouse.users.inactivity-cron} moves it ({@code -} turns it off).
 */
@Component
class InactivityRule {

    private static final Logger log = LoggerFactory.getLogger(InactivityRule.class);

    /** Who hears of it: those who may enable the accounts again, tenant-wide. */
    static final String RECIPIENT_PERMISSION = "users.edit";

    /** What one run did in a tenant. */
    record Outcome(List<String> disabled, List<String> kept) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final TenantSettingsStore settings;
    private final TenantDirectory tenants;
    private final AccountLifecycle lifecycle;
    private final Access access;
    private final UserStore users;
    private final Outbox outbox;
    private final Clock clock;

    InactivityRule(JdbcClient jdbc, TransactionTemplate transactions, TenantSettingsStore settings,
            TenantDirectory tenants, AccountLifecycle lifecycle, Access access, UserStore users, Outbox outbox,
            Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.settings = settings;
        this.tenants = tenants;
        this.lifecycle = lifecycle;
        this.access = access;
        this.users = users;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Scheduled(cron = "${gatehouse.users.inactivity-cron:0 15 2 * * *}", zone = "UTC")
    void disableDormantAccounts() {
        for (TenantId tenant : tenantsWithActivePeople()) {
            try {
                run(tenant).ifPresent(outcome -> {
                    if (!outcome.disabled().isEmpty() || !outcome.kept().isEmpty()) {
                        log.info("inactivity {}: disabled {}, kept {}", tenant, outcome.disabled().size(),
                                outcome.kept().size());
                    }
                });
            } catch (RuntimeException e) {
                log.error("inactivity rule in {} failed; nobody there was disabled", tenant, e);
            }
        }
    }

    /** One tenant's run; empty when the rule is off there or another node holds the tenant. */
    Optional<Outcome> run(TenantId tenant) {
        Optional<Duration> limit = settings.of(tenant).inactivityLimit();
        Optional<TenantDirectory.Named> named = tenants.named(tenant);
        if (limit.isEmpty() || named.isEmpty()) {
            return Optional.empty();
        }
        TenantScope.Scoped scoped = TenantScope.of(tenant, named.get().slug(), named.get().pack());
        int days = (int) limit.get().toDays();
        return transactions.execute(status -> {
            if (!jdbc.sql("select pg_try_advisory_xact_lock(hashtextextended(:key, 0))")
                    .param("key", "gatehouse-inactivity:" + tenant).query(Boolean.class).single()) {
                return Optional.<Outcome>empty();
            }
            Instant idleSince = clock.instant().minus(limit.get());
            List<String> disabled = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            for (Dormant dormant : dormant(tenant, idleSince)) {
                try {
                    lifecycle.disableForInactivity(scoped, dormant.id(), idleSince, days)
                            .ifPresent(user -> disabled.add(line(user)));
                } catch (ApiException lastAdministrator) {
                    // LastAdministrator refused (409): the tenant keeps someone who can let the others back in.
                    kept.add(dormant.username() + ", the last active administrator, who stays active");
                }
            }
            if (!disabled.isEmpty() || !kept.isEmpty()) {
                mailAdmins(tenant, days, disabled, kept);
            }
            return Optional.of(new Outcome(disabled, kept));
        });
    }

    private record Dormant(UUID id, String username) {}

    private List<TenantId> tenantsWithActivePeople() {
        return jdbc.sql("select distinct tenant_id from users where status = 'ACTIVE' and kind = 'HUMAN'")
                .query(UUID.class).list().stream().map(TenantId::new).toList();
    }

    private List<Dormant> dormant(TenantId tenant, Instant idleSince) {
        return jdbc.sql("""
                        select id, username from users
                        where tenant_id = :tenant and status = 'ACTIVE' and kind = 'HUMAN'
                          and coalesce(last_sign_in_at, created_at) <= :idleSince
                        order by username_normalized, id
                        """)
                .param("tenant", tenant.value()).param("idleSince", idleSince.atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Dormant(rs.getObject("id", UUID.class), rs.getString("username"))).list();
    }

    private static String line(UserAccount user) {
        return user.username() + " (" + user.firstName() + " " + user.lastName() + "), last sign-in "
                + (user.lastSignInAt() == null ? "never" : user.lastSignInAt().toString());
    }

    private void mailAdmins(TenantId tenant, int days, List<String> disabled, List<String> kept) {
        StringBuilder body = new StringBuilder("Accounts with no sign-in for " + days + " days (inactivityDisableDays)"
                + " were disabled tonight in " + tenants.name(tenant) + ".\n\n");
        if (!disabled.isEmpty()) {
            body.append("Disabled:\n");
            disabled.forEach(line -> body.append("- ").append(line).append('\n'));
        }
        if (!kept.isEmpty()) {
            body.append("\nNot disabled:\n");
            kept.forEach(line -> body.append("- ").append(line).append('\n'));
        }
        body.append("\nAn administrator can enable an account again from its user page.\n");
        for (String address : recipients(tenant)) {
            outbox.enqueue(tenant, new Outbox.Message(address, "Inactive accounts disabled: " + disabled.size(),
                    body.toString(), Outbox.Kind.NOTICE));
        }
    }

    /** Active users with an address who hold {@link #RECIPIENT_PERMISSION} tenant-wide, unconditionally. */
    private List<String> recipients(TenantId tenant) {
        List<UUID> admins = access.tenantWideHolders(tenant, RECIPIENT_PERMISSION, clock.instant());
        return admins.isEmpty() ? List.of() : users.activeEmails(tenant, admins);
    }
}
