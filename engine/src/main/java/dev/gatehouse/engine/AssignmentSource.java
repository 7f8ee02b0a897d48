package dev.gatehouse.engine;

/** Why a subject holds a role (docs/access-model.md, "Assignment"). */
public enum AssignmentSource {
    DIRECT,
    INVITE,
    SSO,
    DELEGATION,
    ELEVATION,
    BREAK_GLASS,
    /** Given by a SCIM group the user is a member of (issue 15); only SCIM ever removes it. */
    SCIM,
    /** Given by the user's type (issue 16, seed 003: "User Type determines base permissions"); only a type change removes it. */
    USER_TYPE
}
