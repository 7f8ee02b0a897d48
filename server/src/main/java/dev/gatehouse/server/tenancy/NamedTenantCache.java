package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantDirectory;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The tenant a path's {@code {tenant}} names (slug or id) with its pack and display name, as every
 * admin request asks first (issue 17: one statement of each user creation), kept on this node. Only a
 * tenant found is kept, so a new tenant is found at once. Its id, slug and pack never change; what
 * changes its name (a rename) or ends it (a deletion) is announced as the tenant's change
 * ({@link AccessChanged.Policy}, on this node right after the commit and on the others by PostgreSQL
 * NOTIFY), which drops it here as {@link ActiveSlugCache} drops an active slug. A read that overlapped
 * a drop is not kept; the hour's expiry is only a safety net.
 */
@Component
class NamedTenantCache {

    private final NodeCache<String, TenantDirectory.Named> named = NodeCache.expiringAfter(10_000, Duration.ofHours(1));

    /** The tenant {@code slugOrId} names, from this node's cache or else {@code read} (and kept when found). */
    Optional<TenantDirectory.Named> named(String slugOrId, Function<String, Optional<TenantDirectory.Named>> read) {
        return named.find(slugOrId, () -> read.apply(slugOrId));
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Policy policy -> named.evictIf(tenant -> tenant.id().equals(policy.tenant()));
            case AccessChanged.Everything everything -> named.evictAll();
            case AccessChanged.Subject subject -> {
                // One user's state: the tenant's name is what it was.
            }
        }
    }
}
