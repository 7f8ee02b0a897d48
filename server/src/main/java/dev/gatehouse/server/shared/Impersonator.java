package dev.gatehouse.server.shared;

import java.util.UUID;

/**
 * The platform operator behind an impersonated session (docs/security.md, "Impersonation and
 * break-glass"): a user of the {@code platform} tenant, as their username was when they started it.
 */
public record Impersonator(UUID id, String username) {}
