package dev.gatehouse.server.alerts;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The tenant's latest alerts, for its alerts screen: the rule, when, and the counts that made it fire. */
@Component
class RecentAlerts {

    static final int SHOWN = 20;

    /** One raised alert: its rule's name, what it said (the trigger's action and actor), and when. */
    record Raised(String rule, String label, Instant raisedAt, String action, String actor, long count) {}

    private final JdbcClient jdbc;

    RecentAlerts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Raised> of(TenantId tenant) {
        return jdbc.sql("""
                        select rule, raised_at, details->'event'->>'action' as action, details->'event'->>'actor' as actor,
                               coalesce((details->>'count')::bigint, 1) as count
                        from alerts where tenant_id = :tenant order by raised_at desc limit :shown
                        """)
                .param("tenant", tenant.value()).param("shown", SHOWN)
                .query((rs, n) -> new Raised(rs.getString("rule"), RuleLabels.label(rs.getString("rule")),
                        rs.getObject("raised_at", OffsetDateTime.class).toInstant(),
                        String.valueOf(rs.getString("action")), String.valueOf(rs.getString("actor")),
                        rs.getLong("count")))
                .list();
    }
}
