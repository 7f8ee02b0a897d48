package dev.gatehouse.engine;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A user or service account of one tenant, with its state and role assignments. */
public record Subject(String id, SubjectStatus status, @Nullable Instant lockedUntil, List<Assignment> assignments) {
    public Subject {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        assignments = List.copyOf(assignments);
    }

    public static Subject active(String id, List<Assignment> assignments) {
        return new Subject(id, SubjectStatus.ACTIVE, null, assignments);
    }

    public static Subject active(String id, Assignment... assignments) {
        return active(id, List.of(assignments));
    }

    public Subject withStatus(SubjectStatus newStatus) {
        return new Subject(id, newStatus, lockedUntil, assignments);
    }

    public Subject lockedUntil(@Nullable Instant until) {
        return new Subject(id, status, until, assignments);
    }

    public Subject withAssignments(List<Assignment> newAssignments) {
        return new Subject(id, status, lockedUntil, newAssignments);
    }
}
