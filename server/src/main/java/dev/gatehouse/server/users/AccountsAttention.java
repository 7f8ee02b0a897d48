package dev.gatehouse.server.users;

import dev.gatehouse.server.access.Access;
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
 * accepted, accounts locked now, and people who have not signed in for {@link #DORMANT} (seed 000's
 * "dormant accounts" a manager should disable). Hidden accounts are left out, as the roster leaves
 * them out of its counts for most readers.
 */
@Component
class AccountsAttention implements Attention {

    static final Duration DORMANT = Duration.ofDays(90);

    private final JdbcClient jdbc;
    private final Access access;

    AccountsAttention(JdbcClient jdbc, Access access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (caller.isPlatformOperator() || !access.allows(caller, "users.read", null)) {
            return List.of();
        }
        Counts counts = jdbc.sql("""
                        select count(*) filter (where status = 'INVITED') as invited,
                               count(*) filter (where status = 'LOCKED' or (status = 'ACTIVE' and locked_until > :now))
                                   as locked,
                               count(*) filter (where status = 'ACTIVE' and kind = 'HUMAN'
                                   and coalesce(last_sign_in_at, created_at) < :dormantSince) as dormant
                        from users where tenant_id = :tenant and not hidden
                        """)
                .param("tenant", caller.tenant().value()).param("now", now.atOffset(ZoneOffset.UTC))
                .param("dormantSince", now.minus(DORMANT).atOffset(ZoneOffset.UTC))
                .query((rs, n) -> new Counts(rs.getLong("invited"), rs.getLong("locked"), rs.getLong("dormant")))
                .single();
        return List.of(
                new Card("pending-invitations", "Pending invitations", counts.invited(), "/console/users?status=INVITED",
                        "People invited who have not set their password yet"),
                new Card("locked-accounts", "Locked accounts", counts.locked(), "/console/users?status=LOCKED",
                        "People who cannot sign in until an admin unlocks them or the lock ends"),
                new Card("dormant-accounts", "Dormant accounts", counts.dormant(), "/console/users?status=ACTIVE",
                        "Active people who have not signed in for " + DORMANT.toDays() + " days"));
    }

    private record Counts(long invited, long locked, long dormant) {}
}
