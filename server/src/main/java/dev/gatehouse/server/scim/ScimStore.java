package dev.gatehouse.server.scim;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The scim_* tables: what SCIM keeps of a user beyond the account, and the groups with their members and roles. */
@Repository
class ScimStore {

    /** What SCIM keeps of one user; {@code removed}: deleted through SCIM but kept, disabled, for its history. */
    record UserRow(UUID user, @Nullable String externalId, ObjectNode attributes, Instant createdAt, Instant updatedAt,
            boolean removed) {}

    record GroupRow(UUID id, String displayName, @Nullable String externalId, boolean rolesSet, Instant createdAt,
            Instant updatedAt) {}

    /** A role a group gives: the role's key, where (null: tenant-wide). */
    record GroupRole(String role, @Nullable UUID location) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    ScimStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<UserRow> user(TenantId tenant, UUID user) {
        return jdbc.sql("select * from scim_users where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).query((rs, n) -> userRow(rs)).optional();
    }

    Map<UUID, UserRow> users(TenantId tenant) {
        Map<UUID, UserRow> rows = new LinkedHashMap<>();
        jdbc.sql("select * from scim_users where tenant_id = :tenant").param("tenant", tenant.value())
                .query((rs, n) -> userRow(rs)).list().forEach(row -> rows.put(row.user(), row));
        return rows;
    }

    void saveUser(TenantId tenant, UUID user, @Nullable String externalId, ObjectNode attributes, Instant now) {
        jdbc.sql("""
                        insert into scim_users (tenant_id, user_id, external_id, attributes, created_at, updated_at)
                        values (:tenant, :user, :externalId, cast(:attributes as jsonb), :now, :now)
                        on conflict (tenant_id, user_id) do update set external_id = excluded.external_id,
                            attributes = excluded.attributes, updated_at = excluded.updated_at
                        """)
                .param("tenant", tenant.value()).param("user", user).param("externalId", externalId)
                .param("attributes", JSON.writeValueAsString(attributes)).param("now", utc(now)).update();
    }

    void markRemoved(TenantId tenant, UUID user, Instant now) {
        jdbc.sql("""
                        insert into scim_users (tenant_id, user_id, removed, created_at, updated_at)
                        values (:tenant, :user, true, :now, :now)
                        on conflict (tenant_id, user_id) do update set removed = true, updated_at = excluded.updated_at
                        """)
                .param("tenant", tenant.value()).param("user", user).param("now", utc(now)).update();
    }

    Optional<GroupRow> group(TenantId tenant, UUID group) {
        return jdbc.sql("select * from scim_groups where tenant_id = :tenant and id = :group")
                .param("tenant", tenant.value()).param("group", group).query((rs, n) -> groupRow(rs)).optional();
    }

    /** The group row locked for this transaction's change. */
    Optional<GroupRow> groupForUpdate(TenantId tenant, UUID group) {
        return jdbc.sql("select * from scim_groups where tenant_id = :tenant and id = :group for update")
                .param("tenant", tenant.value()).param("group", group).query((rs, n) -> groupRow(rs)).optional();
    }

    List<GroupRow> groups(TenantId tenant) {
        return jdbc.sql("select * from scim_groups where tenant_id = :tenant order by lower(display_name), id")
                .param("tenant", tenant.value()).query((rs, n) -> groupRow(rs)).list();
    }

    boolean groupNameTaken(TenantId tenant, String displayName, @Nullable UUID except) {
        return jdbc.sql("""
                        select exists (select 1 from scim_groups where tenant_id = :tenant
                            and lower(display_name) = lower(:name) and id is distinct from :except)
                        """)
                .param("tenant", tenant.value()).param("name", displayName).param("except", except)
                .query(Boolean.class).single();
    }

    void insertGroup(TenantId tenant, UUID id, String displayName, @Nullable String externalId, Instant now) {
        jdbc.sql("""
                        insert into scim_groups (tenant_id, id, display_name, external_id, created_at, updated_at)
                        values (:tenant, :id, :name, :externalId, :now, :now)
                        """)
                .param("tenant", tenant.value()).param("id", id).param("name", displayName)
                .param("externalId", externalId).param("now", utc(now)).update();
    }

    void updateGroup(TenantId tenant, UUID id, String displayName, @Nullable String externalId, Instant now) {
        jdbc.sql("""
                        update scim_groups set display_name = :name, external_id = :externalId, updated_at = :now
                        where tenant_id = :tenant and id = :id
                        """)
                .param("tenant", tenant.value()).param("id", id).param("name", displayName)
                .param("externalId", externalId).param("now", utc(now)).update();
    }

    void deleteGroup(TenantId tenant, UUID id) {
        jdbc.sql("delete from scim_groups where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).update();
    }

    List<UUID> members(TenantId tenant, UUID group) {
        return jdbc.sql("select user_id from scim_group_members where tenant_id = :tenant and group_id = :group")
                .param("tenant", tenant.value()).param("group", group).query(UUID.class).list();
    }

    /** Every group's members, for a list of groups. */
    Map<UUID, List<UUID>> members(TenantId tenant) {
        Map<UUID, List<UUID>> members = new LinkedHashMap<>();
        jdbc.sql("select group_id, user_id from scim_group_members where tenant_id = :tenant")
                .param("tenant", tenant.value())
                .query((rs, n) -> Map.entry(rs.getObject("group_id", UUID.class), rs.getObject("user_id", UUID.class)))
                .list().forEach(pair -> members.computeIfAbsent(pair.getKey(), k -> new ArrayList<>()).add(pair.getValue()));
        return members;
    }

    void setMembers(TenantId tenant, UUID group, Collection<UUID> users) {
        jdbc.sql("delete from scim_group_members where tenant_id = :tenant and group_id = :group")
                .param("tenant", tenant.value()).param("group", group).update();
        for (UUID user : users) {
            jdbc.sql("insert into scim_group_members (tenant_id, group_id, user_id) values (:tenant, :group, :user)")
                    .param("tenant", tenant.value()).param("group", group).param("user", user).update();
        }
    }

    List<UUID> groupsOf(TenantId tenant, UUID user) {
        return jdbc.sql("select group_id from scim_group_members where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).query(UUID.class).list();
    }

    void leaveAll(TenantId tenant, UUID user) {
        jdbc.sql("delete from scim_group_members where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).update();
    }

    List<GroupRole> roles(TenantId tenant, UUID group) {
        return jdbc.sql("""
                        select role_key, location_id from scim_group_roles where tenant_id = :tenant and group_id = :group
                        order by position
                        """)
                .param("tenant", tenant.value()).param("group", group)
                .query((rs, n) -> new GroupRole(rs.getString("role_key"), rs.getObject("location_id", UUID.class)))
                .list();
    }

    void setRoles(TenantId tenant, UUID group, List<GroupRole> roles, Instant now) {
        jdbc.sql("delete from scim_group_roles where tenant_id = :tenant and group_id = :group")
                .param("tenant", tenant.value()).param("group", group).update();
        int position = 0;
        for (GroupRole role : roles) {
            jdbc.sql("""
                            insert into scim_group_roles (tenant_id, group_id, position, role_key, location_id)
                            values (:tenant, :group, :position, :role, :location)
                            """)
                    .param("tenant", tenant.value()).param("group", group).param("position", position++)
                    .param("role", role.role()).param("location", role.location()).update();
        }
        jdbc.sql("update scim_groups set roles_set = true, updated_at = :now where tenant_id = :tenant and id = :group")
                .param("tenant", tenant.value()).param("group", group).param("now", utc(now)).update();
    }

    private static UserRow userRow(ResultSet rs) throws SQLException {
        return new UserRow(rs.getObject("user_id", UUID.class), rs.getString("external_id"),
                (ObjectNode) JSON.readTree(rs.getString("attributes")), instant(rs, "created_at"),
                instant(rs, "updated_at"), rs.getBoolean("removed"));
    }

    private static GroupRow groupRow(ResultSet rs) throws SQLException {
        return new GroupRow(rs.getObject("id", UUID.class), rs.getString("display_name"), rs.getString("external_id"),
                rs.getBoolean("roles_set"), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
