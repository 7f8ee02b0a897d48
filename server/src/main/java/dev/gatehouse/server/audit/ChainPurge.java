package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The database side of the retention purge (issue 5, docs/audit.md "Retention"): which of a
 * tenant's events are due, and, once they are archived, their removal together with the
 * {@value #CHECKPOINT} event that lets the remaining chain verify. The removal is the one use of
 * the append-only trigger's door ({@code gatehouse.audit_purge}) besides the one-time backfill.
 */
@Component
public class ChainPurge {

    /** The checkpoint's action; {@link ChainVerifier} starts a purged chain from it. */
    public static final String CHECKPOINT = "AUDIT_PURGED";

    /** Events {@code fromSeq..throughSeq} of a tenant, both included, with no gap. */
    public record Range(long fromSeq, long throughSeq) {
        public long count() {
            return throughSeq - fromSeq + 1;
        }
    }

    /** The archive file the removed events were written to first, and its SHA-256 (hex). */
    public record Archive(String name, String sha256) {}

    /** A purge to record: what is removed, why (events before {@code olderThan}) and where it went. */
    public record Purge(Range range, Instant olderThan, Period retention, Archive archive) {}

    /** The checkpoint event's sequence number and the hash (hex) of the last removed event. */
    public record Checkpoint(long seq, String lastRemovedHash) {}

    /** Identifies the purge among the application's advisory locks; the tenant is the second key. */
    private static final int LOCK_CLASS = 0x61756470;

    private final JdbcClient jdbc;
    private final AuditLog audit;

    ChainPurge(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** Every tenant that has audit events, for the daily purge. */
    public List<TenantId> tenants() {
        return jdbc.sql("select tenant_id from audit_sequences where last_seq > 0 order by tenant_id")
                .query(UUID.class).list().stream().map(TenantId::new).toList();
    }

    /**
     * Takes the tenant's purge lock until the current transaction ends, without waiting: false when
     * another purge of the tenant (on this node or another) holds it. A transaction-level advisory
     * lock, so appends, which lock {@code audit_sequences}, go on meanwhile.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public boolean tryLock(TenantId tenant) {
        return jdbc.sql("select pg_try_advisory_xact_lock(:lockClass, :tenant)")
                .param("lockClass", LOCK_CLASS).param("tenant", tenant.value().hashCode())
                .query(Boolean.class).single();
    }

    /**
     * The events a purge of everything before {@code olderThan} removes: the unbroken run from the
     * oldest stored event up to the first one at or after {@code olderThan}. It always stops before
     * the newest event other than a checkpoint, so the trail keeps its last real activity and never
     * consists of checkpoints alone; a run of nothing but earlier checkpoints is not worth a purge
     * (the new checkpoint would only replace them). Empty when there is nothing to do.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Optional<Range> due(TenantId tenant, Instant olderThan) {
        record Bounds(@Nullable Long first, @Nullable Long newestReal, @Nullable Long firstYoung) {}
        Bounds bounds = jdbc.sql("""
                        select (select min(seq) from audit_events where tenant_id = :tenant) as first,
                            (select max(seq) from audit_events where tenant_id = :tenant and action <> :checkpoint)
                                as newest_real,
                            (select seq from audit_events where tenant_id = :tenant and at >= :olderThan
                                order by seq limit 1) as first_young
                        """)
                .param("tenant", tenant.value()).param("checkpoint", CHECKPOINT)
                .param("olderThan", OffsetDateTime.ofInstant(olderThan, ZoneOffset.UTC))
                .query((rs, n) -> new Bounds(rs.getObject("first", Long.class), rs.getObject("newest_real", Long.class),
                        rs.getObject("first_young", Long.class)))
                .single();
        if (bounds.first() == null || bounds.newestReal() == null) {
            return Optional.empty();
        }
        long through = bounds.newestReal() - 1;
        if (bounds.firstYoung() != null) {
            through = Math.min(through, bounds.firstYoung() - 1);
        }
        if (through < bounds.first()) {
            return Optional.empty();
        }
        boolean anyRealEvent = jdbc.sql("""
                        select exists (select 1 from audit_events where tenant_id = :tenant
                            and seq between :from and :through and action <> :checkpoint)
                        """)
                .param("tenant", tenant.value()).param("from", bounds.first()).param("through", through)
                .param("checkpoint", CHECKPOINT).query(Boolean.class).single();
        return anyRealEvent ? Optional.of(new Range(bounds.first(), through)) : Optional.empty();
    }

    /**
     * Removes the range, already archived, and appends the checkpoint in the current transaction:
     * both commit or neither does. Call it holding {@link #tryLock}.
     *
     * @throws IllegalStateException when the stored events are not exactly the range (the caller's
     *     transaction then rolls back and nothing is removed)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Checkpoint remove(TenantId tenant, Purge purge, AuditLog.Actor actor, @Nullable String ip,
            @Nullable String userAgent) {
        Range range = purge.range();
        String lastHash = jdbc.sql("select encode(hash, 'hex') from audit_events where tenant_id = :tenant and seq = :seq")
                .param("tenant", tenant.value()).param("seq", range.throughSeq()).query(String.class).optional()
                .orElseThrow(() -> new IllegalStateException("event " + range.throughSeq() + " is not stored"));
        // The append-only trigger lets the delete through only with this transaction-local setting.
        jdbc.sql("select set_config('gatehouse.audit_purge', 'on', true)").query(String.class).single();
        int removed = jdbc.sql("delete from audit_events where tenant_id = :tenant and seq between :from and :through")
                .param("tenant", tenant.value()).param("from", range.fromSeq()).param("through", range.throughSeq())
                .update();
        jdbc.sql("select set_config('gatehouse.audit_purge', 'off', true)").query(String.class).single();
        if (removed != range.count()) {
            throw new IllegalStateException("expected " + range.count() + " events in " + range + ", found " + removed);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("fromSeq", range.fromSeq());
        details.put("throughSeq", range.throughSeq());
        details.put("count", range.count());
        details.put("lastRemoved", Map.of("seq", range.throughSeq(), "hash", lastHash));
        details.put("archive", Map.of("name", purge.archive().name(), "sha256", purge.archive().sha256()));
        details.put("olderThan", purge.olderThan().toString());
        details.put("retention", purge.retention().toString());
        long seq = audit.record(tenant, CHECKPOINT, actor, new AuditLog.Target("tenant", tenant.toString(), null), ip,
                userAgent, details);
        return new Checkpoint(seq, lastHash);
    }

    /**
     * Removes a deleted tenant's whole trail (issue 16, {@code DELETE /api/v1/tenants/{tenant}}):
     * every event, its role index and its chain head, through the append-only trigger's door, in the
     * caller's transaction. Call it only once the trail is archived and the archive verified; the
     * deletion's own {@code TENANT_DELETED} event goes on the platform's trail, which names the archive.
     *
     * @return how many events were removed
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public int removeWholeTrail(TenantId tenant) {
        jdbc.sql("select set_config('gatehouse.audit_purge', 'on', true)").query(String.class).single();
        int removed = jdbc.sql("delete from audit_events where tenant_id = :tenant").param("tenant", tenant.value())
                .update();
        jdbc.sql("delete from audit_event_roles where tenant_id = :tenant").param("tenant", tenant.value()).update();
        jdbc.sql("delete from audit_sequences where tenant_id = :tenant").param("tenant", tenant.value()).update();
        jdbc.sql("select set_config('gatehouse.audit_purge', 'off', true)").query(String.class).single();
        return removed;
    }

    /**
     * Locks the tenant's chain head until the transaction ends and answers its last sequence number
     * (0 for a tenant with no events): no event can be appended meanwhile, so an archive written now
     * holds every event a {@link #removeWholeTrail} then removes.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public long lockChainHead(TenantId tenant) {
        return jdbc.sql("select last_seq from audit_sequences where tenant_id = :tenant for update")
                .param("tenant", tenant.value()).query(Long.class).optional().orElse(0L);
    }
}
