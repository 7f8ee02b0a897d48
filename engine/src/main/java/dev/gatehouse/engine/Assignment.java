package dev.gatehouse.engine;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A subject holds a role, at a location (and every location below it) or tenant-wide when
 * {@code location} is null, from {@code startsAt} (inclusive) until {@code expiresAt} (exclusive);
 * either bound may be open.
 *
 * <p>A {@link AssignmentSource#DELEGATION} carries its {@code delegator}: the lending subject as
 * they stand (state and assignments). It is in force only while its own window is open <em>and</em>
 * the delegator is active and holds the same role through a standing assignment (not itself
 * lent, elevated or broken glass) at that location or above it (docs/engine.md, "Delegation"); a
 * delegation without a delegator is never in force. So a delegate never holds more than the
 * delegator, whatever the caller of the engine stores.
 */
public record Assignment(
        String id,
        String role,
        @Nullable String location,
        @Nullable Instant startsAt,
        @Nullable Instant expiresAt,
        AssignmentSource source,
        @Nullable Subject delegator) {

    public Assignment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(source, "source");
        if (startsAt != null && expiresAt != null && !expiresAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("assignment " + id + " expires before it starts");
        }
        if (delegator != null && source != AssignmentSource.DELEGATION) {
            throw new IllegalArgumentException("assignment " + id + " names a delegator but is " + source);
        }
    }

    public Assignment(String id, String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, AssignmentSource source) {
        this(id, role, location, startsAt, expiresAt, source, null);
    }

    /** {@code role} lent by {@code delegator} at {@code location} (tenant-wide when null) for a window. */
    public static Assignment delegated(String id, String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, Subject delegator) {
        return new Assignment(id, role, location, startsAt, expiresAt, AssignmentSource.DELEGATION,
                Objects.requireNonNull(delegator, "delegator"));
    }

    /** Whether a subject holds this through their own standing, which is what they may lend. */
    public boolean isStanding() {
        return source != AssignmentSource.DELEGATION && source != AssignmentSource.ELEVATION
                && source != AssignmentSource.BREAK_GLASS;
    }

    public static Assignment tenantWide(String id, String role) {
        return new Assignment(id, role, null, null, null, AssignmentSource.DIRECT);
    }

    public static Assignment at(String id, String role, String location) {
        return new Assignment(id, role, location, null, null, AssignmentSource.DIRECT);
    }

    public Assignment during(@Nullable Instant from, @Nullable Instant until) {
        return new Assignment(id, role, location, from, until, source, delegator);
    }

    /**
     * Whether the assignment's own window is open at {@code at}: {@code startsAt <= at < expiresAt}.
     * A delegation also needs its delegator's backing ({@link Profile} checks both).
     */
    public boolean validAt(Instant at) {
        return (startsAt == null || !at.isBefore(startsAt)) && (expiresAt == null || at.isBefore(expiresAt));
    }

    public boolean isTenantWide() {
        return location == null;
    }
}
