package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A user's role assignments as the users API reads and removes them (new ones go through {@code Assignments}). */
@Repository
public class UserAssignments {

    /** One assignment: user × role × where (null: tenant-wide) × when × why. */
    public record Held(UUID id, UUID user, String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, String source, @Nullable UUID grantedBy, Instant createdAt) {

        public boolean validAt(Instant at) {
            return (startsAt == null || !at.isBefore(startsAt)) && (expiresAt == null || at.isBefore(expiresAt));
        }
    }

    private static final String COLUMNS =
            "id, user_id, role_key, location_id, starts_at, expires_at, source, granted_by, created_at";

    private final JdbcClient jdbc;

    UserAssignments(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Held> of(TenantId tenant, UUID user) {
        return jdbc.sql("select " + COLUMNS + """
                         from assignments where tenant_id = :tenant and user_id = :user order by created_at, id
                        """)
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> held(rs)).list();
    }

    List<Held> page(TenantId tenant, UUID user, int page, int size) {
        return jdbc.sql("select " + COLUMNS + """
                         from assignments where tenant_id = :tenant and user_id = :user
                        order by created_at, id limit :size offset :offset
                        """)
                .param("tenant", tenant.value()).param("user", user).param("size", size)
                .param("offset", (long) page * size)
                .query((rs, n) -> held(rs)).list();
    }

    long count(TenantId tenant, UUID user) {
        return jdbc.sql("select count(*) from assignments where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).query(Long.class).single();
    }

    Optional<Held> find(TenantId tenant, UUID user, UUID assignment) {
        return jdbc.sql("select " + COLUMNS + """
                         from assignments where tenant_id = :tenant and user_id = :user and id = :id
                        """)
                .param("tenant", tenant.value()).param("user", user).param("id", assignment)
                .query((rs, n) -> held(rs)).optional();
    }

    void delete(TenantId tenant, UUID assignment) {
        jdbc.sql("delete from assignments where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", assignment).update();
    }

    /** The active users holding {@code role} tenant-wide right now: the tenant's administrators. */
    List<UUID> activeHoldersTenantWide(TenantId tenant, String role, Instant now) {
        return jdbc.sql("""
                        select distinct a.user_id from assignments a
                        join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
                        where a.tenant_id = :tenant and a.role_key = :role and a.location_id is null
                          and (a.starts_at is null or a.starts_at <= :now) and (a.expires_at is null or a.expires_at > :now)
                          and u.status = 'ACTIVE'
                        """)
                .param("tenant", tenant.value()).param("role", role).param("now", utc(now))
                .query(UUID.class).list();
    }

    /**
     * Serialises, per tenant, the changes that could remove its last administrator: two admins
     * locking each other at the same moment must not both succeed. Held until the transaction ends.
     */
    void serialiseAdministratorChanges(TenantId tenant) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "gatehouse-administrators:" + tenant).query().singleValue();
    }

    private static Held held(ResultSet rs) throws SQLException {
        return new Held(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("role_key"),
                rs.getString("location_id"), instant(rs, "starts_at"), instant(rs, "expires_at"),
                rs.getString("source"), rs.getObject("granted_by", UUID.class), instant(rs, "created_at"));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
