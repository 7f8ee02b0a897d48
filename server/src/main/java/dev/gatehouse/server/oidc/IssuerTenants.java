package dev.gatehouse.server.oidc;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.util.Locale;
import java.util.Optional;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The active tenant a provider path names by its slug, with the slug as stored: read on every
 * request to {@code /oauth2/{tenant}/…} ({@link TenantIssuer}), so kept per node ({@link NodeCache})
 * until the tenant's change is announced — a suspension, a deletion or a reactivation announces the
 * tenant's policy (tenancy.TenantEdits, TenantDeletion), so a suspended tenant's provider is gone on
 * every node within a second. An unknown or suspended slug is asked of the database each time.
 */
@Component
class IssuerTenants {

    /** An active tenant and its slug as stored. */
    record Active(TenantId tenant, String slug) {}

    private final TenantDirectory tenants;
    private final NodeCache<String, Active> bySlug = new NodeCache<>(10_000);

    IssuerTenants(TenantDirectory tenants) {
        this.tenants = tenants;
    }

    Optional<Active> active(String slug) {
        String key = slug.strip().toLowerCase(Locale.ROOT);
        return bySlug.get(key, () -> tenants.activeBySlug(key).map(id -> new Active(id, tenants.slug(id))));
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Policy policy -> bySlug.evict(active -> active.tenant().equals(policy.tenant()));
            case AccessChanged.Everything everything -> bySlug.evict(active -> true);
            case AccessChanged.Subject subject -> { }
        }
    }
}
