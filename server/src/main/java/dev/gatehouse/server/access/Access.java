package dev.gatehouse.server.access;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.engine.Permitted;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Reason;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The one way the server asks "may they?": every admin endpoint and the check API go through
 * here to the engine, with the tenant's own roles (docs/product.md, "One decision engine").
 */
@Service
public class Access {

    private final AccessCache cache;
    private final PolicyLoader loader;
    private final JdbcClient jdbc;
    private final Clock clock;

    Access(AccessCache cache, PolicyLoader loader, JdbcClient jdbc, Clock clock) {
        this.cache = cache;
        this.loader = loader;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The tenant's current policy, or empty when there is no such tenant. */
    public Optional<TenantPolicy> policy(TenantId tenant) {
        return cache.tenant(tenant, loader::policy).map(AccessCache.TenantAccess::policy);
    }

    /** The user's compiled profile, or empty when the tenant has no such user. */
    public Optional<Profile> profile(TenantId tenant, UUID user) {
        Optional<AccessCache.TenantAccess> access = cache.tenant(tenant, loader::policy);
        if (access.isEmpty()) {
            return Optional.empty();
        }
        TenantPolicy policy = access.get().policy();
        Profile profile = access.get().profiles()
                .get(user, id -> loader.subject(tenant, id).map(policy::compile).orElse(null));
        return Optional.ofNullable(profile);
    }

    /** Decides for {@code user} of {@code tenant}; an unknown user gets a deny, never an error. */
    public Decision decide(TenantId tenant, UUID user, String permission, @Nullable Resource resource,
            RequestContext context) {
        Optional<TenantPolicy> policy = policy(tenant);
        Optional<Profile> profile = profile(tenant, user);
        if (policy.isEmpty() || profile.isEmpty()) {
            return Decision.deny(new Reason.NoMatchingGrant(permission));
        }
        return policy.get().check(profile.get(), permission, resource, clock.instant(), context);
    }

    /**
     * Lets the caller through, or answers 403 naming the missing permission and why.
     *
     * @throws ApiException 403 when the engine denies
     */
    public Decision require(Caller caller, String permission, @Nullable Resource resource) {
        Decision decision = decide(caller.tenant(), caller.userId(), permission, resource, RequestContext.EMPTY);
        if (!decision.allowed()) {
            throw ApiException.forbidden("missing permission " + permission + ": " + decision.explain());
        }
        return decision;
    }

    public boolean allows(Caller caller, String permission, @Nullable Resource resource) {
        return decide(caller.tenant(), caller.userId(), permission, resource, RequestContext.EMPTY).allowed();
    }

    public List<EffectivePermission> effectivePermissions(TenantId tenant, UUID user, @Nullable String location) {
        Optional<TenantPolicy> policy = policy(tenant);
        Optional<Profile> profile = profile(tenant, user);
        if (policy.isEmpty() || profile.isEmpty()) {
            return List.of();
        }
        return policy.get().effectivePermissions(profile.get(), clock.instant(), location);
    }

    /** Who among the tenant's users may do {@code permission} at {@code location} (anywhere when null). */
    public List<Permitted> whoCan(TenantId tenant, String permission, @Nullable String location) {
        Optional<TenantPolicy> policy = policy(tenant);
        if (policy.isEmpty()) {
            return List.of();
        }
        List<UUID> users = jdbc.sql("select id from users where tenant_id = :tenant order by username_normalized")
                .param("tenant", tenant.value()).query(UUID.class).list();
        List<Profile> population = new ArrayList<>(users.size());
        for (UUID user : users) {
            profile(tenant, user).ifPresent(population::add);
        }
        return policy.get().whoCan(population, permission, location, clock.instant());
    }
}
