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

    /** The tenants whose {@code emailDomains} setting lists {@code domain} (lower case), for self-registration. */
    java.util.List<TenantId> claimingEmailDomain(String domain);
}
