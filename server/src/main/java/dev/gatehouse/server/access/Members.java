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

    /**
     * A user who-can reads: {@code certain} when an assignment of theirs allows for certain
     * ({@link dev.gatehouse.engine.CertainHolders}), so that they need no check to be counted.
     */
    record Holding(UUID id, String username, String usernameNormalized, boolean certain) {}

    /**
     * Up to {@code limit} of the users active at {@code at} (status active, no lockout running, account
     * not ended) who hold, in force then, an assignment {@code candidates} names, by normalised
     * username, those after {@code after} (a normalised username) when given; each marked
     * {@code certain} when they also hold one {@code certain} names.
     */
    List<Holding> holding(TenantId tenant, HeldRoles candidates, HeldRoles certain, Instant at,
            @Nullable String after, int limit);

    /**
     * The users {@link #holding} would list after {@code after} (when given) that are not {@code certain}, in no
     * order: read from the assignments' side, so that their cost follows the holders, not the users.
     */
    List<UUID> uncertainHolding(TenantId tenant, HeldRoles candidates, HeldRoles certain, Instant at,
            @Nullable String after);

    /**
     * How many users active at {@code at} hold, in force then, an assignment {@code held} names, after
     * {@code after} when given; at most {@code cap}.
     */
    long countHolding(TenantId tenant, HeldRoles held, Instant at, @Nullable String after, long cap);
}
