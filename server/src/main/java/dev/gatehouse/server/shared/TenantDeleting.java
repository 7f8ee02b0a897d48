package dev.gatehouse.server.shared;

/**
 * Published (as a Spring application event, inside the deletion's transaction, before the tenant's rows
 * go) when a platform operator deletes {@code tenant} (issue 16), so that what other tenants hold of it
 * ends in their own trails first: a person of another organisation who signed in with an account of
 * this one loses that membership there, disabled and unlinked rather than removed with this tenant.
 */
public record TenantDeleting(TenantId tenant) {}
