package dev.gatehouse.server.shared;

import java.time.Instant;
import java.util.UUID;

/**
 * A platform operator's two ways into a tenant's user, break-glass and impersonation, as the
 * console asks for them (issue 16, Operators › Help a user). Implemented by the platform package,
 * on which nothing else may depend (ArchitectureTest), with the same checks as its API: operator,
 * permission, reason, recent proof of the operator's own factor, never the platform tenant.
 */
public interface OperatorAccess {

    /** An account unlocked once, with its one-time reset link (shown once, never put in a URL). */
    record Recovered(String username, int sessionsEnded, String resetUrl, Instant expiresAt) {}

    /** An impersonation session's token, for the operator's browser to hold. */
    record Acting(String token, Instant expiresAt) {}

    /** @param body the API's JSON body {@code {reason}} */
    Recovered breakGlass(Caller caller, TenantPaths.TenantRef tenant, UUID user, String body, Origin origin);

    /** @param body the API's JSON body {@code {reason}} */
    Acting impersonate(Caller caller, TenantPaths.TenantRef tenant, UUID user, String body, Origin origin);
}
