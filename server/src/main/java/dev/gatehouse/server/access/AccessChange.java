package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One announced change that can alter decisions, as the change log numbers it (issue 14): what every
 * node hears by NOTIFY and the change stream sends on (docs/changes.md). {@code created} marks a
 * {@link Kind#SUBJECT} change that created the user: only the NOTIFY says so, for the nodes' own
 * listeners (issue 17: nothing asks what a user created this moment has lent); the log keeps
 * {@code SUBJECT} and the change streams send {@code SUBJECT}, as for any other change of the user.
 */
record AccessChange(long version, TenantId tenant, Kind kind, @Nullable UUID user, boolean created) {

    /** The NOTIFY's first field for a created user, where a change of one says {@code SUBJECT}. */
    static final String CREATED = "CREATED";

    AccessChange(long version, TenantId tenant, Kind kind, @Nullable UUID user) {
        this(version, tenant, kind, user, false);
    }

    /** What a client must drop (docs/changes.md, "Events"). */
    enum Kind {
        /** Roles, grants, catalog, locations, the settings the policy reads, the tenant's state: everything. */
        POLICY,
        /** One user's state, assignments or username: their profile and those holding a role they lent. */
        SUBJECT,
        /** One user's stored relationships. */
        RELATIONS
    }

    /**
     * The NOTIFY payload: {@code kind:tenant:user:version}, the user {@code -} for a policy change, the
     * kind {@value #CREATED} for a user's creation.
     */
    String payload() {
        return payloadBefore(kind, tenant, user, created) + version;
    }

    /** {@link #payload} up to its version, for a statement that appends the version it was given. */
    static String payloadBefore(Kind kind, TenantId tenant, @Nullable UUID user, boolean created) {
        return (created ? CREATED : kind.name()) + ":" + tenant + ":" + (user == null ? "-" : user.toString()) + ":";
    }
}
