package dev.gatehouse.engine.packs;

import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.TenantPolicy;
import java.util.List;
import java.util.Optional;

/**
 * A pack: a permission catalog and the built-in roles of one kind of tenant. {@code adminRole} is
 * given to a new tenant's first admin; {@code defaultRole} to users who arrive by e-mail domain.
 */
public record RolePack(
        String name,
        String title,
        String description,
        String source,
        List<Feature> features,
        PermissionCatalog catalog,
        List<Role> roles,
        String adminRole,
        String defaultRole) {

    public RolePack {
        features = List.copyOf(features);
        roles = List.copyOf(roles);
    }

    /** A policy builder for a tenant created from this pack, with the pack's roles. */
    public TenantPolicy.Builder policyFor(String tenant) {
        return TenantPolicy.builder(tenant, catalog).roles(roles);
    }

    public Optional<Role> role(String key) {
        return roles.stream().filter(r -> r.key().equals(key)).findFirst();
    }
}
