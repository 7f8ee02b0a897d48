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
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The permissions that {@code role}, held at {@code location} (tenant-wide when null), would
     * give beyond what the caller holds there: a caller may only hand out access they have
     * themselves, at least as widely, so that {@code roles.assign} is no way up to more power.
     * Empty when the caller holds all of it.
     */
    public List<String> grantsBeyondCaller(Caller caller, String role, @Nullable String location) {
        Optional<TenantPolicy> policy = policy(caller.tenant());
        Optional<Profile> profile = profile(caller.tenant(), caller.userId());
        if (policy.isEmpty() || profile.isEmpty() || policy.get().role(role).isEmpty()) {
            return List.of(role);
        }
        Map<String, EffectivePermission> held = new HashMap<>();
        for (EffectivePermission permission : policy.get().effectivePermissions(profile.get(), clock.instant(),
                location)) {
            held.put(permission.permission(), permission);
        }
        List<String> beyond = new ArrayList<>();
        List<Grant> grants = policy.get().flattenedGrants(role);
        for (Permission permission : policy.get().catalog().permissions()) {
            Scope needed = null;
            for (Grant grant : grants) {
                if (Permission.patternCovers(grant.permission(), permission.key())
                        && (needed == null || grant.scope().includes(needed))) {
                    needed = grant.scope();
                }
            }
            if (needed != null && !covers(held.get(permission.key()), needed, location)) {
                beyond.add(permission.key());
            }
        }
        return beyond;
    }

    private static boolean covers(@Nullable EffectivePermission held, Scope needed, @Nullable String location) {
        if (held == null) {
            return false;
        }
        if (!held.conditions().isEmpty() && held.scope() == Scope.OWN) {
            return false; // possibly only conditional grants: not something the caller surely holds
        }
        return switch (needed) {
            case TENANT -> held.scope() == Scope.TENANT;
            // At a location, effectivePermissions already lowers a grant held elsewhere to ASSIGNED;
            // tenant-wide, the caller's location reach must be everywhere.
            case LOCATION -> held.scope() == Scope.TENANT
                    || held.scope() == Scope.LOCATION && (location != null || held.everywhere());
            case ASSIGNED, OWN -> held.scope().includes(needed);
        };
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
