package dev.gatehouse.server.scim;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Credential;
import dev.gatehouse.server.users.TenantScope;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Who may call SCIM: an API key of the tenant in the path (a session, an application's token, or
 * another tenant's key authenticates nobody here: 401), whose scopes and owner hold
 * {@code scim.provision} (403 otherwise, recorded as PERMISSION_DENIED). What each SCIM change then
 * does is checked as the key's owner doing it through the users API (docs/security.md, "SCIM
 * provisioning"). The key's own rate limit throttles it, as every key call.
 */
@Component
class ScimCallers {

    static final String PERMISSION = "scim.provision";

    private final Access access;
    private final TenantScope scope;

    ScimCallers(Access access, TenantScope scope) {
        this.access = access;
        this.scope = scope;
    }

    /** @throws ScimException 401 or 403 */
    TenantScope.Scoped require(@Nullable Caller caller, String tenant) {
        if (caller == null || !(caller.credential() instanceof Credential.ApiKey)) {
            throw new ScimException(401, null, "SCIM takes an API key of the tenant holding " + PERMISSION
                    + ": send Authorization: Bearer ghk_...");
        }
        if (!tenant.equals(caller.tenantSlug()) && !tenant.equals(caller.tenant().value().toString())) {
            throw new ScimException(401, null, "this API key is not one of tenant " + tenant + "'s");
        }
        access.require(caller, PERMISSION, null);
        return scope.resolve(caller, tenant);
    }
}
