package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Announces a change that can alter decisions. It is recorded in the {@link ChangeLog} and PostgreSQL
 * delivers a NOTIFY carrying its version when (and only if) the transaction commits, to every node
 * listening (docs/architecture.md, caches), whose change streams send it on (docs/changes.md); this
 * node also evicts right after its own commit.
 */
@Component
public class AccessChanges {

    static final String CHANNEL = "gatehouse_access";

    private final JdbcClient jdbc;
    private final AccessCache cache;
    private final ChangeLog log;

    AccessChanges(JdbcClient jdbc, AccessCache cache, ChangeLog log) {
        this.jdbc = jdbc;
        this.cache = cache;
        this.log = log;
    }

    /** Roles, grants, catalog, locations or the tenant's state changed: every profile of the tenant. */
    public void policyChanged(TenantId tenant) {
        publish(tenant, AccessChange.Kind.POLICY, null, () -> cache.evictTenant(tenant));
    }

    /** One user's state, assignments or username changed. */
    public void subjectChanged(TenantId tenant, UUID user) {
        publish(tenant, AccessChange.Kind.SUBJECT, user, () -> cache.evictSubject(tenant, user));
    }

    /**
     * A user's creation, announced by the statement that inserts the user (issue 17: a round trip fewer a
     * creation): logged and streamed as {@link #subjectChanged}; the NOTIFY says the user is new
     * ({@link AccessChanged.Subject#created}), so that no node asks the database what a user created this
     * moment has lent. The SQL stays this package's (docs/style.md rule 16): the caller composes
     * {@link #insertFrom} into its statement and binds it with {@link #bind}, whose parameters are named
     * {@code change…}; once that statement has inserted the user, {@link AccessChanges#subjectCreated} has this node evict
     * after the commit.
     */
    public record Creation(TenantId tenant, UUID user) {

        /**
         * The change log's row and its NOTIFY, once for each row of {@code source} (a name the caller's
         * statement defines, holding the user it inserted): none when it inserted nobody.
         */
        public String insertFrom(String source) {
            return ChangeLog.appendFrom(source);
        }

        public JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement) {
            return statement.param("changeTenant", tenant.value()).param("changeKind", AccessChange.Kind.SUBJECT.name())
                    .param("changeUser", user).param("changeChannel", CHANNEL)
                    .param("changePayload", AccessChange.payloadBefore(AccessChange.Kind.SUBJECT, tenant, user, true));
        }
    }

    /**
     * The user {@code creation} names was inserted, with its announcement, by the caller's statement: this
     * node's own eviction after the commit says the user is new too, as the NOTIFY does.
     */
    public void subjectCreated(Creation creation) {
        afterCommit(() -> cache.evictCreatedSubject(creation.tenant(), creation.user()));
    }

    /**
     * One user's stored relationships changed (a tuple of theirs, or of a care team they are in):
     * every node drops its index of them, and loads it again on their next check that needs it.
     */
    public void relationshipsChanged(TenantId tenant, UUID user) {
        publish(tenant, AccessChange.Kind.RELATIONS, user, () -> cache.evictRelations(tenant, user));
    }

    /**
     * {@link #relationshipsChanged(TenantId, UUID)} for many users at once (a batch of relationships):
     * one statement records them all and one sends their notifications, rather than two per user.
     */
    public void relationshipsChanged(TenantId tenant, Collection<UUID> users) {
        if (users.isEmpty()) {
            return;
        }
        List<UUID> changed = List.copyOf(new LinkedHashSet<>(users));
        List<Long> versions = log.appendAll(tenant, AccessChange.Kind.RELATIONS, changed);
        String[] payloads = new String[changed.size()];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = new AccessChange(versions.get(i), tenant, AccessChange.Kind.RELATIONS, changed.get(i))
                    .payload();
        }
        jdbc.sql("select count(pg_notify(:channel, payload)) from unnest(cast(:payloads as text[])) as payload")
                .param("channel", CHANNEL).param("payloads", payloads).query().singleValue();
        afterCommit(() -> changed.forEach(user -> cache.evictRelations(tenant, user)));
    }

    private void publish(TenantId tenant, AccessChange.Kind kind, @Nullable UUID user, Runnable evict) {
        log.appendAndNotify(tenant, kind, user, CHANNEL);
        afterCommit(evict);
    }

    /** This node evicts right after its own commit (or at once outside a transaction). */
    private static void afterCommit(Runnable evict) {
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
