package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tenant's permissions, each interned to a small integer so that a profile can answer a check
 * with array lookups (docs/style.md rule 15).
 */
public final class PermissionCatalog {

    private final List<Permission> permissions;
    private final Map<String, Integer> ids;
    /**
     * What each wildcard covers, worked out once per catalog: coverage and narrowing ask it for every
     * grant they compare (a bulk import: per line). Bounded, as its keys come from roles and API keys.
     */
    private final Map<String, int[]> wildcards = new ConcurrentHashMap<>();

    private static final int WILDCARDS_KEPT = 4096;

    private PermissionCatalog(List<Permission> permissions, Map<String, Integer> ids) {
        this.permissions = permissions;
        this.ids = ids;
    }

    /** Builds a catalog; rejects invalid or repeated keys, naming each. */
    public static PermissionCatalog of(Collection<Permission> permissions) {
        List<PolicyException.Problem> problems = new ArrayList<>();
        List<Permission> ordered = new ArrayList<>(permissions.size());
        Map<String, Integer> ids = new HashMap<>(permissions.size() * 2);
        for (Permission permission : permissions) {
            String path = "permissions[" + permission.key() + "]";
            if (!Permission.isValidKey(permission.key())) {
                problems.add(new PolicyException.Problem(path, "not a valid permission key (resource.action[.qualifier])"));
            } else if (ids.putIfAbsent(permission.key(), ordered.size()) != null) {
                problems.add(new PolicyException.Problem(path, "listed twice"));
            } else {
                ordered.add(permission);
            }
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new PermissionCatalog(List.copyOf(ordered), Map.copyOf(ids));
    }

    public static PermissionCatalog ofKeys(String... keys) {
        List<Permission> permissions = new ArrayList<>(keys.length);
        for (String key : keys) {
            permissions.add(Permission.of(key, ""));
        }
        return of(permissions);
    }

    /** This catalog plus {@code more} (for permissions a tenant's applications register). */
    public PermissionCatalog with(Collection<Permission> more) {
        List<Permission> all = new ArrayList<>(permissions);
        all.addAll(more);
        return of(all);
    }

    /** The interned id of {@code key}, or -1 when the catalog does not list it. */
    public int idOf(String key) {
        Integer id = ids.get(key);
        return id == null ? -1 : id;
    }

    public boolean contains(String key) {
        return ids.containsKey(key);
    }

    public Permission get(int id) {
        return permissions.get(id);
    }

    public int size() {
        return permissions.size();
    }

    public List<Permission> permissions() {
        return permissions;
    }

    /**
     * The ids of every permission a key or wildcard covers, in catalog order. The array may be
     * shared between callers: read it, never write it.
     */
    int[] idsCoveredBy(String pattern) {
        if (!pattern.contains("*")) {
            int id = idOf(pattern);
            return id < 0 ? new int[0] : new int[] {id};
        }
        int[] known = wildcards.get(pattern);
        if (known != null) {
            return known;
        }
        int[] covered = coveredBy(pattern);
        if (wildcards.size() < WILDCARDS_KEPT) {
            wildcards.putIfAbsent(pattern, covered);
        }
        return covered;
    }

    private int[] coveredBy(String pattern) {
        int[] covered = new int[permissions.size()];
        int count = 0;
        for (int id = 0; id < permissions.size(); id++) {
            if (Permission.patternCovers(pattern, permissions.get(id).key())) {
                covered[count++] = id;
            }
        }
        return java.util.Arrays.copyOf(covered, count);
    }
}
