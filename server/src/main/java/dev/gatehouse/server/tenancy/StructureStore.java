package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.Structure;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The tenants and locations tables as access asks about them ({@link Structure}). */
@Repository
class StructureStore implements Structure {

    private final JdbcClient jdbc;

    StructureStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Boolean> active(TenantId tenant) {
        return jdbc.sql("select status = 'ACTIVE' from tenants where id = :tenant")
                .param("tenant", tenant.value()).query(Boolean.class).optional();
    }

    @Override
    public List<Place> locations(TenantId tenant) {
        return jdbc.sql("select id, parent_id, name from locations where tenant_id = :tenant order by name, id")
                .param("tenant", tenant.value())
                .query((rs, n) -> new Place(rs.getString("id"), rs.getString("parent_id"), rs.getString("name")))
                .list();
    }
}
