package dev.gatehouse.server.access;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.engine.LocationTree;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.shared.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;

/**
 * What the signed-in caller holds, spelled out for a browser (issue 14, {@code GET /api/v1/me}): the
 * engine's effective permissions with every location below where each is held listed, so that the
 * JavaScript helper tests membership without the location tree, and the locations where the caller
 * holds a role, with their names.
 */
@Service
public class MyAccess {

    /**
     * {@code conditional}: it is held only under conditions, which a browser cannot evaluate; held also
     * without one, the scope and locations say where (a conditional grant only ever widens them).
     */
    public record HeldPermission(String permission, Scope scope, boolean everywhere, List<String> locations,
            boolean conditional) {}

    public record HeldLocation(String id, String name) {}

    private final Access access;
    private final PolicyLoader loader;
    private final Clock clock;

    MyAccess(Access access, PolicyLoader loader, Clock clock) {
        this.access = access;
        this.loader = loader;
        this.clock = clock;
    }

    /** The caller's effective permissions now (an API key's narrowed), each location expanded to its subtree. */
    public List<HeldPermission> permissions(Caller caller) {
        Optional<TenantPolicy> policy = access.policy(caller.tenant());
        if (policy.isEmpty()) {
            return List.of();
        }
        LocationTree tree = policy.get().locations();
        return access.effectivePermissions(caller, null).stream().map(held -> expanded(held, tree)).toList();
    }

    /** The locations where the caller holds a role now, by the order of their assignments, with names. */
    public List<HeldLocation> locations(Caller caller) {
        Instant now = clock.instant();
        Set<String> held = new LinkedHashSet<>();
        access.profile(caller.tenant(), caller.userId()).ifPresent(profile -> profile.subject().assignments().stream()
                .filter(assignment -> assignment.location() != null && assignment.validAt(now))
                .map(Assignment::location).forEach(held::add));
        if (held.isEmpty()) {
            return List.of();
        }
        Map<String, String> names = loader.locationNames(caller.tenant());
        return held.stream().filter(names::containsKey).map(id -> new HeldLocation(id, names.get(id))).toList();
    }

    private static HeldPermission expanded(EffectivePermission held, LocationTree tree) {
        Set<String> below = new LinkedHashSet<>();
        held.locations().forEach(location -> below.addAll(tree.subtree(location)));
        return new HeldPermission(held.permission(), held.scope(), held.everywhere(), List.copyOf(below),
                held.onlyUnderConditions());
    }
}
