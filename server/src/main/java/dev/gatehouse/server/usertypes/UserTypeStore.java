package dev.gatehouse.server.usertypes;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The user_types table. */
@Repository
class UserTypeStore {

    private static final String COLUMNS = "key, name, base_roles, agent_types, created_at, updated_at";

    private final JdbcClient jdbc;

    UserTypeStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<UserType> all(TenantId tenant) {
        return jdbc.sql("select " + COLUMNS + " from user_types where tenant_id = :tenant order by key")
                .param("tenant", tenant.value()).query((rs, n) -> type(rs)).list();
    }

    Optional<UserType> find(TenantId tenant, String key) {
        return jdbc.sql("select " + COLUMNS + " from user_types where tenant_id = :tenant and key = :key")
                .param("tenant", tenant.value()).param("key", key).query((rs, n) -> type(rs)).optional();
    }

    /** Row-locks the type, so that two edits of one type's roles re-grant one after the other. */
    Optional<UserType> findForUpdate(TenantId tenant, String key) {
        return jdbc.sql("select " + COLUMNS + " from user_types where tenant_id = :tenant and key = :key for update")
                .param("tenant", tenant.value()).param("key", key).query((rs, n) -> type(rs)).optional();
    }

    /** False when the key is taken (the insert does nothing). */
    boolean insert(TenantId tenant, String key, String name, List<String> baseRoles, List<String> agentTypes,
            Instant now) {
        return jdbc.sql("""
                        insert into user_types (tenant_id, key, name, base_roles, agent_types, created_at, updated_at)
                        values (:tenant, :key, :name, :roles, :agents, :now, :now)
                        on conflict do nothing
                        """)
                .param("tenant", tenant.value()).param("key", key).param("name", name)
                .param("roles", baseRoles.toArray(String[]::new)).param("agents", agentTypes.toArray(String[]::new))
                .param("now", now.atOffset(ZoneOffset.UTC)).update() == 1;
    }

    void update(TenantId tenant, String key, String name, List<String> baseRoles, List<String> agentTypes,
            Instant now) {
        jdbc.sql("""
                        update user_types set name = :name, base_roles = :roles, agent_types = :agents,
                            updated_at = :now
                        where tenant_id = :tenant and key = :key
                        """)
                .param("tenant", tenant.value()).param("key", key).param("name", name)
                .param("roles", baseRoles.toArray(String[]::new)).param("agents", agentTypes.toArray(String[]::new))
                .param("now", now.atOffset(ZoneOffset.UTC)).update();
    }

    void delete(TenantId tenant, String key) {
        jdbc.sql("delete from user_types where tenant_id = :tenant and key = :key")
                .param("tenant", tenant.value()).param("key", key).update();
    }

    private static UserType type(ResultSet rs) throws SQLException {
        return new UserType(rs.getString("key"), rs.getString("name"), strings(rs, "base_roles"),
                strings(rs, "agent_types"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }
}
