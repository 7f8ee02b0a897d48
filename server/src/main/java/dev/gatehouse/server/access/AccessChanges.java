package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Announces a change that can alter decisions. PostgreSQL delivers a NOTIFY when (and only if) the
 * transaction commits, to every node listening (docs/architecture.md, caches); this node also
 * evicts right after its own commit.
 */
@Component
public class AccessChanges {

    static final String CHANNEL = "gatehouse_access";

    private final JdbcClient jdbc;
    private final AccessCache cache;

    AccessChanges(JdbcClient jdbc, AccessCache cache) {
        this.jdbc = jdbc;
        this.cache = cache;
    }

    /** Roles, grants, catalog, locations or the tenant's state changed: every profile of the tenant. */
    public void policyChanged(TenantId tenant) {
        publish("policy:" + tenant, () -> cache.evictTenant(tenant));
    }

    /** One user's state or assignments changed. */
    public void subjectChanged(TenantId tenant, UUID user) {
        publish("subject:" + tenant + ":" + user, () -> cache.evictSubject(tenant, user));
    }

    /**
     * One user's stored relationships changed (a tuple of theirs, or of a care team they are in):
     * every node drops its index of them, and loads it again on their next check that needs it.
     */
    public void relationshipsChanged(TenantId tenant, UUID user) {
        publish("relations:" + tenant + ":" + user, () -> cache.evictRelations(tenant, user));
    }

    private void publish(String payload, Runnable evict) {
        jdbc.sql("select pg_notify(:channel, :payload)").param("channel", CHANNEL).param("payload", payload)
                .query().singleValue();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    evict.run();
                }
            });
        } else {
            evict.run();
        }
    }
}
