package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Which active tenant a slug names, as every password sign-in asks first (issue 17: one statement of
 * each sign-in), kept on this node. Only active tenants are kept: a slug that names nobody, or a
 * suspended tenant, is read afresh every time, so a new or reactivated tenant signs in at once. A
 * slug never changes; what ends a tenant's activity (suspension, deletion) is announced as the
 * tenant's change ({@link AccessChanged.Policy}, on this node right after the commit and on the others
 * by PostgreSQL NOTIFY), which drops it here, so a suspended tenant's sign-ins stop on every node
 * within the second docs/security.md promises, as its settings' cache does. A read that overlapped
 * a drop is not kept; the hour's expiry is only a safety net.
 */
@Component
class ActiveSlugCache {

    private final NodeCache<String, TenantId> active = NodeCache.expiringAfter(10_000, Duration.ofHours(1));

    /** The active tenant of {@code slug}, from this node's cache or else {@code read} (and kept when found). */
    Optional<TenantId> activeBySlug(String slug, Function<String, Optional<TenantId>> read) {
        return active.find(slug, () -> read.apply(slug));
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Policy policy -> active.evictIf(policy.tenant()::equals);
            case AccessChanged.Everything everything -> active.evictAll();
            case AccessChanged.Subject subject -> {
                // One user's state: the tenant is as active as it was.
            }
        }
    }
}
