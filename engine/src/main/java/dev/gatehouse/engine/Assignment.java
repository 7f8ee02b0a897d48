package dev.gatehouse.engine;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A subject holds a role, at a location (and every location below it) or tenant-wide when
 * {@code location} is null, from {@code startsAt} (inclusive) until {@code expiresAt} (exclusive);
 * either bound may be open.
 */
public record Assignment(
        String id,
        String role,
        @Nullable String location,
        @Nullable Instant startsAt,
        @Nullable Instant expiresAt,
        AssignmentSource source) {

    public Assignment {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(source, "source");
        if (startsAt != null && expiresAt != null && !expiresAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("assignment " + id + " expires before it starts");
        }
    }

    public static Assignment tenantWide(String id, String role) {
        return new Assignment(id, role, null, null, null, AssignmentSource.DIRECT);
    }

    public static Assignment at(String id, String role, String location) {
        return new Assignment(id, role, location, null, null, AssignmentSource.DIRECT);
    }

    public Assignment during(@Nullable Instant from, @Nullable Instant until) {
        return new Assignment(id, role, location, from, until, source);
    }

    /** Whether the assignment is in force at {@code at}: {@code startsAt <= at < expiresAt}. */
    public boolean validAt(Instant at) {
        return (startsAt == null || !at.isBefore(startsAt)) && (expiresAt == null || at.isBefore(expiresAt));
    }

    public boolean isTenantWide() {
        return location == null;
    }
}
