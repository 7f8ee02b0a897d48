package dev.gatehouse.engine;

/** Why a subject holds a role (docs/access-model.md, "Assignment"). */
public enum AssignmentSource {
    DIRECT,
    INVITE,
    SSO,
    DELEGATION,
    ELEVATION,
    BREAK_GLASS
}
