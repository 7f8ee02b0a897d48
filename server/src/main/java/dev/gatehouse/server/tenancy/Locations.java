package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.shared.TenantId;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The locations table: a forest per tenant, names unique among siblings ignoring case. */
@Repository
class Locations {

    private final JdbcClient jdbc;

    Locations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serialises changes to one tenant's location tree until the transaction ends: two moves checked
     * concurrently could otherwise each pass and together make a cycle, and the tenant's policy
     * would no longer load.
     */
    void lock(TenantId tenant) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "gatehouse.locations:" + tenant).query().singleValue();
    }

    List<TenantLocation> all(TenantId tenant) {
        return jdbc.sql("""
                        select id, name, parent_id, created_at from locations
                        where tenant_id = :tenant order by lower(name), id
                        """)
                .param("tenant", tenant.value())
                .query((rs, n) -> location(rs)).list();
    }

    Optional<TenantLocation> find(TenantId tenant, UUID id) {
        return jdbc.sql("select id, name, parent_id, created_at from locations where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> location(rs)).optional();
    }

    /** Whether another location under {@code parent} (top level when null) has the name, ignoring case. */
    boolean nameTaken(TenantId tenant, @Nullable UUID parent, String name, @Nullable UUID except) {
        return jdbc.sql("""
                        select exists (select 1 from locations
                            where tenant_id = :tenant and parent_id is not distinct from :parent
                              and lower(name) = lower(:name) and id is distinct from :except)
                        """)
                .param("tenant", tenant.value()).param("parent", parent).param("name", name).param("except", except)
                .query(Boolean.class).single();
    }

    /** The location and every location below it. */
    List<UUID> subtree(TenantId tenant, UUID id) {
        return jdbc.sql("""
                        with recursive below (id) as (
                            select id from locations where tenant_id = :tenant and id = :id
                            union
                            select l.id from locations l join below b on l.parent_id = b.id where l.tenant_id = :tenant
                        )
                        select id from below
                        """)
                .param("tenant", tenant.value()).param("id", id).query(UUID.class).list();
    }

    long children(TenantId tenant, UUID id) {
        return jdbc.sql("select count(*) from locations where tenant_id = :tenant and parent_id = :id")
                .param("tenant", tenant.value()).param("id", id).query(Long.class).single();
    }

    void insert(TenantId tenant, UUID id, String name, @Nullable UUID parent) {
        jdbc.sql("insert into locations (tenant_id, id, name, parent_id) values (:tenant, :id, :name, :parent)")
                .param("tenant", tenant.value()).param("id", id).param("name", name).param("parent", parent)
                .update();
    }

    void update(TenantId tenant, UUID id, String name, @Nullable UUID parent) {
        jdbc.sql("update locations set name = :name, parent_id = :parent where tenant_id = :tenant and id = :id")
                .param("name", name).param("parent", parent).param("tenant", tenant.value()).param("id", id)
                .update();
    }

    void delete(TenantId tenant, UUID id) {
        jdbc.sql("delete from locations where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).update();
    }

    private static TenantLocation location(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new TenantLocation(rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getObject("parent_id", UUID.class), rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
