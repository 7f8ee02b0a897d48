package dev.gatehouse.server.access;

import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.packs.RolePack;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Writes a tenant's permission catalog and roles. */
@Repository
public class RoleStore {

    private final JdbcClient jdbc;

    RoleStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Installs a pack's catalog and built-in roles into a new tenant. */
    public void install(TenantId tenant, RolePack pack) {
        for (Permission permission : pack.catalog().permissions()) {
            jdbc.sql("""
                            insert into permissions (tenant_id, key, description, kind, source)
                            values (:tenant, :key, :description, :kind, 'PACK')
                            """)
                    .param("tenant", tenant.value()).param("key", permission.key())
                    .param("description", permission.description()).param("kind", permission.kind().name())
                    .update();
        }
        for (Role role : pack.roles()) {
            insertRole(tenant, role, true);
        }
        for (Role role : pack.roles()) {
            writeParents(tenant, role);
        }
    }

    void insertRole(TenantId tenant, Role role, boolean builtIn) {
        jdbc.sql("""
                        insert into roles (tenant_id, key, name, description, built_in)
                        values (:tenant, :key, :name, :description, :builtIn)
                        """)
                .param("tenant", tenant.value()).param("key", role.key()).param("name", role.name())
                .param("description", role.description()).param("builtIn", builtIn)
                .update();
        writeGrants(tenant, role.key(), role.grants());
    }

    void writeGrants(TenantId tenant, String role, List<Grant> grants) {
        jdbc.sql("delete from role_grants where tenant_id = :tenant and role_key = :role")
                .param("tenant", tenant.value()).param("role", role).update();
        for (int i = 0; i < grants.size(); i++) {
            Grant grant = grants.get(i);
            jdbc.sql("""
                            insert into role_grants (tenant_id, role_key, position, permission, scope, condition)
                            values (:tenant, :role, :position, :permission, :scope, :condition)
                            """)
                    .param("tenant", tenant.value()).param("role", role).param("position", i)
                    .param("permission", grant.permission()).param("scope", grant.scope().name())
                    .param("condition", grant.condition() == null ? null : grant.condition().expression())
                    .update();
        }
    }

    void writeParents(TenantId tenant, Role role) {
        jdbc.sql("delete from role_parents where tenant_id = :tenant and role_key = :role")
                .param("tenant", tenant.value()).param("role", role.key()).update();
        for (int i = 0; i < role.inherits().size(); i++) {
            jdbc.sql("""
                            insert into role_parents (tenant_id, role_key, parent_key, position)
                            values (:tenant, :role, :parent, :position)
                            """)
                    .param("tenant", tenant.value()).param("role", role.key()).param("parent", role.inherits().get(i))
                    .param("position", i).update();
        }
    }
}
