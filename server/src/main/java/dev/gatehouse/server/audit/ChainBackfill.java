package dev.gatehouse.server.audit;

import dev.gatehouse.server.shared.TenantId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hashes events written before the chain existed (a database upgraded past V60; a fresh one has
 * none). Runs for every such tenant at start, before the server takes requests, and from
 * {@link AuditLog#record} if a tenant's first new event comes first. Both hold the tenant's row lock
 * on {@code audit_sequences}, so it happens once per tenant.
 */
@Component
class ChainBackfill implements SmartInitializingSingleton {

    /** Events read and hashed at a time. */
    private static final int PAGE = 5_000;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    ChainBackfill(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactions);
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<UUID> pending = jdbc.sql("select tenant_id from audit_sequences where last_hash is null and last_seq > 0")
                .query(UUID.class).list();
        for (UUID tenant : pending) {
            transactions.executeWithoutResult(status -> {
                Long last = jdbc.sql("""
                                select last_seq from audit_sequences
                                where tenant_id = :tenant and last_hash is null for update
                                """)
                        .param("tenant", tenant).query(Long.class).optional().orElse(null);
                if (last != null) {
                    byte[] hash = chainUpTo(new TenantId(tenant), last);
                    jdbc.sql("update audit_sequences set last_hash = :hash where tenant_id = :tenant")
                            .param("hash", hash).param("tenant", tenant).update();
                }
            });
        }
    }

    /**
     * Hashes the tenant's unhashed events up to {@code seq}, in order, and returns the hash of the
     * last. The caller holds the tenant's {@code audit_sequences} row lock.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    byte[] chainUpTo(TenantId tenant, long seq) {
        // The append-only trigger lets these updates through only with this transaction-local setting.
        jdbc.sql("select set_config('gatehouse.audit_purge', 'on', true)").query(String.class).single();
        byte[] previous = AuditChain.ZERO;
        long after = 0;
        List<StoredEvents.Stored> page;
        do {
            // A page at a time, so that a tenant with millions of events upgrades in bounded memory.
            page = new ArrayList<>(PAGE);
            List<StoredEvents.Stored> events = page;
            jdbc.sql("select " + StoredEvents.COLUMNS + """

                             from audit_events where tenant_id = :tenant and seq > :after and seq <= :seq
                             order by seq limit :page
                            """)
                    .param("tenant", tenant.value()).param("after", after).param("seq", seq).param("page", PAGE)
                    .query(rs -> {
                        events.add(StoredEvents.read(rs));
                    });
            for (StoredEvents.Stored event : page) {
                after = event.content().seq();
                if (event.hash() != null) {
                    previous = event.hash();
                    continue;
                }
                byte[] hash = AuditChain.hash(event.content(), previous);
                jdbc.sql("""
                                update audit_events set prev_hash = :previous, hash = :hash, details = cast(:details as jsonb)
                                where tenant_id = :tenant and seq = :seq
                                """)
                        .param("previous", previous).param("hash", hash).param("details", event.content().details())
                        .param("tenant", tenant.value()).param("seq", event.content().seq()).update();
                previous = hash;
            }
        } while (page.size() == PAGE);
        jdbc.sql("select set_config('gatehouse.audit_purge', 'off', true)").query(String.class).single();
        return previous;
    }
}
