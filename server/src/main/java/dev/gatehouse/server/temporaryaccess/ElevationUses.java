package dev.gatehouse.server.temporaryaccess;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.access.OneTimeAssignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Spends elevations for access (issue 13): a lasting one stands for every check in its window and
 * is remembered as such on this node, so its checks stay off the database after the first; a
 * one-time one is marked {@code USED} in its own transaction — the row lock lets exactly one
 * caller, on any node, through — which also deletes its assignment, records {@code ELEVATION_USED}
 * and announces the change to every node.
 */
@Component
class ElevationUses implements OneTimeAssignments {

    /** Elevation assignments known to be lasting: whether one is one-time never changes. */
    private final Cache<UUID, Boolean> lasting = Caffeine.newBuilder().maximumSize(100_000).build();
    private final ElevationStore store;
    private final Assignments assignments;
    private final AccessChanges changes;
    private final Actors actors;
    private final Members members;
    private final AuditLog audit;
    private final TransactionTemplate ownTransaction;
    private final Clock clock;

    ElevationUses(ElevationStore store, Assignments assignments, AccessChanges changes, Actors actors, Members members,
            AuditLog audit, PlatformTransactionManager transactions, Clock clock) {
        this.store = store;
        this.assignments = assignments;
        this.changes = changes;
        this.actors = actors;
        this.members = members;
        this.audit = audit;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    @Override
    public boolean spend(TenantId tenant, UUID user, UUID assignment) {
        if (lasting.getIfPresent(assignment) != null) {
            return true;
        }
        Optional<Boolean> oneTime = store.oneTime(tenant, assignment);
        if (oneTime.isEmpty() || !oneTime.get()) {
            lasting.put(assignment, Boolean.TRUE);
            return true;
        }
        Boolean spent = ownTransaction.execute(status -> {
            Instant now = clock.instant();
            Optional<ElevationStore.Request> used = store.markUsed(tenant, assignment, now);
            if (used.isEmpty()) {
                return false;
            }
            assignments.delete(tenant, assignment);
            String username = members.username(tenant, user).orElse(null);
            Map<String, Object> details = Elevations.details(used.get());
            details.put("assignment", assignment.toString());
            audit.record(tenant, "ELEVATION_USED", actors.of(tenant, user, username),
                    new AuditLog.Target("user", user.toString(), username), null, null, details);
            changes.subjectChanged(tenant, user);
            return true;
        });
        return Boolean.TRUE.equals(spent);
    }
}
