package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.TenantId;
import org.springframework.stereotype.Component;

/**
 * Resolves the {@code {tenant}} of a tenant-scoped path (slug or id, docs/api.md) for the caller.
 * Another tenant's path answers 404 exactly like a tenant that does not exist, so a caller cannot
 * learn which tenants exist; platform operators are outside tenants and get 404 too
 * (docs/access-model.md: their access to a tenant's data is impersonation or break-glass).
 */
@Component
public class TenantPaths {

    private final Tenants tenants;

    TenantPaths(Tenants tenants) {
        this.tenants = tenants;
    }

    /**
     * @throws ApiException 404 unless {@code tenant} names the caller's own tenant
     */
    public TenantId own(Caller caller, String tenant) {
        if (caller.isPlatformOperator()) {
            throw ApiException.notFound("tenant " + tenant);
        }
        return tenants.find(tenant).map(Tenant::id).filter(id -> id.equals(caller.tenant()))
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant));
    }
}
