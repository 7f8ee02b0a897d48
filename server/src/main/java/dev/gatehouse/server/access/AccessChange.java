package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One announced change that can alter decisions, as the change log numbers it (issue 14): what every
 * node hears by NOTIFY and the change stream sends on (docs/changes.md).
 */
record AccessChange(long version, TenantId tenant, Kind kind, @Nullable UUID user) {

    /** What a client must drop (docs/changes.md, "Events"). */
    enum Kind {
        /** Roles, grants, catalog, locations, the settings the policy reads, the tenant's state: everything. */
        POLICY,
        /** One user's state, assignments or username: their profile and those holding a role they lent. */
        SUBJECT,
        /** One user's stored relationships. */
        RELATIONS
    }

    /** The NOTIFY payload: {@code kind:tenant:user:version}, the user {@code -} for a policy change. */
    String payload() {
        return payloadBefore(kind, tenant, user) + version;
    }

    /** {@link #payload} up to its version, for a statement that appends the version it was given. */
    static String payloadBefore(Kind kind, TenantId tenant, @Nullable UUID user) {
        return kind.name() + ":" + tenant + ":" + (user == null ? "-" : user.toString()) + ":";
    }
}
