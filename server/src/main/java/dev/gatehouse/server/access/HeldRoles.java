package dev.gatehouse.server.access;

import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Candidates;
import dev.gatehouse.engine.CertainHolders;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Assignments who-can reads, as the engine names them ({@link Candidates}, {@link CertainHolders}),
 * in the stored terms a statement on the users filters by: a role held anywhere, or held tenant-wide
 * or at one of {@code places}, through one of {@code sources} (as stored; any when null). What
 * "held" means in SQL is {@link HolderConditions#holdsInForce}.
 */
public record HeldRoles(List<String> anywhere, List<String> located, List<String> places,
        @Nullable List<String> sources) {

    public HeldRoles {
        anywhere = List.copyOf(anywhere);
        located = List.copyOf(located);
        places = List.copyOf(places);
        sources = sources == null ? null : List.copyOf(sources);
    }

    static HeldRoles of(Candidates candidates) {
        return new HeldRoles(List.copyOf(candidates.anywhere()), List.copyOf(candidates.located()),
                candidates.places(), null);
    }

    static HeldRoles of(CertainHolders certain) {
        return new HeldRoles(List.copyOf(certain.roles().anywhere()), List.copyOf(certain.roles().located()),
                certain.roles().places(), stored(certain.sources()));
    }

    /** The stored source names the engine reads as one of {@code sources} ({@link PolicyLoader#sourceOf}). */
    private static List<String> stored(Set<AssignmentSource> sources) {
        List<String> names = new ArrayList<>();
        for (AssignmentSource source : AssignmentSource.values()) {
            if (sources.contains(source)) {
                names.add(source.name());
            }
        }
        if (sources.contains(PolicyLoader.sourceOf(PolicyLoader.SYSTEM_SOURCE))) {
            names.add(PolicyLoader.SYSTEM_SOURCE);
        }
        return names;
    }

    /** A condition over {@code user} ({@link HolderConditions#holdsInForce}) with its parameters named {@code prefix}…. */
    public String condition(String user, String prefix, String at) {
        return HolderConditions.holdsInForce(user, prefix, at, sources != null);
    }

    /** The parameters {@link #condition} names. */
    public Map<String, Object> parameters(String prefix) {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put(prefix + "Anywhere", anywhere.toArray(String[]::new));
        parameters.put(prefix + "Located", located.toArray(String[]::new));
        parameters.put(prefix + "Places", places.toArray(String[]::new));
        if (sources != null) {
            parameters.put(prefix + "Sources", sources.toArray(String[]::new));
        }
        return parameters;
    }
}
