package dev.gatehouse.server.users;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The home page's account cards for whoever may read the tenant's users: invitations not yet
 * accepted, accounts locked now, and people who have not signed in for the tenant's
 * {@code inactivityDisableDays} (the {@link InactivityRule}'s days, so the card warns of whom the rule
 * will disable), or {@link #DORMANT} when the rule is off (seed 000's "dormant accounts" a manager
 * should disable). The card says the number of days. Hidden accounts are left out, as the roster leaves
 * them out of its counts for most readers.
 *
 * <p>Each count stops at {@link Roster#COUNTED_AT_MOST}, as the user list's total does (issue 17): a
 * home page must not scan a roster of a million, and "10,000+" is all a manager needs to know. The
 * counts read partial indexes (V150) in their order, so each costs at most that many index entries
 * whatever the roster's size (docs/benchmarks.md).
 */
@Component
class AccountsAttention implements Attention {

    static final Duration DORMANT = Duration.ofDays(90);

    private final JdbcClient jdbc;
    private final Access access;
    private final TenantSettingsStore settings;

    AccountsAttention(JdbcClient jdbc, Access access, TenantSettingsStore settings) {
        this.jdbc = jdbc;
        this.access = access;
        this.settings = settings;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (caller.isPlatformOperator() || !access.allows(caller, "users.read", null)) {
            return List.of();
        }
        Duration dormantAfter = settings.of(caller.tenant()).inactivityLimit().orElse(DORMANT);
        // Each count reads at most one index entry past the cap, in index order: that entry says the count is a
        // lower bound. The order by makes each scan stop there (a bitmap scan would read every match first).
        Counts counts = jdbc.sql("""
                        select (select count(*) from (select 1 from users
                                    where tenant_id = :tenant and status = 'INVITED' and not hidden
                                    order by id limit :cap + 1) capped) as invited,
                               (select count(*) from (
                                    (select 1 from users
                                     where tenant_id = :tenant and status = 'LOCKED' and not hidden
                                     order by id limit :cap + 1)
                                    union all
                                    (select 1 from users
                                     where tenant_id = :tenant and status = 'ACTIVE' and not hidden
                                       and locked_until > :now
                                     order by locked_until limit :cap + 1)
                                    limit :cap + 1) capped) as locked,
                               (select count(*) from (select 1 from users
                                    where tenant_id = :tenant and status = 'ACTIVE' and kind = 'HUMAN' and not hidden
                                      and coalesce(last_sign_in_at, created_at) < :dormantSince
                                    order by coalesce(last_sign_in_at, created_at) limit :cap + 1) capped) as dormant
                        """)
                .param("tenant", caller.tenant().value()).param("now", now.atOffset(ZoneOffset.UTC))
                .param("dormantSince", now.minus(dormantAfter).atOffset(ZoneOffset.UTC))
                .param("cap", Roster.COUNTED_AT_MOST)
                .query((rs, n) -> new Counts(rs.getLong("invited"), rs.getLong("locked"), rs.getLong("dormant")))
                .single();
        return List.of(
                card("pending-invitations", "Pending invitations", counts.invited(), "/console/users?status=INVITED",
                        "People invited who have not set their password yet"),
                card("locked-accounts", "Locked accounts", counts.locked(), "/console/users?status=LOCKED",
                        "People who cannot sign in until an admin unlocks them or the lock ends"),
                card("dormant-accounts", "Dormant accounts", counts.dormant(), "/console/users?status=ACTIVE",
                        "Active people who have not signed in for " + dormantAfter.toDays() + " days"));
    }

    private static Card card(String id, String title, long counted, String link, String hint) {
        boolean more = counted > Roster.COUNTED_AT_MOST;
        return new Card(id, title, more ? Roster.COUNTED_AT_MOST : counted, link, hint, more);
    }

    private record Counts(long invited, long locked, long dormant) {}
}
