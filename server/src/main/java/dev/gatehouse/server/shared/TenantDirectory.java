package dev.gatehouse.server.shared;

import java.util.Optional;

/**
 * What the features that must not depend on tenancy (the audit trail, the mail outbox) ask about a
 * tenant. The {@code tenants} table has one owner, tenancy's repository, which answers this; the
 * others hold this interface, so no SQL about tenants is written outside tenancy
 * (docs/style.md rule 16, {@code TableOwnershipTest}).
 */
public interface TenantDirectory {

    /** The tenant a slug or id names, if it exists. */
    Optional<TenantId> idOf(String slugOrId);

    /** The tenant a slug or id names, with its slug, role pack and display name, if it exists. */
    Optional<Named> named(String slugOrId);

    /**
     * The tenant of this id, with its slug, role pack and display name, if it exists: what a feature
     * holding a {@link TenantId} asks, which is no name to resolve (ArchitectureTest).
     */
    default Optional<Named> named(TenantId tenant) {
        return named(tenant.value().toString());
    }

    /**
     * {@link #named}, from this node's cache when it holds the tenant: for a tenant-scoped path, which
     * every admin request resolves first (issue 17). A rename or deletion holds here once its
     * announcement has reached this node (within about a second; at once on the node that made it).
     */
    Optional<Named> namedCached(String slugOrId);

    /** A tenant as a path names it: its id, slug and role pack, and its display name (read in the same query). */
    record Named(TenantId id, String slug, String pack, String name) {}

    /** The tenant's slug, as operators know it. */
    String slug(TenantId tenant);

    /** The tenant's display name, as its mails are signed. */
    String name(TenantId tenant);

    /**
     * The tenant's settings document as stored, {@code {}} when there is no such tenant. Only
     * {@code settings.TenantSettingsStore} reads it; everyone else asks that for the typed settings
     * ({@code SettingsOwnershipTest}).
     */
    String settingsJson(TenantId tenant);

    /**
     * The active tenants (the platform's own excepted) whose {@code emailDomains} setting lists
     * {@code domain} (lower case), for self-registration.
     */
    java.util.List<Claimant> claimingEmailDomain(String domain);

    /** A tenant that claims an e-mail domain: where a self-registered applicant would be placed. */
    record Claimant(TenantId id, String name, String pack) {}

    /** The active tenant with this slug (as typed, compared in lower case), if there is one. */
    Optional<TenantId> activeBySlug(String slug);

    /**
     * {@link #activeBySlug}, from this node's cache of active tenants when it holds the slug: for a
     * password sign-in, which asks it first every time (issue 17). A suspension or deletion holds here
     * once its announcement has reached this node (within the second docs/security.md promises).
     */
    Optional<TenantId> activeBySlugCached(String slug);

    /** Whether the tenant exists and is active: links and sign-ins work only there. */
    boolean isActive(TenantId tenant);

    /**
     * Whether {@code slug} names a suspended tenant (issue 16): sign-in says so plainly instead of
     * the refusal that tells nothing, since the tenant's users need to know whom to ask.
     */
    boolean isSuspended(String slug);

    /**
     * Locks the tenant's row until the transaction ends, so that people joining one tenant on
     * their own are added one at a time. "No key update": it must not block the key-share locks
     * that every insert referencing the tenant takes.
     */
    void lockForNewMember(TenantId tenant);

    /** The tenant's parent ({@code tenants.parent_id}), if it has one: domain mappings may target a child (issue 16). */
    Optional<TenantId> parentOf(TenantId tenant);
}
