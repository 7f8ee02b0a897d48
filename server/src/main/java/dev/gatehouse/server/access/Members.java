package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What access asks of a tenant's users: their usernames, and which of them hold what. The {@code users}
 * table is the users feature's, which implements this; access may not depend on it (ArchitectureTest), so
 * it holds only the interface (docs/style.md rule 16, {@code TableOwnershipTest}). Whether a user may act at
 * all access reads with their assignments, from the read model users publishes ({@code user_states}).
 */
public interface Members {

    /**
     * A user's account state, as the engine's subject carries it; {@code expiresAt}: a contractor's account end.
     * Given to access by a caller that read it in its transaction (a sign-in); otherwise access reads it.
     */
    record State(String status, @Nullable Instant lockedUntil, @Nullable Instant expiresAt) {

        public State(String status, @Nullable Instant lockedUntil) {
            this(status, lockedUntil, null);
        }
    }

    /** A user and their username. */
    record Named(UUID id, String username) {}

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
     * A stretch of who-can's order (normalised username, unique in a tenant): after {@code after} and before
     * {@code before} when given, read ascending or, when {@code descending}, from its end back.
     */
    record Span(@Nullable String after, @Nullable String before, boolean descending) {

        /** The whole order, ascending. */
        public static final Span ALL = new Span(null, null, false);

        /** After {@code after} (the whole order when null), ascending. */
        public static Span after(@Nullable String after) {
            return new Span(after, null, false);
        }
    }

    /** Which of the holders a read lists. */
    enum Listed {
        /** Every holder, each marked certain or not. */
        EVERY_HOLDER,
        /** Only those not certain: the ones a check must decide. */
        UNCERTAIN
    }

    /**
     * Up to {@code limit} of the users active at {@code at} (status active, no lockout running, account
     * not ended) who hold, in force then, an assignment {@code candidates} names, within {@code span}, in its
     * order; each marked {@code certain} when they also hold one {@code certain} names; only the others when
     * {@code listed} says {@link Listed#UNCERTAIN}.
     */
    List<Holding> holding(TenantId tenant, HeldRoles candidates, HeldRoles certain, Instant at, Span span,
            Listed listed, int limit);

    /**
     * The normalised usernames of the users active at {@code at} holding, in force then, an assignment
     * {@code held} names within {@code span}, together with {@code also} (places known to lie within it), in
     * {@code span}'s order: up to {@code limit} of them after skipping the first {@code skip}. Where in the
     * order the certain holders before a deep page end, without reading their profiles; merged by the
     * database, in its own collation.
     */
    List<String> placesHolding(TenantId tenant, HeldRoles held, Instant at, Span span, List<String> also, long skip,
            int limit);

    /**
     * The users {@link #holding} would list after {@code after} (when given) that are not {@code certain}, in no
     * order: read from the assignments' side, so that their cost follows the holders, not the users.
     */
    List<UUID> uncertainHolding(TenantId tenant, HeldRoles candidates, HeldRoles certain, Instant at,
            @Nullable String after);

    /**
     * How many users active at {@code at} hold, in force then, an assignment {@code held} names, within
     * {@code span}; at most {@code cap}.
     */
    long countHolding(TenantId tenant, HeldRoles held, Instant at, Span span, long cap);
}
