package dev.gatehouse.server.emergencyaccess;

import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code emergency_access} table (V115). */
@Repository
class EmergencyAccessStore {

    private static final String COLUMNS = """
            id, user_id, resource_type, resource_id, location_id, reason, opened_at, expires_at, relationship_id,
            ended_at, ended_by, review_outcome, review_note, reviewed_by, reviewed_at""";

    /** What the queue asks for; each part null when not filtered on. */
    record Filter(EmergencyAccess.@Nullable Status status, @Nullable UUID user) {}

    private final JdbcClient jdbc;

    EmergencyAccessStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serialises openings by one user until the transaction ends, so two requests at once cannot both
     * find no open access to the same resource and both open one.
     */
    void lockUser(TenantId tenant, UUID user) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "gatehouse.emergency-access:" + tenant + ":" + user).query().singleValue();
    }

    void insert(TenantId tenant, EmergencyAccess access) {
        jdbc.sql("""
                        insert into emergency_access (tenant_id, id, user_id, resource_type, resource_id, location_id,
                            reason, opened_at, expires_at, relationship_id)
                        values (:tenant, :id, :user, :type, :resourceId, :location, :reason, :openedAt, :expiresAt,
                            :relationship)
                        """)
                .param("tenant", tenant.value()).param("id", access.id()).param("user", access.user())
                .param("type", access.resourceType()).param("resourceId", access.resourceId())
                .param("location", Ids.parse(access.location()).orElse(null))
                .param("reason", access.reason()).param("openedAt", utc(access.openedAt()))
                .param("expiresAt", utc(access.expiresAt())).param("relationship", access.relationshipId())
                .update();
    }

    Optional<EmergencyAccess> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from emergency_access where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> access(rs)).optional();
    }

    /** As {@link #find}, the row locked until the transaction ends: one review, one end. */
    Optional<EmergencyAccess> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from emergency_access where tenant_id = :tenant and id = :id"
                        + " for update")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> access(rs)).optional();
    }

    /** The user's access to the resource that is still open at {@code now}, if any. */
    Optional<EmergencyAccess> openFor(TenantId tenant, UUID user, String type, String resourceId, Instant now) {
        return jdbc.sql("select " + COLUMNS + """
                         from emergency_access
                        where tenant_id = :tenant and user_id = :user and resource_type = :type
                          and resource_id = :resourceId and ended_at is null and expires_at > :now
                        order by opened_at desc limit 1
                        """)
                .param("tenant", tenant.value()).param("user", user).param("type", type)
                .param("resourceId", resourceId).param("now", utc(now)).query((rs, n) -> access(rs)).optional();
    }

    void end(TenantId tenant, UUID id, Instant at, UUID by) {
        jdbc.sql("update emergency_access set ended_at = :at, ended_by = :by where tenant_id = :tenant and id = :id")
                .param("at", utc(at)).param("by", by).param("tenant", tenant.value()).param("id", id).update();
    }

    void review(TenantId tenant, UUID id, EmergencyAccess.Outcome outcome, @Nullable String note, UUID by,
            Instant at) {
        jdbc.sql("""
                        update emergency_access set review_outcome = :outcome, review_note = :note,
                            reviewed_by = :by, reviewed_at = :at
                        where tenant_id = :tenant and id = :id
                        """)
                .param("outcome", outcome.name()).param("note", note).param("by", by).param("at", utc(at))
                .param("tenant", tenant.value()).param("id", id).update();
    }

    /** A page of the queue, newest first. */
    List<EmergencyAccess> list(TenantId tenant, Filter filter, int page, int size) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(tenant, filter, params);
        return jdbc.sql("select " + COLUMNS + " from emergency_access where " + where
                        + " order by opened_at desc, id limit :limit offset :offset")
                .params(params).param("limit", size).param("offset", (long) page * size)
                .query((rs, n) -> access(rs)).list();
    }

    long count(TenantId tenant, Filter filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(tenant, filter, params);
        return jdbc.sql("select count(*) from emergency_access where " + where).params(params)
                .query(Long.class).single();
    }

    private static String where(TenantId tenant, Filter filter, Map<String, Object> params) {
        StringBuilder where = new StringBuilder("tenant_id = :tenant");
        params.put("tenant", tenant.value());
        if (filter.status() != null) {
            where.append(filter.status() == EmergencyAccess.Status.PENDING_REVIEW ? " and review_outcome is null"
                    : " and review_outcome is not null");
        }
        if (filter.user() != null) {
            where.append(" and user_id = :user");
            params.put("user", filter.user());
        }
        return where.toString();
    }

    private static @Nullable OffsetDateTime utc(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static EmergencyAccess access(ResultSet rs) throws SQLException {
        UUID location = rs.getObject("location_id", UUID.class);
        String outcome = rs.getString("review_outcome");
        return new EmergencyAccess(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class),
                rs.getString("resource_type"), rs.getString("resource_id"),
                location == null ? null : location.toString(), rs.getString("reason"),
                rs.getObject("opened_at", OffsetDateTime.class).toInstant(),
                rs.getObject("expires_at", OffsetDateTime.class).toInstant(),
                rs.getObject("relationship_id", UUID.class), instant(rs, "ended_at"),
                rs.getObject("ended_by", UUID.class),
                outcome == null ? null : EmergencyAccess.Outcome.valueOf(outcome), rs.getString("review_note"),
                rs.getObject("reviewed_by", UUID.class), instant(rs, "reviewed_at"));
    }
}
