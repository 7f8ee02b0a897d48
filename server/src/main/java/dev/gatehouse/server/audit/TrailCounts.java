package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Counts over the audit trail for the alerts' counting rules; each query walks one time-ordered
 * index of migration V75 within the tenant. Here, beside the trail that owns {@code audit_events},
 * so only the audit package writes SQL about it (docs/style.md rule 16).
 */
@Component
public class TrailCounts {

    /**
     * Whether a user signed in successfully before (1) or not (0), and whether from one address: the
     * counts stop at one, since the rule only asks whether there is a baseline and whether the address is in it.
     */
    public record SignIns(long total, long fromAddress) {}

    private final JdbcClient jdbc;

    TrailCounts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Whether the user did anything on the trail (failed or refused sign-ins aside, which anyone
     * can cause): a user with a history is locked, not deleted.
     */
    public boolean hasActed(TenantId tenant, UUID user) {
        return jdbc.sql("""
                        select exists (select 1 from audit_events
                                       where tenant_id = :tenant and actor_id = :user
                                         and action not in ('LOGIN_FAILED', 'SIGN_IN_REFUSED_IP'))
                        """)
                .param("tenant", tenant.value()).param("user", user).query(Boolean.class).single();
    }

    public long failedSignIns(TenantId tenant, Instant since) {
        return jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :tenant and action = 'LOGIN_FAILED' and at > :since
                        """)
                .param("tenant", tenant.value()).param("since", since.atOffset(ZoneOffset.UTC))
                .query(Long.class).single();
    }

    public long failedSignIns(TenantId tenant, String userId, Instant since) {
        return jdbc.sql("""
                        select count(*) from audit_events
                        where tenant_id = :tenant and action = 'LOGIN_FAILED' and target_id = :user and at > :since
                        """)
                .param("tenant", tenant.value()).param("user", userId).param("since", since.atOffset(ZoneOffset.UTC))
                .query(Long.class).single();
    }

    /** Distinct records (type and id) {@code actor} touched through {@code actions} since then. */
    public long recordsTouched(TenantId tenant, UUID actor, List<String> actions, Instant since, long upTo) {
        // Counting stops at the threshold: a busy user's hour of events is not re-read on every event.
        return jdbc.sql("""
                        select count(*) from (
                            select distinct target_type, target_id from audit_events
                            where tenant_id = :tenant and actor_id = :actor and at > :since
                              and action = any(:actions) and target_id is not null
                            limit :upTo) touched
                        """)
                .param("tenant", tenant.value()).param("actor", actor).param("since", since.atOffset(ZoneOffset.UTC))
                .param("actions", actions.toArray(String[]::new)).param("upTo", upTo)
                .query(Long.class).single();
    }

    /** The user's successful sign-ins before event {@code seq} still in the trail, counted up to one each. */
    public SignIns signInsBefore(TenantId tenant, UUID user, long seq, String ip) {
        return jdbc.sql("""
                        select
                            (select count(*) from (select 1 from audit_events
                                where tenant_id = :tenant and actor_id = :user and action = 'LOGIN_SUCCEEDED'
                                  and seq < :seq limit 1) any_before) as total,
                            (select count(*) from (select 1 from audit_events
                                where tenant_id = :tenant and actor_id = :user and action = 'LOGIN_SUCCEEDED'
                                  and seq < :seq and ip = :ip limit 1) same_address) as from_address
                        """)
                .param("tenant", tenant.value()).param("user", user).param("seq", seq).param("ip", ip)
                .query((rs, n) -> new SignIns(rs.getLong("total"), rs.getLong("from_address"))).single();
    }
}
