package dev.gatehouse.server.overrides;

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

/** The platform_overrides table. */
@Repository
class OverrideStore {

    private static final String COLUMNS = """
            tenant_id, id, operator_tenant_id, operator_id, operator_username, reason, role_key, account_id,
            assignment_id, session_id, starts_at, expires_at, ended_at, ended_by""";

    private final JdbcClient jdbc;

    OverrideStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Override override) {
        jdbc.sql("insert into platform_overrides (" + COLUMNS + ") " + """
                        values (:tenant, :id, :operatorTenant, :operator, :operatorName, :reason, :role, :account,
                            :assignment, :session, :startsAt, :expiresAt, null, null)""")
                .param("tenant", override.tenant().value()).param("id", override.id())
                .param("operatorTenant", override.operatorTenant().value()).param("operator", override.operatorId())
                .param("operatorName", override.operatorUsername()).param("reason", override.reason())
                .param("role", override.role()).param("account", override.account())
                .param("assignment", override.assignment()).param("session", override.session())
                .param("startsAt", utc(override.startsAt())).param("expiresAt", utc(override.expiresAt()))
                .update();
    }

    /** The override, locked until the transaction ends so that two ends of it are one. */
    Optional<Override> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from platform_overrides where tenant_id = :tenant and id = :id for update")
                .param("tenant", tenant.value()).param("id", id).query(OverrideStore::read).optional();
    }

    /** The tenant's latest overrides, newest first. */
    List<Override> recent(TenantId tenant, int limit) {
        return jdbc.sql("select " + COLUMNS
                        + " from platform_overrides where tenant_id = :tenant order by starts_at desc limit :limit")
                .param("tenant", tenant.value()).param("limit", limit).query(OverrideStore::read).list();
    }

    /** Overrides of every tenant whose window closed without anyone ending them. */
    List<Override> lapsed(Instant now) {
        return jdbc.sql("select " + COLUMNS + " from platform_overrides where ended_at is null and expires_at <= :now"
                        + " order by expires_at limit 100 for update skip locked")
                .param("now", utc(now)).query(OverrideStore::read).list();
    }

    void end(TenantId tenant, UUID id, Instant at, String by) {
        jdbc.sql("update platform_overrides set ended_at = :at, ended_by = :by where tenant_id = :tenant and id = :id")
                .param("at", utc(at)).param("by", by).param("tenant", tenant.value()).param("id", id).update();
    }

    private static Override read(ResultSet row, int number) throws SQLException {
        return new Override(new TenantId(row.getObject("tenant_id", UUID.class)), row.getObject("id", UUID.class),
                new TenantId(row.getObject("operator_tenant_id", UUID.class)), row.getObject("operator_id", UUID.class),
                row.getString("operator_username"), row.getString("reason"), row.getString("role_key"),
                row.getObject("account_id", UUID.class), row.getObject("assignment_id", UUID.class),
                row.getObject("session_id", UUID.class), instant(row, "starts_at"), instant(row, "expires_at"),
                nullableInstant(row, "ended_at"), row.getString("ended_by"));
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return row.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static @Nullable Instant nullableInstant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
