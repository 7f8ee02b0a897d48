package dev.gatehouse.server.identityproviders;

import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Enforced single sign-on (issue 15): a tenant's enabled, enforced provider refuses password sign-in
 * to the people it covers — those whose e-mail domain it claims and those linked to it — except a
 * break-glass administrator: anyone holding {@code identity-providers.manage} (so that an
 * administrator can always sign in and repair a broken provider), and the usernames its config lists
 * under {@code breakGlassUsers}. The sign-in's password gate asks this ({@code console.EnforcedSignOnGate}).
 *
 * <p>Every password sign-in asks, and providers rarely change, so each node keeps the tenant's
 * enforced providers (issue 17) until a provider's change is announced ({@link ProviderRegistry}
 * announces the tenant as changed; every node hears it within about a quarter of a second, this one
 * right after the commit). A read that overlapped such an eviction is not kept.
 */
@Service
public class EnforcedSignOn {

    private final ProviderStore providers;
    private final ExternalIdentities identities;
    private final Access access;
    private final Clock clock;

    /** Each tenant's enabled, enforced providers as last read here; a minute's expiry is only a safety net. */
    private final NodeCache<TenantId, List<ProviderStore.Enforced>> enforcedByTenant =
            NodeCache.expiringAfter(10_000, Duration.ofMinutes(1));

    EnforcedSignOn(ProviderStore providers, ExternalIdentities identities, Access access, Clock clock) {
        this.providers = providers;
        this.identities = identities;
        this.access = access;
        this.clock = clock;
    }

    /** Whether the password step must refuse this account of the tenant. */
    public boolean refusesPassword(TenantId tenant, UUID userId, String username, @Nullable String email) {
        List<ProviderStore.Enforced> enforced = enforced(tenant);
        if (enforced.isEmpty()) {
            return false;
        }
        Optional<String> domain = email == null ? Optional.empty() : IdentityProviders.domainOf(email);
        List<UUID> linked = identities.providersOf(tenant, userId);
        List<ProviderStore.Enforced> covering = enforced.stream()
                .filter(provider -> domain.map(provider.domains()::contains).orElse(false)
                        || linked.contains(provider.id()))
                .toList();
        if (covering.isEmpty() || managesProviders(tenant, userId)) {
            return false;
        }
        String name = Usernames.normalize(username);
        return covering.stream().anyMatch(provider -> !breakGlassUser(provider, name));
    }

    private List<ProviderStore.Enforced> enforced(TenantId tenant) {
        return enforcedByTenant.get(tenant, () -> List.copyOf(providers.enforced(tenant)));
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Policy policy -> enforcedByTenant.evict(policy.tenant());
            case AccessChanged.Everything everything -> enforcedByTenant.evictAll();
            case AccessChanged.Subject subject -> {
                // One user's state: not the tenant's providers (a user's links are read at each sign-in).
            }
        }
    }

    private static boolean breakGlassUser(ProviderStore.Enforced provider, String username) {
        JsonNode listed = provider.config().get("breakGlassUsers");
        if (listed == null || !listed.isArray()) {
            return false;
        }
        for (JsonNode user : listed) {
            if (user.isString() && Usernames.normalize(user.asString()).equals(username)) {
                return true;
            }
        }
        return false;
    }

    /** The engine's word, without spending a one-time elevation: an administrator may always repair a provider. */
    private boolean managesProviders(TenantId tenant, UUID user) {
        var policy = access.policy(tenant);
        var profile = access.profile(tenant, user);
        return policy.isPresent() && profile.isPresent() && policy.get().check(profile.get(), ProviderRegistry.MANAGE,
                null, clock.instant(), RequestContext.EMPTY).allowed();
    }
}
