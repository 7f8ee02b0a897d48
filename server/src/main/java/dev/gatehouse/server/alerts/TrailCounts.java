package dev.gatehouse.server.alerts;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Counts over the audit trail for the counting rules; each query walks one time-ordered index of
 * migration V75 within the tenant.
 */
@Component
class TrailCounts {

    /** A user's earlier successful sign-ins: how many, and how many from one address. */
    record SignIns(long total, long fromAddress) {}

    private final JdbcClient jdbc;

    TrailCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long failedSignIns(TenantId tenant, Instant since) {
        return jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :tenant and action = 'LOGIN_FAILED' and at > :since
                        """)
                .param("tenant", tenant.value()).param("since", since.atOffset(ZoneOffset.UTC))
                .query(Long.class).single();
    }

    long failedSignIns(TenantId tenant, String userId, Instant since) {
        return jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :tenant and action = 'LOGIN_FAILED' and target_id = :user and at > :since
                        """)
                .param("tenant", tenant.value()).param("user", userId).param("since", since.atOffset(ZoneOffset.UTC))
                .query(Long.class).single();
    }

    /** Distinct records (type and id) {@code actor} touched through {@code actions} since then. */
    long recordsTouched(TenantId tenant, UUID actor, List<String> actions, Instant since) {
        return jdbc.sql("""
                        select count(distinct (target_type, target_id)) from audit_events
                        where tenant_id = :tenant and actor_id = :actor and at > :since
                          and action = any(:actions) and target_id is not null
                        """)
                .param("tenant", tenant.value()).param("actor", actor).param("since", since.atOffset(ZoneOffset.UTC))
                .param("actions", actions.toArray(String[]::new))
                .query(Long.class).single();
    }

    /** The user's successful sign-ins before event {@code seq} still in the trail. */
    SignIns signInsBefore(TenantId tenant, UUID user, long seq, String ip) {
        return jdbc.sql("""
                        select count(*) as total, count(*) filter (where ip = :ip) as from_address from audit_events
                        where tenant_id = :tenant and actor_id = :user and action = 'LOGIN_SUCCEEDED' and seq < :seq
                        """)
                .param("tenant", tenant.value()).param("user", user).param("seq", seq).param("ip", ip)
                .query((rs, n) -> new SignIns(rs.getLong("total"), rs.getLong("from_address"))).single();
    }
}
