package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantTree;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link TenantTree} over {@code tenants.parent_id}: one recursive query each, bounded by {@link #MAX_DEPTH}. */
@Repository
class TenantTreeStore implements TenantTree {

    private final JdbcClient jdbc;
    private final Tenants tenants;

    TenantTreeStore(JdbcClient jdbc, Tenants tenants) {
        this.jdbc = jdbc;
        this.tenants = tenants;
    }

    @Override
    public List<Link> lineage(TenantId tenant) {
        return jdbc.sql("""
                        with recursive up (id, slug, status, parent_id, depth) as (
                            select id, slug, status, parent_id, 0 from tenants where id = :tenant
                            union all
                            select t.id, t.slug, t.status, t.parent_id, up.depth + 1
                            from tenants t join up on t.id = up.parent_id
                            where up.depth < :max)
                        select id, slug, status from up order by depth
                        """)
                .param("tenant", tenant.value()).param("max", MAX_DEPTH)
                .query((rs, n) -> new Link(new TenantId(rs.getObject("id", UUID.class)), rs.getString("slug"),
                        "ACTIVE".equals(rs.getString("status"))))
                .list();
    }

    /** The documents are the stored settings: read where the {@code tenants} row is owned ({@link Tenants}). */
    @Override
    public List<Layer> settingsLineage(TenantId tenant) {
        return tenants.settingsLineage(tenant);
    }

    @Override
    public List<Link> descendants(TenantId tenant) {
        return jdbc.sql("""
                        with recursive down (id, depth) as (
                            select id, 1 from tenants where parent_id = :tenant
                            union all
                            select t.id, down.depth + 1 from tenants t join down on t.parent_id = down.id
                            where down.depth < :max)
                        select t.id, t.slug, t.status, min(down.depth) as depth
                        from down join tenants t on t.id = down.id where t.id <> :tenant
                        group by t.id, t.slug, t.status order by depth, t.slug
                        """)
                .param("tenant", tenant.value()).param("max", MAX_DEPTH)
                .query((rs, n) -> new Link(new TenantId(rs.getObject("id", UUID.class)), rs.getString("slug"),
                        "ACTIVE".equals(rs.getString("status"))))
                .list();
    }
}
