package dev.gatehouse.server.users;

import dev.gatehouse.engine.packs.RolePacks;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The tenant named in a users path, which must be the caller's own: another tenant's users, and
 * every tenant's users for platform operators (who act on tenants only through audited
 * impersonation), answer 404 as if the tenant did not exist.
 */
@Component
public class TenantScope {

    /**
     * The caller's tenant, with the role its pack makes the administrators' (null for a pack-less tenant)
     * and its display name as the path's lookup read it (null when reached without a path: its mails
     * read it then).
     */
    public record Scoped(TenantId id, String slug, @Nullable String adminRole, @Nullable String name) {}

    /** The tenant settings the users API applies. */
    record Rules(boolean singleRolePerUser, Duration invitationValidity,
            Duration resetValidity) {}

    private final TenantPaths tenants;
    private final TenantSettingsStore settings;

    TenantScope(TenantPaths tenants, TenantSettingsStore settings) {
        this.tenants = tenants;
        this.settings = settings;
    }

    /** A tenant reached without a caller (a scheduled job), with its pack's admin role. */
    public static Scoped of(TenantId tenant, String slug, String pack) {
        return new Scoped(tenant, slug, RolePacks.exists(pack) ? RolePacks.builtIn(pack).adminRole() : null, null);
    }

    /** The tenant a users path names, as the edge resolved it ({@code @PathTenant}, a member's own). */
    public static Scoped of(TenantPaths.TenantRef tenant) {
        String adminRole = RolePacks.exists(tenant.pack()) ? RolePacks.builtIn(tenant.pack()).adminRole() : null;
        return new Scoped(tenant.id(), tenant.slug(), adminRole, tenant.name());
    }

    /** The tenant SCIM's path names, resolved once its API key is checked (scim.ScimCallers). */
    public Scoped resolve(Caller caller, String tenantInPath) {
        return of(tenants.resolve(caller, tenantInPath));
    }

    Rules rules(TenantId tenant) {
        TenantSettings rules = settings.of(tenant);
        return new Rules(rules.singleRolePerUser(), rules.invitationValidity(), rules.resetLinkValidity());
    }

}
