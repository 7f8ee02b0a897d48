package dev.gatehouse.server.users;

import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * A user's role assignments as the users API reads and removes them. The {@code assignments}
 * table is access's ({@link Assignments}); this is the users feature's view of it.
 */
@Component
public class UserAssignments {

    /** One assignment: user × role × where (null: tenant-wide) × when × why. */
    public record Held(UUID id, UUID user, String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, String source, @Nullable UUID grantedBy, Instant createdAt) {

        public boolean validAt(Instant at) {
            return (startsAt == null || !at.isBefore(startsAt)) && (expiresAt == null || at.isBefore(expiresAt));
        }
    }

    private final JdbcClient jdbc;
    private final Assignments assignments;
    private final UserStore users;

    UserAssignments(JdbcClient jdbc, Assignments assignments, UserStore users) {
        this.jdbc = jdbc;
        this.assignments = assignments;
        this.users = users;
    }

    List<Held> of(TenantId tenant, UUID user) {
        return assignments.of(tenant, user).stream().map(UserAssignments::held).toList();
    }

    List<Held> page(TenantId tenant, UUID user, int page, int size) {
        return assignments.page(tenant, user, page, size).stream().map(UserAssignments::held).toList();
    }

    long count(TenantId tenant, UUID user) {
        return assignments.count(tenant, user);
    }

    Optional<Held> find(TenantId tenant, UUID user, UUID assignment) {
        return assignments.find(tenant, user, assignment).map(UserAssignments::held);
    }

    void delete(TenantId tenant, UUID assignment) {
        assignments.delete(tenant, assignment);
    }

    /** The active users holding {@code role} tenant-wide right now: the tenant's administrators. */
    List<UUID> activeHoldersTenantWide(TenantId tenant, String role, Instant now) {
        List<UUID> holders = assignments.holdersTenantWide(tenant, role, now);
        return holders.isEmpty() ? List.of() : users.activeAmong(tenant, holders);
    }

    /**
     * Serialises, per tenant, the changes that could remove its last administrator: two admins
     * locking each other at the same moment must not both succeed. Held until the transaction ends.
     */
    void serialiseAdministratorChanges(TenantId tenant) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "gatehouse-administrators:" + tenant).query().singleValue();
    }

    private static Held held(Assignments.Row row) {
        return new Held(row.id(), row.user(), row.role(), row.location(), row.startsAt(), row.expiresAt(),
                row.source(), row.grantedBy(), row.createdAt());
    }
}
