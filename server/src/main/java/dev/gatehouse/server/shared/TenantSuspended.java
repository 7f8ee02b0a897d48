package dev.gatehouse.server.shared;

/**
 * Published (as a Spring application event, inside the transaction that suspends it) when a
 * platform operator suspends {@code tenant} (issue 16), so that features holding credentials of its
 * users end them in the same transaction: sign-in sessions, OAuth authorizations (refresh tokens
 * included). Reactivation brings none of them back.
 */
public record TenantSuspended(TenantId tenant, Caller by, Origin origin) {}
