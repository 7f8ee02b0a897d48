package dev.gatehouse.server.access;

import dev.gatehouse.engine.Permission;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The tenant's permission catalog: the canonical set shipped with its pack plus the keys its
 * applications register (docs/access-model.md, "Permission").
 */
@Service
public class PermissionCatalogService {

    /**
     * Every registered key costs a slot in every compiled role table of the tenant; a bound keeps a
     * runaway script from making every check of the tenant slower and its policy huge.
     */
    static final int MAX_APPLICATION_PERMISSIONS = 2_000;

    private final Permissions permissions;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;

    PermissionCatalogService(Permissions permissions, AuditLog audit, AccessChanges changes, Access access) {
        this.access = access;
        this.permissions = permissions;
        this.audit = audit;
        this.changes = changes;
    }

    /** Requires {@code roles.read}, as the roles that are built out of the catalog. */
    @Transactional(readOnly = true)
    List<Permissions.Entry> list(Caller caller, TenantId tenant) {
        access.require(caller, "roles.read", null);
        return permissions.list(tenant);
    }

    /** The catalog as the engine's permissions, by key, for screens that build roles. Requires {@code roles.read}. */
    @Transactional(readOnly = true)
    public List<Permission> permissions(Caller caller, TenantId tenant) {
        return list(caller, tenant).stream().map(entry -> new Permission(entry.key(), entry.description(), entry.kind()))
                .toList();
    }

    /** Registers an application's permission key; the key's prefix decides its kind (widgets., pages.). */
    @Transactional
    Permissions.Entry register(TenantId tenant, Permission permission, AuditLog.Actor actor, Origin origin) {
        if (permissions.exists(tenant, permission.key())) {
            throw ApiException.conflict("the catalog already has the permission " + permission.key());
        }
        if (permissions.count(tenant, Permissions.Source.APPLICATION) >= MAX_APPLICATION_PERMISSIONS) {
            throw ApiException.conflict("the tenant's applications have registered the maximum of "
                    + MAX_APPLICATION_PERMISSIONS + " permissions");
        }
        permissions.insert(tenant, permission, Permissions.Source.APPLICATION);
        audit.record(tenant, "PERMISSION_REGISTERED", actor,
                new AuditLog.Target("permission", permission.key(), permission.key()), origin.ip(), origin.userAgent(),
                Map.of("description", permission.description(), "kind", permission.kind().name()));
        // The catalog interns keys to ids; every compiled role table of the tenant must be rebuilt,
        // and wildcard grants (*, resource.*) now cover the new key.
        changes.policyChanged(tenant);
        return new Permissions.Entry(permission.key(), permission.description(), permission.kind(),
                Permissions.Source.APPLICATION);
    }
}
