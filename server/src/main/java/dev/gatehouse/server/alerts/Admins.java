package dev.gatehouse.server.alerts;

import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Who counts as an administrator for the alerts, asked of the engine through the access bridge,
 * never by role name: a tenant's own roles are data (docs/style.md rule 15).
 */
@Component
class Admins {

    /**
     * The admin block's permissions that change who may do what, or how the tenant is secured: a
     * role granting any of them (at any scope, a wildcard included) is an admin role. Reading
     * permissions, locations and audit export are not.
     */
    static final List<String> ADMIN_PERMISSIONS = List.of("users.create", "users.edit", "users.delete", "roles.create",
            "roles.edit", "roles.delete", "roles.assign", "settings.edit");

    /** Alerts go to those who can change the alert rules, tenant-wide: whoever can silence them hears them. */
    static final String RECIPIENT_PERMISSION = "settings.edit";

    private final Access access;
    private final UserStore users;
    private final Clock clock;

    Admins(Access access, UserStore users, Clock clock) {
        this.access = access;
        this.users = users;
        this.clock = clock;
    }

    /** Whether {@code role} (with what it inherits) grants any admin permission; false for an unknown role. */
    boolean isAdminRole(TenantId tenant, String role) {
        TenantPolicy policy = access.policy(tenant).orElse(null);
        if (policy == null || policy.role(role).isEmpty()) {
            return false;
        }
        for (Grant grant : policy.flattenedGrants(role)) {
            for (String permission : ADMIN_PERMISSIONS) {
                if (Permission.patternCovers(grant.permission(), permission)) {
                    return true;
                }
            }
        }
        return false;
    }

    boolean anyAdminRole(TenantId tenant, Collection<String> roles) {
        return roles.stream().anyMatch(role -> isAdminRole(tenant, role));
    }

    /**
     * The addresses of the tenant's admins: active users with an e-mail address who hold
     * {@link #RECIPIENT_PERMISSION} tenant-wide and unconditionally (the access bridge's who-can,
     * then each holder's widest scope).
     */
    List<String> recipients(TenantId tenant) {
        List<UUID> admins = access.tenantWideHolders(tenant, RECIPIENT_PERMISSION, clock.instant());
        if (admins.isEmpty()) {
            return List.of();
        }
        return users.activeEmails(tenant, admins);
    }
}
