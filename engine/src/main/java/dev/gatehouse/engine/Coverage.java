package dev.gatehouse.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who may act on whom (docs/engine.md): a caller covers a grant when, among the grants the caller
 * holds in force, one gives the same permission (or a wildcard over it) at least as widely — scope
 * OWN &lt; ASSIGNED &lt; LOCATION &lt; TENANT — held where the other one is held — a TENANT grant
 * anywhere, any other grant tenant-wide or at the other's location or above it — and without a
 * condition, or with the identical one.
 *
 * <p>Where an OWN or ASSIGNED grant is held matters although a check never asks it: the assignment
 * is what someone administers, and the place says who may. A manager holding {@code calls.edit}
 * LOCATION at one clinic reaches nothing at another, so she must not cover (reset, lock, re-role)
 * an assistant holding {@code calls.edit} ASSIGNED there — the lead's decision after review. OWN and
 * ASSIGNED are also relative to the holder: a caller who covers a provider's {@code patients.read}
 * ASSIGNED may read what is assigned to the caller, not the provider's patients.
 */
final class Coverage {

    /** One grant the caller holds in force, for one catalog permission. */
    private record Held(Scope scope, @Nullable String location, @Nullable Condition condition) {}

    private final TenantPolicy policy;
    /** By permission id: what the caller holds of it in force, or null. */
    private final @Nullable List<Held>[] held;

    @SuppressWarnings("unchecked")
    private Coverage(TenantPolicy policy, Profile caller, Instant now) {
        this.policy = policy;
        this.held = new List[policy.catalog().size()];
        List<Assignment> assignments = caller.subject().assignments();
        for (int i = 0; i < assignments.size(); i++) {
            Assignment assignment = assignments.get(i);
            if (!caller.inForce(i, now)) {
                continue; // the caller's authority is what they hold now (a delegation: while lent), not later
            }
            for (Grant grant : policy.flattenedGrants(assignment.role())) {
                for (int id : policy.catalog().idsCoveredBy(grant.permission())) {
                    if (held[id] == null) {
                        held[id] = new ArrayList<>();
                    }
                    held[id].add(new Held(grant.scope(), assignment.location(), grant.condition()));
                }
            }
        }
        Narrowing narrowing = caller.narrowing();
        if (narrowing != null) {
            narrow(narrowing);
        }
    }

    /**
     * A narrowed caller (an API key) holds only what its narrowing reaches: no permission outside
     * its scopes, and, narrowed by location, location-wide grants only at its locations and nothing
     * that reaches beyond places (own and assigned resources anywhere, tenant-wide grants).
     */
    private void narrow(Narrowing narrowing) {
        for (int id = 0; id < held.length; id++) {
            if (held[id] == null) {
                continue;
            }
            if (!narrowing.permits(id)) {
                held[id] = null;
                continue;
            }
            if (!narrowing.byLocation()) {
                continue;
            }
            List<Held> reach = new ArrayList<>();
            for (Held grant : held[id]) {
                if (grant.scope().ordinal() < Scope.LOCATION.ordinal()) {
                    continue;
                }
                List<String> places = grant.scope() == Scope.TENANT || grant.location() == null
                        ? narrowing.tops() : narrowing.within(grant.location());
                for (String place : places) {
                    reach.add(new Held(Scope.LOCATION, place, grant.condition()));
                }
            }
            held[id] = reach.isEmpty() ? null : reach;
        }
    }

    /** The caller's in-force grants, ready to compare; the caller must be compiled against {@code policy}. */
    static Coverage of(TenantPolicy policy, Profile caller, Instant now) {
        return new Coverage(policy, caller, now);
    }

    /**
     * The first of the target's grants the caller does not cover, or null when the caller covers
     * them all. Counts every assignment of the target not expired at {@code now} (one that starts
     * later will be in force then); with {@code at}, only those that hold there: tenant-wide, at
     * {@code at} or above it, or below it.
     */
    Reason.@Nullable Uncovered firstUncovered(Profile target, Instant now, @Nullable String at) {
        for (Assignment assignment : target.subject().assignments()) {
            if (assignment.expiresAt() != null && !now.isBefore(assignment.expiresAt())) {
                continue;
            }
            if (at != null && !holdsAt(assignment.location(), at)) {
                continue;
            }
            for (Grant grant : policy.flattenedGrants(assignment.role())) {
                for (int id : policy.catalog().idsCoveredBy(grant.permission())) {
                    if (!covers(id, grant.scope(), assignment.location(), grant.condition())) {
                        return uncovered(target.subjectId(), id, grant, assignment.location(), assignment.role());
                    }
                }
            }
        }
        return null;
    }

    /**
     * The catalog permissions that {@code grants}, held at {@code location} (tenant-wide when
     * null), would give beyond what the caller covers: a caller hands out only what they have.
     */
    List<String> beyond(List<Grant> grants, @Nullable String location) {
        Set<String> beyond = new LinkedHashSet<>();
        for (Grant grant : grants) {
            for (int id : policy.catalog().idsCoveredBy(grant.permission())) {
                if (!covers(id, grant.scope(), location, grant.condition())) {
                    beyond.add(policy.catalog().get(id).key());
                }
            }
        }
        return List.copyOf(beyond);
    }

    private boolean holdsAt(@Nullable String location, String at) {
        LocationTree tree = policy.locations();
        return location == null || tree.isWithin(at, location) || tree.isWithin(location, at);
    }

    private boolean covers(int permission, Scope scope, @Nullable String location, @Nullable Condition condition) {
        List<Held> mine = held[permission];
        if (mine == null) {
            return false;
        }
        for (Held grant : mine) {
            if (grant.condition() != null && !grant.condition().equals(condition)) {
                continue;
            }
            if (reaches(grant, scope, location)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the caller's grant reaches everything a grant of {@code scope} held at {@code location}
     * reaches, and is held where that one is.
     */
    private boolean reaches(Held grant, Scope scope, @Nullable String location) {
        if (grant.scope() == Scope.TENANT) {
            return true;
        }
        return scope != Scope.TENANT && grant.scope().includes(scope) && heldOver(grant, location);
    }

    /** Whether the caller's grant is held tenant-wide, or at {@code location} or above it. */
    private boolean heldOver(Held grant, @Nullable String location) {
        return grant.location() == null || location != null && policy.locations().isWithin(location, grant.location());
    }

    private Reason.Uncovered uncovered(String target, int permission, Grant grant, @Nullable String location,
            String role) {
        List<Held> mine = held[permission] == null ? List.of() : held[permission];
        Scope widest = null;
        boolean onlyConditional = !mine.isEmpty();
        List<Held> usable = new ArrayList<>();
        for (Held h : mine) {
            if (h.condition() != null && !Objects.equals(h.condition(), grant.condition())) {
                continue;
            }
            onlyConditional = false;
            usable.add(h);
            if (widest == null || h.scope().includes(widest)) {
                widest = h.scope();
            }
        }
        // Where the caller holds their widest scope, when only at some places: that is why it fell short.
        Set<String> places = new LinkedHashSet<>();
        for (Held h : usable) {
            if (h.scope() == widest && widest != Scope.TENANT) {
                if (h.location() == null) {
                    places.clear();
                    break;
                }
                places.add(h.location());
            }
        }
        return new Reason.Uncovered(target, policy.catalog().get(permission).key(), grant.scope(), location,
                grant.condition(), role, widest, List.copyOf(places), onlyConditional);
    }
}
