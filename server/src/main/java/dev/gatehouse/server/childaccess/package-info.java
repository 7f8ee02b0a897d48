/**
 * Parent users acting in child tenants (docs/organisations.md, "Parent and child tenants"): whether
 * a caller of a parent tenant reaches a tenant below it, asked by {@code shared.TenantPaths} for
 * every tenant-scoped path. Depends on access (the engine decides) and shared only.
 */
@NullMarked
package dev.gatehouse.server.childaccess;

import org.jspecify.annotations.NullMarked;
