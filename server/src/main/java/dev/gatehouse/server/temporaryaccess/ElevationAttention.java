package dev.gatehouse.server.temporaryaccess;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The home page's card of elevation requests waiting for a decision, for whoever may assign roles
 * ({@value Elevations#ASSIGN}, who decides them), never counting their own requests. The count is of
 * the tenant's undecided requests; the Temporary access screen then offers only those the engine
 * lets this person decide (their grants must cover the role).
 */
@Component
class ElevationAttention implements Attention {

    private final JdbcClient jdbc;
    private final Access access;

    ElevationAttention(JdbcClient jdbc, Access access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (caller.isPlatformOperator() || !access.allows(caller, Elevations.ASSIGN, null)) {
            return List.of();
        }
        long waiting = jdbc.sql("""
                        select count(*) from elevation_requests
                        where tenant_id = :tenant and status = 'PENDING' and pending_until > :now and requester <> :me
                        """)
                .param("tenant", caller.tenant().value()).param("now", now.atOffset(ZoneOffset.UTC))
                .param("me", caller.userId()).query(Long.class).single();
        return List.of(new Card("elevation-requests", "Elevation requests to decide", waiting,
                "/console/temporary-access", "People asking for a role for a while"));
    }
}
