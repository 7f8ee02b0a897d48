package dev.gatehouse.server.access;

import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionKind;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** A tenant's permission catalog as stored: the pack's permissions and those its applications registered. */
@Repository
class Permissions {

    /** Where a catalog entry came from (the {@code permissions.source} column). */
    enum Source {
        PACK,
        APPLICATION
    }

    record Entry(String key, String description, PermissionKind kind, Source source) {}

    private final JdbcClient jdbc;

    Permissions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Entry> list(TenantId tenant) {
        return jdbc.sql("""
                        select key, description, kind, source from permissions
                        where tenant_id = :tenant order by key
                        """)
                .param("tenant", tenant.value())
                .query((rs, n) -> new Entry(rs.getString("key"), rs.getString("description"),
                        PermissionKind.valueOf(rs.getString("kind")), Source.valueOf(rs.getString("source"))))
                .list();
    }

    boolean exists(TenantId tenant, String key) {
        return jdbc.sql("select exists (select 1 from permissions where tenant_id = :tenant and key = :key)")
                .param("tenant", tenant.value()).param("key", key).query(Boolean.class).single();
    }

    long count(TenantId tenant, Source source) {
        return jdbc.sql("select count(*) from permissions where tenant_id = :tenant and source = :source")
                .param("tenant", tenant.value()).param("source", source.name()).query(Long.class).single();
    }

    void insert(TenantId tenant, Permission permission, Source source) {
        jdbc.sql("""
                        insert into permissions (tenant_id, key, description, kind, source)
                        values (:tenant, :key, :description, :kind, :source)
                        """)
                .param("tenant", tenant.value()).param("key", permission.key())
                .param("description", permission.description()).param("kind", permission.kind().name())
                .param("source", source.name())
                .update();
    }
}
