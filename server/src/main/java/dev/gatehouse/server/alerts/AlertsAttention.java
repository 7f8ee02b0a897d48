package dev.gatehouse.server.alerts;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Attention;
import dev.gatehouse.server.shared.Caller;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The home page's card of alerts raised in the last {@link #RECENT}, for whoever may read the alert rules. */
@Component
class AlertsAttention implements Attention {

    static final Duration RECENT = Duration.ofDays(7);

    private final JdbcClient jdbc;
    private final Access access;

    AlertsAttention(JdbcClient jdbc, Access access) {
        this.jdbc = jdbc;
        this.access = access;
    }

    @Override
    public List<Card> cardsFor(Caller caller, Instant now) {
        if (caller.isPlatformOperator() || !access.allows(caller, "settings.read", null)) {
            return List.of();
        }
        long recent = jdbc.sql("select count(*) from alerts where tenant_id = :tenant and raised_at > :since")
                .param("tenant", caller.tenant().value()).param("since", now.minus(RECENT).atOffset(ZoneOffset.UTC))
                .query(Long.class).single();
        return List.of(new Card("recent-alerts", "Recent alerts", recent, "/console/alerts",
                "Alerts raised in the last 7 days"));
    }
}
