package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What access asks of a tenant's users: whether each may act at all, and their usernames. The
 * {@code users} table is the users feature's, which implements this; access may not depend on it
 * (ArchitectureTest), so it holds only the interface (docs/style.md rule 16, {@code TableOwnershipTest}).
 */
public interface Members {

    /** A user's account state, as the engine's subject carries it; {@code expiresAt}: a contractor's account end. */
    record State(String status, @Nullable Instant lockedUntil, @Nullable Instant expiresAt) {

        public State(String status, @Nullable Instant lockedUntil) {
            this(status, lockedUntil, null);
        }
    }

    /** A user and their username. */
    record Named(UUID id, String username) {}

    Optional<State> state(TenantId tenant, UUID user);

    /** The id of the tenant's user with this normalised username. */
    Optional<UUID> idOf(TenantId tenant, String usernameNormalized);

    /** Every user of the tenant, by normalised username, then id. */
    List<Named> all(TenantId tenant);

    /** Those of {@code users} that exist, by normalised username, then id. */
    List<Named> named(TenantId tenant, Collection<UUID> users);

    Optional<String> username(TenantId tenant, UUID user);
}
