/**
 * A tenant's settings, typed: every field's default, its validation and its JSON form in one place
 * (docs/style.md rule 17, after Spring Authorization Server's {@code TokenSettings}). Every feature
 * reads them through {@link dev.gatehouse.server.settings.TenantSettingsStore} or is handed a
 * {@link dev.gatehouse.server.settings.TenantSettings}; none parses the stored document itself
 * ({@code SettingsOwnershipTest}).
 *
 * <p>Its own package, not tenancy's: tenancy depends on authentication (the settings API asks the
 * IP rules before it stores an allowlist), and authentication must read the settings, so their home
 * must sit below both. Not shared either: shared holds only what needs no feature, and validating
 * {@code auditRetention} asks the audit trail's bounds. It depends on shared and audit alone, so
 * every feature may depend on it without a cycle; the {@code tenants} row that stores the document
 * stays tenancy's ({@code shared.TenantDirectory} reads it).
 */
@NullMarked
package dev.gatehouse.server.settings;

import org.jspecify.annotations.NullMarked;
