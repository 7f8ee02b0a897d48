package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Reason;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.TenantPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Requests drawn at random from a generated tenant (a random user asks for a random permission on a
 * resource at a random location) and sorted, by asking Gatehouse once at setup, into ones it allows
 * and ones it denies. Each kind is half of one way and half of the other, so the benchmark measures
 * a known mix: allowed by a tenant-scope grant or by a location-scope grant; denied because no role
 * grants the permission or because the role is held, but not where the resource is.
 */
final class AccessCases {

    /** The time of every request; no assignment of the generated tenant has a validity window. */
    static final Instant AT = Instant.parse("2025-06-02T09:30:00Z");

    private static final long SEED = 0xCA5E_5EEDL;

    /** One request: the user (an index into the tenant's subjects), the permission and the resource. */
    record Case(int subject, String permission, Resource resource, Decision decision) {}

    private final List<Case> allowed;
    private final List<Case> denied;

    private AccessCases(List<Case> allowed, List<Case> denied) {
        this.allowed = allowed;
        this.denied = denied;
    }

    /**
     * Draws {@code perKind} allowed and {@code perKind} denied requests ({@code perKind} even).
     *
     * @param profiles the tenant's subjects compiled, in the same order
     */
    static AccessCases draw(GeneratedTenant tenant, List<Profile> profiles, int perKind) {
        TenantPolicy policy = tenant.policy();
        List<Permission> permissions = policy.catalog().permissions();
        List<Location> locations = policy.locations().locations();
        int half = perKind / 2;
        List<Case> byTenantGrant = new ArrayList<>(half);
        List<Case> byLocationGrant = new ArrayList<>(half);
        List<Case> noGrant = new ArrayList<>(half);
        List<Case> elsewhere = new ArrayList<>(half);
        Random random = new Random(SEED);
        long attempts = 0;
        while (byTenantGrant.size() < half || byLocationGrant.size() < half || noGrant.size() < half
                || elsewhere.size() < half) {
            if (++attempts > 1_000L * perKind) {
                throw new IllegalStateException("the generated tenant yields too few requests of some kind: "
                        + byTenantGrant.size() + " tenant-scope allows, " + byLocationGrant.size()
                        + " location-scope allows, " + noGrant.size() + " no-grant denies, " + elsewhere.size()
                        + " scope-miss denies of " + half + " each");
            }
            int subject = random.nextInt(profiles.size());
            String permission = permissions.get(random.nextInt(permissions.size())).key();
            String location = locations.get(random.nextInt(locations.size())).id();
            String type = permission.substring(0, permission.indexOf('.'));
            Resource resource = Resource.of(type, Long.toString(attempts)).locatedAt(location);
            Decision decision = policy.check(profiles.get(subject), permission, resource, AT);
            List<Case> bucket = switch (decision.reason()) {
                case Reason.GrantedBy granted when granted.grant().scope() == Scope.TENANT -> byTenantGrant;
                case Reason.GrantedBy granted when granted.grant().scope() == Scope.LOCATION -> byLocationGrant;
                case Reason.NoMatchingGrant none -> noGrant;
                case Reason.ScopeMiss miss -> elsewhere;
                default -> throw new IllegalStateException("unexpected decision for a generated request: "
                        + decision.explain());
            };
            if (bucket.size() < half) {
                bucket.add(new Case(subject, permission, resource, decision));
            }
        }
        return new AccessCases(interleave(byTenantGrant, byLocationGrant, random),
                interleave(noGrant, elsewhere, random));
    }

    /** Both lists in one random order, so a run of cases never favours one way. */
    private static List<Case> interleave(List<Case> one, List<Case> other, Random random) {
        List<Case> all = new ArrayList<>(one.size() + other.size());
        all.addAll(one);
        all.addAll(other);
        Collections.shuffle(all, random);
        return List.copyOf(all);
    }

    List<Case> allowed() {
        return allowed;
    }

    List<Case> denied() {
        return denied;
    }
}
