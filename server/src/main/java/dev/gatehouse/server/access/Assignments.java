package dev.gatehouse.server.access;

import dev.gatehouse.server.database.CopyRows;
import dev.gatehouse.server.database.PlannerStatistics;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Who holds which role, where and when. */
@Repository
public class Assignments {

    /** One stored assignment: user × role × where (null: tenant-wide) × when × why. */
    public record Row(UUID id, UUID user, String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, String source, @Nullable UUID grantedBy, Instant createdAt) {}

    private static final String COLUMNS =
            "id, user_id, role_key, location_id, starts_at, expires_at, source, granted_by, created_at";

    private final JdbcClient jdbc;
    private final CopyRows copy;
    private final PlannerStatistics statistics;

    Assignments(JdbcClient jdbc, CopyRows copy, PlannerStatistics statistics) {
        this.jdbc = jdbc;
        this.copy = copy;
        this.statistics = statistics;
    }

    public UUID insert(TenantId tenant, UUID user, String role, @Nullable UUID location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, String source, @Nullable UUID grantedBy) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into assignments (tenant_id, id, user_id, role_key, location_id, starts_at, expires_at, source, granted_by)
                        values (:tenant, :id, :user, :role, :location, :startsAt, :expiresAt, :source, :grantedBy)
                        """)
                .param("tenant", tenant.value()).param("id", id).param("user", user).param("role", role)
                .param("location", location)
                .param("startsAt", startsAt == null ? null : startsAt.atOffset(ZoneOffset.UTC))
                .param("expiresAt", expiresAt == null ? null : expiresAt.atOffset(ZoneOffset.UTC))
                .param("source", source).param("grantedBy", grantedBy)
                .update();
        return id;
    }


    /** One assignment of a batch; its id chosen by the caller. */
    public record NewRow(UUID id, UUID user, String role, @Nullable UUID location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, String source, @Nullable UUID grantedBy) {}

    /** Inserts a batch of assignments with one {@code COPY} (issue 17: the bulk import of users). */
    public void insertAll(TenantId tenant, List<NewRow> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<@Nullable Object[]> rows = new ArrayList<>(batch.size());
        for (NewRow row : batch) {
            rows.add(new @Nullable Object[] {tenant.value(), row.id(), row.user(), row.role(), row.location(),
                row.startsAt(), row.expiresAt(), row.source(), row.grantedBy()});
        }
        copy.copy("assignments", List.of("tenant_id", "id", "user_id", "role_key", "location_id", "starts_at",
                "expires_at", "source", "granted_by"), rows);
    }

    /**
     * Refreshes the planner's statistics of {@code assignments} when they no longer describe it
     * ({@link PlannerStatistics#stale}; after a bulk load: the user import); true when it did.
     */
    public boolean analyzeIfStale() {
        if (!statistics.stale("assignments")) {
            return false;
        }
        jdbc.sql("analyze assignments").update();
        return true;
    }

    /** The user's assignments, oldest first, expired and future ones included. */
    public List<Row> of(TenantId tenant, UUID user) {
        return jdbc.sql("select " + COLUMNS + """
                         from assignments where tenant_id = :tenant and user_id = :user order by created_at, id
                        """)
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> row(rs)).list();
    }

    /** One page of {@link #of}. */
    public List<Row> page(TenantId tenant, UUID user, int page, int size) {
        return jdbc.sql("select " + COLUMNS + """
                         from assignments where tenant_id = :tenant and user_id = :user
                        order by created_at, id limit :size offset :offset
                        """)
                .param("tenant", tenant.value()).param("user", user).param("size", size)
                .param("offset", (long) page * size)
                .query((rs, n) -> row(rs)).list();
    }

    public long count(TenantId tenant, UUID user) {
        return jdbc.sql("select count(*) from assignments where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).query(Long.class).single();
    }

    public Optional<Row> find(TenantId tenant, UUID user, UUID assignment) {
        return jdbc.sql("select " + COLUMNS + """
                         from assignments where tenant_id = :tenant and user_id = :user and id = :id
                        """)
                .param("tenant", tenant.value()).param("user", user).param("id", assignment)
                .query((rs, n) -> row(rs)).optional();
    }

    public void delete(TenantId tenant, UUID assignment) {
        jdbc.sql("delete from assignments where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", assignment).update();
    }

    /** The users holding {@code role} tenant-wide at {@code now}, whatever their account's status. */
    public List<UUID> holdersTenantWide(TenantId tenant, String role, Instant now) {
        return jdbc.sql("""
                        select distinct user_id from assignments
                        where tenant_id = :tenant and role_key = :role and location_id is null
                          and (starts_at is null or starts_at <= :now) and (expires_at is null or expires_at > :now)
                        """)
                .param("tenant", tenant.value()).param("role", role).param("now", now.atOffset(ZoneOffset.UTC))
                .query(UUID.class).list();
    }

    /**
     * Issue 13, access reviews: the assignments not expired at {@code now} (current and coming ones)
     * whose role is one of {@code roles} and whose location is one of {@code locations}; an empty
     * list does not filter. A location filter leaves out tenant-wide assignments. By user, then age.
     */
    public List<Row> inScope(TenantId tenant, Collection<String> locations, Collection<String> roles, Instant now) {
        return jdbc.sql("select " + COLUMNS + """
                         from assignments
                        where tenant_id = :tenant and (expires_at is null or expires_at > :now)
                          and (cardinality(cast(:roles as text[])) = 0 or role_key = any (cast(:roles as text[])))
                          and (cardinality(cast(:locations as uuid[])) = 0
                               or location_id = any (cast(:locations as uuid[])))
                        order by user_id, created_at, id
                        """)
                .param("tenant", tenant.value()).param("now", now.atOffset(ZoneOffset.UTC))
                .param("roles", roles.toArray(String[]::new)).param("locations", locations.toArray(String[]::new))
                .query((rs, n) -> row(rs)).list();
    }

    /** How many assignments are at the location, counting expired and future ones. */
    public long countAt(TenantId tenant, UUID location) {
        return jdbc.sql("select count(*) from assignments where tenant_id = :tenant and location_id = :location")
                .param("tenant", tenant.value()).param("location", location).query(Long.class).single();
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("role_key"),
                rs.getString("location_id"), instant(rs, "starts_at"), instant(rs, "expires_at"),
                rs.getString("source"), rs.getObject("granted_by", UUID.class), instant(rs, "created_at"));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
