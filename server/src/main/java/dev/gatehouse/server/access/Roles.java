package dev.gatehouse.server.access;

import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A tenant's roles as stored, with their parents and grants in order, and who holds them. */
@Repository
class Roles {

    /** A role and what the engine does not need to know about it. */
    record StoredRole(Role role, boolean builtIn, Instant createdAt, Instant updatedAt) {
        String key() {
            return role.key();
        }
    }

    private final JdbcClient jdbc;
    private final RoleStore store;
    private final Members members;
    private final Structure structure;

    Roles(JdbcClient jdbc, RoleStore store, Members members, Structure structure) {
        this.jdbc = jdbc;
        this.store = store;
        this.members = members;
        this.structure = structure;
    }

    /**
     * Serialises the changes to one tenant's roles until the transaction ends: each change is
     * validated against the roles as they are, so two concurrent edits must not both pass and
     * together form an inheritance cycle.
     */
    void lock(TenantId tenant) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "gatehouse.roles:" + tenant).query().singleValue();
    }

    /** Built-in roles first, then custom ones, each by key. */
    List<StoredRole> page(TenantId tenant, int page, int size) {
        List<StoredRole> bare = jdbc.sql("""
                        select key, name, description, built_in, created_at, updated_at from roles
                        where tenant_id = :tenant order by built_in desc, key limit :size offset :offset
                        """)
                .param("tenant", tenant.value()).param("size", size).param("offset", (long) page * size)
                .query((rs, n) -> new StoredRole(
                        new Role(rs.getString("key"), rs.getString("name"), rs.getString("description"), List.of(),
                                List.of()),
                        rs.getBoolean("built_in"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .list();
        return complete(tenant, bare);
    }

    long count(TenantId tenant) {
        return jdbc.sql("select count(*) from roles where tenant_id = :tenant")
                .param("tenant", tenant.value()).query(Long.class).single();
    }

    Optional<StoredRole> find(TenantId tenant, String key) {
        List<StoredRole> bare = jdbc.sql("""
                        select key, name, description, built_in, created_at, updated_at from roles
                        where tenant_id = :tenant and key = :key
                        """)
                .param("tenant", tenant.value()).param("key", key)
                .query((rs, n) -> new StoredRole(
                        new Role(rs.getString("key"), rs.getString("name"), rs.getString("description"), List.of(),
                                List.of()),
                        rs.getBoolean("built_in"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant()))
                .list();
        return complete(tenant, bare).stream().findFirst();
    }

    /** The key of a role whose key equals {@code key} ignoring case, if any. */
    Optional<String> keyIgnoringCase(TenantId tenant, String key) {
        return jdbc.sql("select key from roles where tenant_id = :tenant and lower(key) = lower(:key) limit 1")
                .param("tenant", tenant.value()).param("key", key).query(String.class).optional();
    }

    /** How many distinct users hold each role (in any assignment, whether in force, future or expired). */
    Map<String, Long> holders(TenantId tenant) {
        Map<String, Long> holders = new HashMap<>();
        jdbc.sql("""
                        select role_key, count(distinct user_id) as holders from assignments
                        where tenant_id = :tenant group by role_key
                        """)
                .param("tenant", tenant.value())
                .query(rs -> {
                    holders.put(rs.getString("role_key"), rs.getLong("holders"));
                });
        return holders;
    }

    long holders(TenantId tenant, String key) {
        return jdbc.sql("select count(distinct user_id) from assignments where tenant_id = :tenant and role_key = :key")
                .param("tenant", tenant.value()).param("key", key).query(Long.class).single();
    }

    private record Held(UUID user, @Nullable UUID location, @Nullable Instant startsAt, @Nullable Instant expiresAt) {}

    /**
     * The role's assignments with their holders' usernames and locations' names, by username, then
     * location name (tenant-wide first), then start (open first). Three queries whatever the number
     * of holders: the assignments, their holders' names (users') and the tenant's locations (tenancy's),
     * each in its owner's order, so the sort keeps the database's collation.
     */
    List<RoleService.Holder> holderList(TenantId tenant, String key) {
        List<Held> held = jdbc.sql("""
                        select user_id, location_id, starts_at, expires_at from assignments
                        where tenant_id = :tenant and role_key = :key
                        """)
                .param("tenant", tenant.value()).param("key", key)
                .query((rs, n) -> new Held(rs.getObject("user_id", UUID.class), rs.getObject("location_id", UUID.class),
                        instant(rs.getObject("starts_at", OffsetDateTime.class)),
                        instant(rs.getObject("expires_at", OffsetDateTime.class))))
                .list();
        if (held.isEmpty()) {
            return List.of();
        }
        Map<UUID, Integer> userOrder = new HashMap<>();
        Map<UUID, String> usernames = new HashMap<>();
        for (Members.Named member : members.named(tenant, held.stream().map(Held::user).distinct().toList())) {
            userOrder.put(member.id(), userOrder.size());
            usernames.put(member.id(), member.username());
        }
        Map<String, Integer> placeOrder = new HashMap<>();
        Map<String, String> placeNames = new HashMap<>();
        if (held.stream().anyMatch(one -> one.location() != null)) {
            for (Structure.Place place : structure.locations(tenant)) {
                placeOrder.put(place.id(), placeOrder.size());
                placeNames.put(place.id(), place.name());
            }
        }
        return held.stream()
                .filter(one -> usernames.containsKey(one.user()))
                .sorted(java.util.Comparator.<Held>comparingInt(one -> userOrder.get(one.user()))
                        .thenComparingInt(one -> one.location() == null ? -1
                                : placeOrder.getOrDefault(one.location().toString(), Integer.MAX_VALUE))
                        .thenComparing(Held::startsAt, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())))
                .map(one -> new RoleService.Holder(one.user(), usernames.get(one.user()),
                        one.location(),
                        one.location() == null ? null : placeNames.get(one.location().toString()), one.startsAt(),
                        one.expiresAt()))
                .toList();
    }

    private static @Nullable Instant instant(@Nullable OffsetDateTime at) {
        return at == null ? null : at.toInstant();
    }

    long assignments(TenantId tenant, String key) {
        return jdbc.sql("select count(*) from assignments where tenant_id = :tenant and role_key = :key")
                .param("tenant", tenant.value()).param("key", key).query(Long.class).single();
    }

    /** The roles that inherit directly from {@code key}. */
    List<String> heirs(TenantId tenant, String key) {
        return jdbc.sql("""
                        select role_key from role_parents where tenant_id = :tenant and parent_key = :key
                        order by role_key
                        """)
                .param("tenant", tenant.value()).param("key", key).query(String.class).list();
    }

    void insert(TenantId tenant, Role role) {
        store.insertRole(tenant, role, false);
        store.writeParents(tenant, role);
    }

    void update(TenantId tenant, Role role) {
        jdbc.sql("""
                        update roles set name = :name, description = :description, updated_at = now()
                        where tenant_id = :tenant and key = :key
                        """)
                .param("name", role.name()).param("description", role.description())
                .param("tenant", tenant.value()).param("key", role.key())
                .update();
        store.writeGrants(tenant, role.key(), role.grants());
        store.writeParents(tenant, role);
    }

    /** Deletes the role with its grants and parents (both cascade). */
    void delete(TenantId tenant, String key) {
        jdbc.sql("delete from roles where tenant_id = :tenant and key = :key")
                .param("tenant", tenant.value()).param("key", key).update();
    }

    private List<StoredRole> complete(TenantId tenant, List<StoredRole> bare) {
        if (bare.isEmpty()) {
            return bare;
        }
        String[] keys = bare.stream().map(StoredRole::key).toArray(String[]::new);
        Map<String, List<String>> parents = new HashMap<>();
        jdbc.sql("""
                        select role_key, parent_key from role_parents
                        where tenant_id = :tenant and role_key = any(:keys) order by role_key, position
                        """)
                .param("tenant", tenant.value()).param("keys", keys)
                .query(rs -> {
                    parents.computeIfAbsent(rs.getString("role_key"), k -> new ArrayList<>())
                            .add(rs.getString("parent_key"));
                });
        Map<String, List<Grant>> grants = new HashMap<>();
        jdbc.sql("""
                        select role_key, permission, scope, condition from role_grants
                        where tenant_id = :tenant and role_key = any(:keys) order by role_key, position
                        """)
                .param("tenant", tenant.value()).param("keys", keys)
                .query(rs -> {
                    String condition = rs.getString("condition");
                    grants.computeIfAbsent(rs.getString("role_key"), k -> new ArrayList<>()).add(new Grant(
                            rs.getString("permission"), Scope.valueOf(rs.getString("scope")),
                            condition == null ? null : new Condition(condition)));
                });
        List<StoredRole> complete = new ArrayList<>(bare.size());
        for (StoredRole stored : bare) {
            Role role = stored.role();
            complete.add(new StoredRole(new Role(role.key(), role.name(), role.description(),
                    parents.getOrDefault(role.key(), List.of()), grants.getOrDefault(role.key(), List.of())),
                    stored.builtIn(), stored.createdAt(), stored.updatedAt()));
        }
        return complete;
    }
}
