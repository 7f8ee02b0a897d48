package dev.gatehouse.server.emergencyaccess;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The home page's card of emergency (break-glass) accesses not reviewed yet, for whoever reviews them. */
@Component
class BreakGlassAttention implements Attention {

    static final String REVIEW = "break_glass.review";

    private final JdbcClient jdbc;
    private final Access access;

    BreakGlassAttention(JdbcClient jdbc, Access access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (caller.isPlatformOperator() || !access.allows(caller, REVIEW, null)) {
            return List.of();
        }
        long unreviewed = jdbc.sql("""
                        select count(*) from emergency_access
                        where tenant_id = :tenant and reviewed_at is null and user_id <> :me
                        """)
                .param("tenant", caller.tenant().value()).param("me", caller.userId()).query(Long.class).single();
        return List.of(new Card("break-glass-reviews", "Break-glass access to review", unreviewed,
                "/console/break-glass-reviews", "Emergency access to records that no reviewer has judged yet"));
    }
}
