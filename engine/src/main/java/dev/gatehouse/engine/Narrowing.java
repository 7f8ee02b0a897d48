package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a credential narrower than its subject (an API key) may reach: permissions covered by one
 * of its patterns and, when it names locations, resources at or below one of them. Each layer is
 * one such narrowing; a profile narrowed twice must pass both. Compiled against one policy's
 * catalog and location tree, and again when its profile is recompiled against a newer one.
 */
final class Narrowing {

    /** One narrowing as given: permission keys or patterns, and location ids (none: every location). */
    record Layer(List<String> patterns, Set<String> locations) {
        Layer {
            patterns = List.copyOf(patterns);
            locations = Set.copyOf(locations);
        }
    }

    private final List<Layer> layers;
    private final LocationTree tree;
    /** By permission id: whether every layer's patterns cover it. */
    private final boolean[] permitted;
    /** By location index: whether it is at or below a location of every layer naming some; null when none does. */
    private final boolean @Nullable [] reachable;

    private Narrowing(List<Layer> layers, TenantPolicy policy) {
        this.layers = List.copyOf(layers);
        this.tree = policy.locations();
        PermissionCatalog catalog = policy.catalog();
        this.permitted = new boolean[catalog.size()];
        Arrays.fill(permitted, true);
        boolean[] places = null;
        for (Layer layer : layers) {
            boolean[] covered = new boolean[catalog.size()];
            for (String pattern : layer.patterns()) {
                for (int id : catalog.idsCoveredBy(pattern)) {
                    covered[id] = true;
                }
            }
            for (int id = 0; id < permitted.length; id++) {
                permitted[id] &= covered[id];
            }
            if (!layer.locations().isEmpty()) {
                boolean[] inLayer = new boolean[tree.size()];
                for (String location : layer.locations()) {
                    int place = tree.indexOf(location); // a location since removed reaches nothing
                    for (int i = 0; place >= 0 && i < inLayer.length; i++) {
                        inLayer[i] |= tree.isWithin(i, place);
                    }
                }
                if (places == null) {
                    places = inLayer;
                } else {
                    for (int i = 0; i < places.length; i++) {
                        places[i] &= inLayer[i];
                    }
                }
            }
        }
        this.reachable = places;
    }

    static Narrowing of(Layer layer, TenantPolicy policy) {
        return new Narrowing(List.of(layer), policy);
    }

    /** This narrowing and one more layer. */
    Narrowing and(Layer layer, TenantPolicy policy) {
        List<Layer> more = new ArrayList<>(layers);
        more.add(layer);
        return new Narrowing(more, policy);
    }

    /** The same layers against another policy (a newer version of the tenant's). */
    Narrowing recompiledFor(TenantPolicy policy) {
        return new Narrowing(layers, policy);
    }

    boolean permits(int permissionId) {
        return permitted[permissionId];
    }

    boolean byLocation() {
        return reachable != null;
    }

    /** Whether location {@code index} is within reach (always, without a narrowing by location). */
    boolean reaches(int index) {
        return reachable == null || index >= 0 && reachable[index];
    }

    /** Whether location {@code id} is within reach. */
    boolean reaches(String id) {
        return reaches(tree.indexOf(id));
    }

    /**
     * Why a request for {@code permission} on {@code resource} is outside this narrowing, or null
     * when it is inside. A narrowing by location reaches only resources that name a location within
     * reach: a question about no place in particular is a question about every place.
     */
    @Nullable Reason refuses(int permissionId, String permission, @Nullable Resource resource) {
        if (!permitted[permissionId]) {
            return new Reason.BeyondCredential(permission, "none of its scopes covers " + permission);
        }
        if (reachable == null) {
            return null;
        }
        if (resource == null || resource.location() == null) {
            return new Reason.BeyondCredential(permission, "it is limited to some locations and the request names none");
        }
        return reaches(resource.location()) ? null
                : new Reason.BeyondCredential(permission, resource.location() + " is outside its locations");
    }

    /** The locations within reach whose parent is not: what a grant held tenant-wide narrows to. */
    List<String> tops() {
        List<String> tops = new ArrayList<>();
        for (Location location : tree.locations()) {
            if (reaches(location.id()) && (location.parent() == null || !reaches(location.parent()))) {
                tops.add(location.id());
            }
        }
        return tops;
    }

    /** The locations within reach at or below {@code location}: what a grant held there narrows to. */
    List<String> within(String location) {
        if (reaches(location)) {
            return List.of(location);
        }
        List<String> inside = new ArrayList<>();
        for (String top : tops()) {
            if (tree.isWithin(top, location)) {
                inside.add(top);
            }
        }
        return inside;
    }
}
