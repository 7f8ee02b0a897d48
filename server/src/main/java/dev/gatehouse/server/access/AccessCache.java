package dev.gatehouse.server.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.shared.TenantId;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * The engine's policies and compiled profiles, in memory, so that a check never reaches the
 * database. Evicted by {@link AccessChanges} on this node and by {@link AccessChangeListener} for
 * changes made on other nodes.
 */
@Component
class AccessCache {

    /** A tenant's policy and the profiles compiled against it; replaced whole when the policy changes. */
    record TenantAccess(TenantPolicy policy, Cache<UUID, Profile> profiles) {}

    private final Cache<TenantId, TenantAccess> tenants = Caffeine.newBuilder().maximumSize(10_000).build();

    Optional<TenantAccess> tenant(TenantId tenant, Function<TenantId, Optional<TenantPolicy>> load) {
        TenantAccess access = tenants.get(tenant, id -> load.apply(id)
                .map(policy -> new TenantAccess(policy, Caffeine.newBuilder().maximumSize(200_000).<UUID, Profile>build()))
                .orElse(null));
        return Optional.ofNullable(access);
    }

    void evictTenant(TenantId tenant) {
        tenants.invalidate(tenant);
    }

    void evictSubject(TenantId tenant, UUID user) {
        TenantAccess access = tenants.getIfPresent(tenant);
        if (access != null) {
            access.profiles().invalidate(user);
        }
    }

    void evictAll() {
        tenants.invalidateAll();
    }
}
