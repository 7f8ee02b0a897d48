package dev.gatehouse.engine;

/**
 * The account states of docs/access-model.md. A temporary lockout after failed sign-ins is a
 * {@code lockedUntil} time on the subject, not a state.
 */
public enum SubjectStatus {
    INVITED,
    ACTIVE,
    DISABLED,
    /** Permanently locked by an admin. */
    LOCKED
}
