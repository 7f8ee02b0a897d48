package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Counts over the audit trail for the alerts' counting rules. A rule's time window is read as a range
 * of sequence numbers ({@link #SINCE}, V95), so each count walks one index in sequence order within the
 * tenant (the action's, the actor's), as the trail's searches do; issue 17: the three time-ordered
 * indexes V75 made for these counts were written by every event and are gone (V159). Here, beside the
 * trail that owns {@code audit_events}, so only the audit package writes SQL about it (docs/style.md rule 16).
 */
@Component
public class TrailCounts {

    /**
     * Whether a user signed in successfully before (1) or not (0), and whether from one address: the
     * counts stop at one, since the rule only asks whether there is a baseline and whether the address is in it.
     */
    public record SignIns(long total, long fromAddress) {}

    /**
     * The events after {@code :since} as a range of sequence numbers: {@code bound.lowest}, the first of
     * them, found with one probe of the (tenant, time, sequence) index, and {@code bound.exact}, whether every
     * event from it on is after {@code :since}. That holds when the window lies in the part of the trail in
     * time order (V95: from {@code ordered_from} on, each event at or after the one before it and after
     * {@code unordered_until}, which every earlier event is not after). When a clock far behind put events
     * out of order within the window, each event's time is checked instead ({@link #afterSince}).
     */
    private static final String SINCE = """
            with bound as (
                select coalesce(max(case when s.unordered_until is null or s.unordered_until <= :since
                                         then coalesce((select f.seq from audit_events f
                                                        where f.tenant_id = :tenant and f.at > :since
                                                        order by f.at, f.seq limit 1), s.last_seq + 1)
                                         else 0 end), 0) as lowest,
                       coalesce(bool_or(s.unordered_until is null or s.unordered_until <= :since), false) as exact
                from audit_sequences s where s.tenant_id = :tenant)
            """;

    /**
     * {@code columns} of the events matching {@code filter} (on {@code audit_events e}) after {@code :since}, by
     * {@link #SINCE}'s bound: from its lowest sequence number on, walking an index in sequence order, or, when
     * the window is not exact, by each event's time. Only one of the two parts runs.
     */
    private static String afterSince(String columns, String filter) {
        return """
                select %1$s from audit_events e
                where (select exact from bound) and e.seq >= (select lowest from bound) and %2$s
                union all
                select %1$s from audit_events e
                where not (select exact from bound) and e.at > :since and %2$s""".formatted(columns, filter);
    }

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
        return jdbc.sql(SINCE + "select count(*) from (" + afterSince("1", """
                        e.tenant_id = :tenant and e.action = 'LOGIN_FAILED'""") + ") failed")
                .param("tenant", tenant.value()).param("since", since.atOffset(ZoneOffset.UTC))
                .query(Long.class).single();
    }

    public long failedSignIns(TenantId tenant, String userId, Instant since) {
        return jdbc.sql(SINCE + "select count(*) from (" + afterSince("1", """
                        e.tenant_id = :tenant and e.action = 'LOGIN_FAILED' and e.target_id = :user""") + ") failed")
                .param("tenant", tenant.value()).param("user", userId).param("since", since.atOffset(ZoneOffset.UTC))
                .query(Long.class).single();
    }

    /** Distinct records (type and id) {@code actor} touched through {@code actions} since then. */
    public long recordsTouched(TenantId tenant, UUID actor, List<String> actions, Instant since, long upTo) {
        // Counting stops at the threshold: a busy user's hour of events is not re-read on every event.
        return jdbc.sql(SINCE + "select count(*) from (select distinct target_type, target_id from ("
                        + afterSince("e.target_type, e.target_id", """
                                e.tenant_id = :tenant and e.actor_id = :actor and e.action = any(:actions)
                                and e.target_id is not null""") + ") recent limit :upTo) touched")
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
