package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The home page's card of roles that end within {@link #WEEK} (time-bound assignments, delegations
 * and approved elevations all end as assignments do): a manager renews or lets them lapse. For
 * whoever may read the tenant's users, as the users' pages show those assignments.
 */
@Component
class ExpiringAccess implements Attention {

    static final Duration WEEK = Duration.ofDays(7);

    private final JdbcClient jdbc;
    private final Access access;

    ExpiringAccess(JdbcClient jdbc, Access access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (caller.isPlatformOperator() || !access.allows(caller, "users.read", null)) {
            return List.of();
        }
        long expiring = jdbc.sql("""
                        select count(*) from assignments
                        where tenant_id = :tenant and expires_at > :now and expires_at <= :until
                        """)
                .param("tenant", caller.tenant().value()).param("now", now.atOffset(ZoneOffset.UTC))
                .param("until", now.plus(WEEK).atOffset(ZoneOffset.UTC)).query(Long.class).single();
        return List.of(new Card("access-expiring", "Access expiring this week", expiring, "/console/users",
                "Roles given for a time that end within 7 days"));
    }
}
