package dev.gatehouse.server.temporaryaccess;

import static dev.gatehouse.server.temporaryaccess.DelegationStore.instant;
import static dev.gatehouse.server.temporaryaccess.DelegationStore.time;

import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code elevation_requests} table: who asked for which role, for how long, and what became of it. */
@Repository
class ElevationStore {

    /** One request as stored; {@code status} as stored (a pending one past {@code pendingUntil} reads as expired). */
    record Request(UUID id, UUID requester, String role, @Nullable String location, String reason, int minutes,
            boolean oneTime, String status, Instant createdAt, Instant pendingUntil, @Nullable UUID decidedBy,
            @Nullable Instant decidedAt, @Nullable String note, @Nullable UUID assignment, @Nullable Instant expiresAt,
            @Nullable Instant usedAt) {}

    private static final String COLUMNS = "id, requester, role_key, location_id, reason, minutes, one_time, status,"
            + " created_at, pending_until, decided_by, decided_at, note, assignment_id, expires_at, used_at";

    private final JdbcClient jdbc;

    ElevationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(TenantId tenant, Request request) {
        jdbc.sql("""
                        insert into elevation_requests (tenant_id, id, requester, role_key, location_id, reason, minutes,
                                                        one_time, status, created_at, pending_until)
                        values (:tenant, :id, :requester, :role, :location, :reason, :minutes, :oneTime, 'PENDING',
                                :createdAt, :pendingUntil)
                        """)
                .param("tenant", tenant.value()).param("id", request.id()).param("requester", request.requester())
                .param("role", request.role())
                .param("location", request.location() == null ? null : Ids.parse(request.location()).orElseThrow())
                .param("reason", request.reason()).param("minutes", request.minutes())
                .param("oneTime", request.oneTime()).param("createdAt", time(request.createdAt()))
                .param("pendingUntil", time(request.pendingUntil()))
                .update();
    }

    Optional<Request> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from elevation_requests where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    Optional<Request> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from elevation_requests where tenant_id = :tenant and id = :id for update")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    /** The tenant's requests, newest first, at most {@code limit}. */
    List<Request> recent(TenantId tenant, int limit) {
        return jdbc.sql("select " + COLUMNS + """
                         from elevation_requests where tenant_id = :tenant order by created_at desc, id limit :limit
                        """)
                .param("tenant", tenant.value()).param("limit", limit).query((rs, n) -> row(rs)).list();
    }

    void approve(TenantId tenant, UUID id, UUID by, Instant at, @Nullable String note, UUID assignment,
            Instant expiresAt) {
        jdbc.sql("""
                        update elevation_requests
                        set status = 'APPROVED', decided_by = :by, decided_at = :at, note = :note,
                            assignment_id = :assignment, expires_at = :expiresAt
                        where tenant_id = :tenant and id = :id and status = 'PENDING'
                        """)
                .param("tenant", tenant.value()).param("id", id).param("by", by).param("at", time(at))
                .param("note", note).param("assignment", assignment).param("expiresAt", time(expiresAt)).update();
    }

    void deny(TenantId tenant, UUID id, UUID by, Instant at, @Nullable String note) {
        jdbc.sql("""
                        update elevation_requests set status = 'DENIED', decided_by = :by, decided_at = :at, note = :note
                        where tenant_id = :tenant and id = :id and status = 'PENDING'
                        """)
                .param("tenant", tenant.value()).param("id", id).param("by", by).param("at", time(at))
                .param("note", note).update();
    }

    /** Whether the assignment an approval made is one-time; empty for an assignment no request made. */
    Optional<Boolean> oneTime(TenantId tenant, UUID assignment) {
        return jdbc.sql("""
                        select one_time from elevation_requests where tenant_id = :tenant and assignment_id = :assignment
                        """)
                .param("tenant", tenant.value()).param("assignment", assignment).query(Boolean.class).optional();
    }

    /**
     * Marks the one-time elevation behind {@code assignment} used, if it is still unused: the row
     * lock makes exactly one of any concurrent callers, on any node, get the request back.
     */
    Optional<Request> markUsed(TenantId tenant, UUID assignment, Instant at) {
        return jdbc.sql("""
                        update elevation_requests set status = 'USED', used_at = :at
                        where tenant_id = :tenant and assignment_id = :assignment and one_time and status = 'APPROVED'
                        returning """ + " " + COLUMNS)
                .param("tenant", tenant.value()).param("assignment", assignment).param("at", time(at))
                .query((rs, n) -> row(rs)).optional();
    }

    private static Request row(ResultSet rs) throws SQLException {
        return new Request(rs.getObject("id", UUID.class), rs.getObject("requester", UUID.class),
                rs.getString("role_key"), rs.getString("location_id"), rs.getString("reason"), rs.getInt("minutes"),
                rs.getBoolean("one_time"), rs.getString("status"), instant(rs, "created_at"),
                instant(rs, "pending_until"), rs.getObject("decided_by", UUID.class), instant(rs, "decided_at"),
                rs.getString("note"), rs.getObject("assignment_id", UUID.class), instant(rs, "expires_at"),
                instant(rs, "used_at"));
    }
}
