package dev.gatehouse.engine;

/**
 * How far a grant reaches. Declared narrowest first: a wider scope implies every narrower one
 * (docs/access-model.md, "Scopes").
 */
public enum Scope {
    /** The subject is the resource's owner. */
    OWN,
    /** The subject is among the resource's assignees (or its owner). */
    ASSIGNED,
    /** The resource lies at or below a location where the subject holds the role. */
    LOCATION,
    /** Any resource of the tenant. */
    TENANT;

    /** Whether this scope reaches everything {@code other} reaches. */
    public boolean includes(Scope other) {
        return compareTo(other) >= 0;
    }

    static final Scope[] BY_ORDINAL = values();
}
