package dev.gatehouse.server.shared;

import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Resolves the {@code {tenant}} of a tenant-scoped path (slug or id, docs/api.md) for the caller.
 * Another tenant's path answers 404 exactly like a tenant that does not exist, so a caller cannot
 * learn which tenants exist; platform operators are outside tenants and get 404 too
 * (docs/access-model.md: their access to a tenant's data is impersonation or break-glass).
 * A user of a parent tenant whose roles hold {@code children.access} also reaches the tenants below
 * it ({@link ChildTenantReach}; docs/organisations.md), acting there with their parent roles; any
 * other caller gets the same 404 for a parent or a sibling as for a tenant that does not exist.
 */
@Component
public class TenantPaths {

    private final TenantDirectory directory;
    private final ObjectProvider<ChildTenantReach> children;
    private final ObjectProvider<MembershipReach> memberships;

    TenantPaths(TenantDirectory directory, ObjectProvider<ChildTenantReach> children,
            ObjectProvider<MembershipReach> memberships) {
        this.directory = directory;
        this.children = children;
        this.memberships = memberships;
    }

    /** The tenant of a path: its id, slug and role pack, and its display name (for its mails, issue 17). */
    public record TenantRef(TenantId id, String slug, String pack, String name) {}

    /**
     * @throws ApiException 404 unless {@code tenant} names the caller's own tenant
     */
    public TenantId own(Caller caller, String tenant) {
        // The caller's own tenant, named as their session names it (a slug never changes): no query.
        if (!caller.isPlatformOperator() && namesOwn(caller, tenant)) {
            return caller.tenant();
        }
        return resolve(caller, tenant).id();
    }

    /**
     * @throws ApiException 404 unless {@code tenant} names the caller's own tenant
     */
    public TenantRef resolve(Caller caller, String tenant) {
        if (caller.isPlatformOperator()) {
            throw ApiException.notFound("tenant " + tenant);
        }
        return find(tenant).filter(ref -> ref.id().equals(caller.tenant()) || reachesChild(caller, ref))
                .orElseThrow(() -> ApiException.notFound("tenant " + tenant));
    }

    /**
     * The tenant an audit trail's path names: the caller's own, as {@link #own}, and for a platform
     * operator their own (the platform's) trail, which they read under its slug too.
     *
     * @throws ApiException 404 unless {@code tenant} names the caller's own tenant
     */
    public TenantId trailOf(Caller caller, String tenant) {
        if (caller.isPlatformOperator() && namesOwn(caller, tenant)) {
            return caller.tenant();
        }
        return own(caller, tenant);
    }

    /**
     * The tenant a platform operator acts in (an impersonation, a break-glass, an override; the
     * only ways they reach a tenant's users, docs/access-model.md): any tenant for an operator, the
     * platform's own among them for the service to refuse; for anyone else the tenant
     * {@link #resolve} lets them reach, so the service may tell its own users plainly what only
     * operators do.
     *
     * @throws ApiException 404 for an unknown tenant, and for a tenant the caller may not reach
     */
    public TenantRef actedInBy(Caller caller, String tenant) {
        if (!caller.isPlatformOperator()) {
            return resolve(caller, tenant);
        }
        return find(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant));
    }

    /**
     * The organisation a membership path names (issue 16): the person's home organisation, for the
     * service to refuse plainly, or one they hold a membership of.
     *
     * @throws ApiException 404 {@code membership in {tenant}} for an unknown tenant and for any tenant
     *     the person holds no account in, alike
     */
    public TenantRef membershipOf(Caller caller, String tenant) {
        MembershipReach reach = memberships.getIfAvailable();
        return find(tenant).filter(ref -> reach != null && reach.holdsAccountIn(caller, ref.id()))
                .orElseThrow(() -> ApiException.notFound("membership in " + tenant));
    }

    private static boolean namesOwn(Caller caller, String tenant) {
        return tenant.equals(caller.tenantSlug()) || tenant.equals(caller.tenant().value().toString());
    }

    /** A parent user let into a child: remembered for the request, so its audit events name the parent. */
    private boolean reachesChild(Caller caller, TenantRef child) {
        ChildTenantReach reach = children.getIfAvailable();
        if (reach == null || !reach.mayActIn(caller, child.id())) {
            return false;
        }
        new ChildActing(caller.tenant(), caller.tenantSlug(), child.id(), child.slug(), caller.userId()).remember();
        return true;
    }

    private Optional<TenantRef> find(String slugOrId) {
        return directory.namedCached(slugOrId).map(named -> new TenantRef(named.id(), named.slug(), named.pack(), named.name()));
    }
}
