package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;

/**
 * Published on each node once a change that can alter decisions has reached its caches, whether the
 * change was made on this node (after commit) or on another one (by NOTIFY). Other per-node caches
 * of the same facts, such as the session cache, listen for it.
 */
public sealed interface AccessChanged {

    /** Roles, grants, catalog, locations or the tenant's state: anything in the tenant may differ. */
    record Policy(TenantId tenant) implements AccessChanged {}

    /**
     * One user's state or assignments. {@code created} is true when the change created the user (on the
     * creating node right after that commit, and on every node hearing its NOTIFY): an account created
     * this moment lends nothing and holds nothing yet that another feature keeps.
     */
    record Subject(TenantId tenant, UUID user, boolean created) implements AccessChanged {

        public Subject(TenantId tenant, UUID user) {
            this(tenant, user, false);
        }
    }

    /** Notifications may have been missed: anything anywhere may differ. */
    record Everything() implements AccessChanged {}
}
