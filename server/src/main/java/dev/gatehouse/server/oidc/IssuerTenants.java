package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The active tenant a provider path names by its slug, with the slug as stored: read on every
 * request to {@code /oauth2/{tenant}/…} ({@link TenantIssuer}), so answered from the node's cache of
 * active tenants that sign-ins use too ({@link TenantDirectory#activeBySlugCached}), which drops a
 * tenant when its change is announced — a suspension, a deletion or a reactivation announces the
 * tenant's policy (tenancy.TenantEdits, TenantDeletion), so a suspended tenant's provider is gone on
 * every node within a second. An unknown or suspended slug is asked of the database each time.
 */
@Component
class IssuerTenants {

    /** An active tenant and its slug as stored. */
    record Active(TenantId tenant, String slug) {}

    private final TenantDirectory tenants;

    IssuerTenants(TenantDirectory tenants) {
        this.tenants = tenants;
    }

    Optional<Active> active(String slug) {
        // Slugs are stored as this normal form and found only by it, so the key is the stored slug.
        String key = slug.strip().toLowerCase(Locale.ROOT);
        return tenants.activeBySlugCached(key).map(id -> new Active(id, key));
    }
}
