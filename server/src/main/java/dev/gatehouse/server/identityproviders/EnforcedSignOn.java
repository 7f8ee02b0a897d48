package dev.gatehouse.server.identityproviders;

import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;

/**
 * Enforced single sign-on (issue 15): a tenant's enabled, enforced provider refuses password sign-in
 * to the people it covers — those whose e-mail domain it claims and those linked to it — except a
 * break-glass administrator: anyone holding {@code identity-providers.manage} (so that an
 * administrator can always sign in and repair a broken provider), and the usernames its config lists
 * under {@code breakGlassUsers}. The sign-in's password gate asks this ({@code console.EnforcedSignOnGate}).
 */
@Service
public class EnforcedSignOn {

    private final ProviderStore providers;
    private final ExternalIdentities identities;
    private final Access access;
    private final Clock clock;

    EnforcedSignOn(ProviderStore providers, ExternalIdentities identities, Access access, Clock clock) {
        this.providers = providers;
        this.identities = identities;
        this.access = access;
        this.clock = clock;
    }

    /** Whether the password step must refuse this account of the tenant. */
    public boolean refusesPassword(TenantId tenant, UUID userId, String username, @Nullable String email) {
        List<ProviderStore.Enforced> enforced = providers.enforced(tenant);
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
