package dev.gatehouse.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's locations as a forest. Each location gets an interval of a depth-first numbering, so
 * "is X at or below Y" is two integer comparisons: {@code enter[Y] <= enter[X] < exit[Y]}.
 */
public final class LocationTree {

    public static final LocationTree EMPTY = new LocationTree(List.of(), Map.of(), new int[0], new int[0]);

    private final List<Location> locations;
    private final Map<String, Integer> index;
    private final int[] enter;
    private final int[] exit;

    private LocationTree(List<Location> locations, Map<String, Integer> index, int[] enter, int[] exit) {
        this.locations = locations;
        this.index = index;
        this.enter = enter;
        this.exit = exit;
    }

    /** Builds the tree; rejects repeated ids, unknown parents and cycles, naming each. */
    public static LocationTree of(Collection<Location> locations) {
        List<PolicyException.Problem> problems = new ArrayList<>();
        Map<String, Location> byId = new LinkedHashMap<>();
        for (Location location : locations) {
            if (byId.putIfAbsent(location.id(), location) != null) {
                problems.add(new PolicyException.Problem("locations[" + location.id() + "]", "listed twice"));
            }
        }
        Map<String, List<String>> children = new HashMap<>();
        List<String> roots = new ArrayList<>();
        for (Location location : byId.values()) {
            String parent = location.parent();
            if (parent == null) {
                roots.add(location.id());
            } else if (!byId.containsKey(parent)) {
                problems.add(new PolicyException.Problem(
                        "locations[" + location.id() + "].parent", "unknown location " + parent));
            } else {
                children.computeIfAbsent(parent, k -> new ArrayList<>()).add(location.id());
            }
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }

        List<Location> ordered = new ArrayList<>(byId.size());
        Map<String, Integer> index = new HashMap<>(byId.size() * 2);
        int[] enter = new int[byId.size()];
        int[] exit = new int[byId.size()];
        // Iterative depth-first walk: a deep tree must not overflow the stack.
        Deque<String[]> stack = new ArrayDeque<>();
        int clock = 0;
        for (String root : roots) {
            stack.push(new String[] {root, "enter"});
            while (!stack.isEmpty()) {
                String[] step = stack.pop();
                String id = step[0];
                if (step[1].equals("exit")) {
                    exit[index.get(id)] = clock;
                    continue;
                }
                int at = ordered.size();
                ordered.add(byId.get(id));
                index.put(id, at);
                enter[at] = clock++;
                stack.push(new String[] {id, "exit"});
                List<String> below = children.getOrDefault(id, List.of());
                for (int i = below.size() - 1; i >= 0; i--) {
                    stack.push(new String[] {below.get(i), "enter"});
                }
            }
        }
        if (ordered.size() != byId.size()) {
            // Whatever the walk from the roots did not reach hangs in a cycle.
            for (Location location : byId.values()) {
                if (!index.containsKey(location.id())) {
                    problems.add(new PolicyException.Problem(
                            "locations[" + location.id() + "].parent", "location cycle: " + cycleFrom(location.id(), byId)));
                    break;
                }
            }
            throw new PolicyException(problems);
        }
        return new LocationTree(List.copyOf(ordered), Map.copyOf(index), enter, exit);
    }

    public static LocationTree of(Location... locations) {
        return of(List.of(locations));
    }

    private static String cycleFrom(String start, Map<String, Location> byId) {
        List<String> path = new ArrayList<>();
        String at = start;
        while (!path.contains(at)) {
            path.add(at);
            at = byId.get(at).parent();
        }
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(at), path.size()));
        cycle.add(at);
        return String.join(" → ", cycle);
    }

    /** The interned index of a location, or -1 when the tenant has no such location. */
    public int indexOf(@Nullable String id) {
        if (id == null) {
            return -1;
        }
        Integer at = index.get(id);
        return at == null ? -1 : at;
    }

    public boolean contains(String id) {
        return index.containsKey(id);
    }

    /** Whether location {@code inner} lies at or below location {@code outer} (both interned). */
    boolean isWithin(int inner, int outer) {
        return enter[outer] <= enter[inner] && enter[inner] < exit[outer];
    }

    /** Whether location {@code inner} is {@code outer} or lies below it. */
    public boolean isWithin(String inner, String outer) {
        int i = indexOf(inner);
        int o = indexOf(outer);
        return i >= 0 && o >= 0 && isWithin(i, o);
    }

    int enter(int location) {
        return enter[location];
    }

    int exit(int location) {
        return exit[location];
    }

    public List<Location> locations() {
        return locations;
    }

    public int size() {
        return locations.size();
    }

    /** The location and every location above it, nearest first; empty when the tenant has no such location. */
    public List<String> ancestry(String id) {
        List<String> found = new ArrayList<>();
        int at = indexOf(id);
        while (at >= 0) {
            Location location = locations.get(at);
            found.add(location.id());
            at = indexOf(location.parent());
        }
        return found;
    }

    /** The location and every location below it. */
    public List<String> subtree(String id) {
        int o = indexOf(id);
        List<String> found = new ArrayList<>();
        if (o < 0) {
            return found;
        }
        for (int i = 0; i < locations.size(); i++) {
            if (isWithin(i, o)) {
                found.add(locations.get(i).id());
            }
        }
        return found;
    }
}
