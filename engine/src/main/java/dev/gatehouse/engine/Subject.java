package dev.gatehouse.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A user or service account of one tenant, with its state and role assignments. {@code expiresAt}:
 * when the account itself ends (a contractor's, seed 000 time-bound access), null for never; from
 * then on the subject is not active, whatever its status (docs/access-model.md step 1).
 */
public record Subject(String id, SubjectStatus status, @Nullable Instant lockedUntil, List<Assignment> assignments,
        @Nullable Instant expiresAt) {
    public Subject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        assignments = List.copyOf(assignments);
    }

    /** An account that does not expire. */
    public Subject(String id, SubjectStatus status, @Nullable Instant lockedUntil, List<Assignment> assignments) {
        this(id, status, lockedUntil, assignments, null);
    }

    /**
     * Whether the subject may act at {@code at} at all: active, not temporarily locked out, and
     * not past its account's expiry. What a credential of theirs (a key, a session) asks too.
     */
    public boolean isActiveAt(Instant at) {
        return status == SubjectStatus.ACTIVE && (lockedUntil == null || !at.isBefore(lockedUntil))
                && !isExpiredAt(at);
    }

    /** Whether the account has ended by {@code at} (its {@code expiresAt} is at or before it). */
    public boolean isExpiredAt(Instant at) {
        return expiresAt != null && !at.isBefore(expiresAt);
    }

    public static Subject active(String id, List<Assignment> assignments) {
        return new Subject(id, SubjectStatus.ACTIVE, null, assignments);
    }

    public static Subject active(String id, Assignment... assignments) {
        return active(id, List.of(assignments));
    }

    public Subject withStatus(SubjectStatus newStatus) {
        return new Subject(id, newStatus, lockedUntil, assignments, expiresAt);
    }

    public Subject lockedUntil(@Nullable Instant until) {
        return new Subject(id, status, until, assignments, expiresAt);
    }

    public Subject withAssignments(List<Assignment> newAssignments) {
        return new Subject(id, status, lockedUntil, newAssignments, expiresAt);
    }

    /** This subject with its account ending at {@code at} (null: never). */
    public Subject expiringAt(@Nullable Instant at) {
        return new Subject(id, status, lockedUntil, assignments, at);
    }
}
