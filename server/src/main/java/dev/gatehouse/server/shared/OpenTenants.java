package dev.gatehouse.server.shared;

import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The one resolver of a tenant named by a caller who has not signed in (issue 11): at a sign-in door,
 * a provider's endpoint, the guest check, home-realm discovery. Only an active tenant is found; a door
 * that tells a suspended organisation's people so (sign-in, issue 16) asks {@link #suspended} apart,
 * and everything else is answered as the door answers a tenant that does not exist, so nobody learns
 * more of a tenant than the door told before. A slug is read as people type it (any case, spaces
 * around it dropped) and found in the node's cache of active tenants that password sign-ins use
 * ({@link TenantDirectory#activeBySlugCached}: a suspension holds on every node within the second
 * docs/security.md promises); an id names a tenant only where the door takes one.
 *
 * <p>A path's {@code {tenant}} reaches controllers as a {@link PathTenant} {@link DoorTenant}
 * ({@link PathTenant.For#GUEST}, {@link PathTenant.For#SIGN_IN}); a tenant named in a body, a query or
 * the filter before MVC is resolved here by the service or filter that reads it.
 */
@Component
public class OpenTenants {

    /** An active tenant, with its slug as stored (the one its links and its issuer are built from). */
    public record Active(TenantId id, String slug) {}

    private final TenantDirectory directory;

    OpenTenants(TenantDirectory directory) {
        this.directory = directory;
    }

    /** The active tenant of this slug, as a sign-in names it; an id names nothing here. */
    public Optional<Active> bySlug(String slug) {
        String key = slug.strip().toLowerCase(Locale.ROOT);
        return directory.activeBySlugCached(key).map(id -> new Active(id, key));
    }

    /** The active tenant this slug or id names, as an API path names it (docs/api.md). */
    public Optional<Active> bySlugOrId(String tenant) {
        String named = tenant.strip();
        if (Ids.parse(named).isEmpty()) {
            return bySlug(named);
        }
        // The id's slug, then the cache of active tenants decides, as it does for the slug itself.
        return directory.named(named).flatMap(found -> bySlug(found.slug()));
    }

    /**
     * Whether the slug names a suspended tenant: a sign-in door says "Organisation suspended" rather
     * than the refusal that tells nothing, since the tenant's people need to know whom to ask.
     */
    public boolean suspended(String slug) {
        return directory.isSuspended(slug.strip().toLowerCase(Locale.ROOT));
    }
}
