package dev.gatehouse.server.temporaryaccess;

import dev.gatehouse.server.shared.Ids;
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

/** The {@code delegations} table: who lent which role to whom, where, for when and why. */
@Repository
class DelegationStore {

    /** One delegation as stored; {@code assignment} is the delegate's assignment while it has not ended. */
    record Delegation(UUID id, UUID from, UUID to, String role, @Nullable String location, @Nullable Instant startsAt,
            Instant expiresAt, String reason, @Nullable UUID assignment, UUID createdBy, Instant createdAt,
            @Nullable Instant endedAt, @Nullable UUID endedBy) {}

    private static final String COLUMNS = "id, from_user, to_user, role_key, location_id, starts_at, expires_at, reason,"
            + " assignment_id, created_by, created_at, ended_at, ended_by";

    private final JdbcClient jdbc;

    DelegationStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(TenantId tenant, Delegation delegation) {
        jdbc.sql("""
                        insert into delegations (tenant_id, id, from_user, to_user, role_key, location_id, starts_at,
                                                 expires_at, reason, assignment_id, created_by, created_at)
                        values (:tenant, :id, :from, :to, :role, :location, :startsAt, :expiresAt, :reason, :assignment,
                                :createdBy, :createdAt)
                        """)
                .param("tenant", tenant.value()).param("id", delegation.id()).param("from", delegation.from())
                .param("to", delegation.to()).param("role", delegation.role())
                .param("location", delegation.location() == null ? null : Ids.parse(delegation.location()).orElseThrow())
                .param("startsAt", time(delegation.startsAt())).param("expiresAt", time(delegation.expiresAt()))
                .param("reason", delegation.reason()).param("assignment", delegation.assignment())
                .param("createdBy", delegation.createdBy()).param("createdAt", time(delegation.createdAt()))
                .update();
    }

    Optional<Delegation> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from delegations where tenant_id = :tenant and id = :id for update")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    /** The tenant's delegations, newest first; only those lent by or to {@code user} when given. */
    List<Delegation> list(TenantId tenant, @Nullable UUID user) {
        return jdbc.sql("select " + COLUMNS + """
                         from delegations
                        where tenant_id = :tenant and (cast(:user as uuid) is null or from_user = :user or to_user = :user)
                        order by created_at desc, id
                        """)
                .param("tenant", tenant.value()).param("user", user).query((rs, n) -> row(rs)).list();
    }

    /**
     * Delegations not ended nor expired at {@code now}, lent by {@code lender} (all of the tenant's
     * when null): those a change of the lender may have ended.
     */
    List<Delegation> lentBy(TenantId tenant, @Nullable UUID lender, Instant now) {
        return jdbc.sql("select " + COLUMNS + """
                         from delegations
                        where tenant_id = :tenant and (cast(:lender as uuid) is null or from_user = :lender)
                          and ended_at is null and expires_at > :now
                        """)
                .param("tenant", tenant.value()).param("lender", lender).param("now", time(now))
                .query((rs, n) -> row(rs)).list();
    }

    /** Ends a delegation; {@code by} is null when the system ended it (its lender lost the role). */
    void end(TenantId tenant, UUID id, Instant at, @Nullable UUID by) {
        jdbc.sql("""
                        update delegations set ended_at = :at, ended_by = :by, assignment_id = null
                        where tenant_id = :tenant and id = :id
                        """)
                .param("tenant", tenant.value()).param("id", id).param("at", time(at)).param("by", by).update();
    }

    private static Delegation row(ResultSet rs) throws SQLException {
        return new Delegation(rs.getObject("id", UUID.class), rs.getObject("from_user", UUID.class),
                rs.getObject("to_user", UUID.class), rs.getString("role_key"), rs.getString("location_id"),
                instant(rs, "starts_at"), instant(rs, "expires_at"), rs.getString("reason"),
                rs.getObject("assignment_id", UUID.class), rs.getObject("created_by", UUID.class),
                instant(rs, "created_at"), instant(rs, "ended_at"), rs.getObject("ended_by", UUID.class));
    }

    static @Nullable OffsetDateTime time(@Nullable Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }

    static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
