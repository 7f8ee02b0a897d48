package dev.gatehouse.server.console;

import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.Scope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A role's grants laid over the tenant's permission catalog, as the roles screens show and edit
 * them (seed 000, "Settings > Roles"): one row per feature (a key's first segment), a column per
 * standard verb the catalog has, and the feature's other keys as named actions. Each cell holds
 * the widest scope the grants give its key, so a wildcard grant ({@code *}, {@code patients.*})
 * shows on every key it covers.
 */
record RoleMatrix(List<String> verbs, List<Row> rows) {

    /** The verbs of seed 000's role editor, in its order. */
    static final List<String> STANDARD_VERBS = List.of("read", "create", "edit", "delete", "export");

    /** The engine's scopes as the console names them, narrowest first ("all" is the engine's TENANT). */
    static final Map<Scope, String> SCOPE_LABELS = Map.of(Scope.OWN, "own only", Scope.ASSIGNED, "assigned",
            Scope.LOCATION, "location", Scope.TENANT, "all");

    /** A scope as the editor's selects offer it: the engine's name as the value, the console's label as the text. */
    record ScopeOption(Scope scope, String label) {}

    static final List<ScopeOption> SCOPE_OPTIONS = List.of(Scope.values()).stream()
            .map(scope -> new ScopeOption(scope, SCOPE_LABELS.get(scope))).toList();

    /**
     * One catalog key with the scope granted, or none, and the grant's condition when it is granted
     * only under one (a CEL expression, docs/engine.md "Conditions").
     */
    record Cell(String permission, String label, String description, @Nullable Scope scope,
            @Nullable String condition) {
        public boolean granted() {
            return scope != null;
        }

        public String scopeLabel() {
            return scope == null ? "" : SCOPE_LABELS.get(scope);
        }
    }

    /** A feature: its cells per standard verb (absent when the catalog lacks the key) and its named actions. */
    record Row(String feature, Map<String, Cell> byVerb, List<Cell> actions) {
        public @Nullable Cell cell(String verb) {
            return byVerb.get(verb);
        }

        /** The feature as a manager reads it: {@code medical_notes} is "Medical notes". */
        public String label() {
            String words = feature.replace('_', ' ').replace('-', ' ');
            return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
        }

        public boolean anyGranted() {
            return byVerb.values().stream().anyMatch(Cell::granted) || actions.stream().anyMatch(Cell::granted);
        }
    }

    /**
     * The matrix of {@code grants} over the catalog: each key at the widest scope any grant covering
     * it gives, unconditional grants first; a key only conditional grants cover shows the first one's
     * scope and condition.
     */
    static RoleMatrix of(List<Permission> catalog, List<Grant> grants) {
        Map<String, Scope> granted = new LinkedHashMap<>();
        Map<String, String> conditions = new LinkedHashMap<>();
        for (Permission permission : catalog) {
            for (Grant grant : grants) {
                if (grant.isConditional() || !Permission.patternCovers(grant.permission(), permission.key())) {
                    continue;
                }
                granted.merge(permission.key(), grant.scope(), (a, b) -> a.includes(b) ? a : b);
            }
            if (granted.containsKey(permission.key())) {
                continue;
            }
            for (Grant grant : grants) {
                if (grant.isConditional() && Permission.patternCovers(grant.permission(), permission.key())) {
                    granted.put(permission.key(), grant.scope());
                    conditions.put(permission.key(), grant.condition().expression());
                    break;
                }
            }
        }
        return of(catalog, granted, conditions);
    }

    /** The matrix with each key's scope and condition as given (none for keys not in {@code granted}). */
    static RoleMatrix of(List<Permission> catalog, Map<String, Scope> granted, Map<String, String> conditions) {
        Map<String, Row> rows = new LinkedHashMap<>();
        Set<String> verbsPresent = new HashSet<>();
        for (Permission permission : catalog.stream().sorted((a, b) -> a.key().compareTo(b.key())).toList()) {
            String key = permission.key();
            int dot = key.indexOf('.');
            String feature = dot < 0 ? key : key.substring(0, dot);
            String action = dot < 0 ? key : key.substring(dot + 1);
            Row row = rows.computeIfAbsent(feature, f -> new Row(f, new LinkedHashMap<>(), new ArrayList<>()));
            Cell cell = new Cell(key, name(permission, feature + " " + action), permission.description(),
                    granted.get(key), conditions.get(key));
            if (STANDARD_VERBS.contains(action)) {
                row.byVerb().put(action, cell);
                verbsPresent.add(action);
            } else {
                row.actions().add(cell);
            }
        }
        return new RoleMatrix(STANDARD_VERBS.stream().filter(verbsPresent::contains).toList(),
                List.copyOf(rows.values()));
    }

    /**
     * A permission's name for people (issue 16: "Read medical notes", not {@code medical_notes read}):
     * its pack description up to the first clause break, or {@code fallback} when it has none.
     */
    static String name(Permission permission, String fallback) {
        String description = permission.description() == null ? "" : permission.description().strip();
        int end = description.length();
        for (String stop : List.of(":", ";", " (", " — ")) {
            int at = description.indexOf(stop);
            if (at > 0 && at < end) {
                end = at;
            }
        }
        String name = description.substring(0, end).strip();
        return name.isEmpty() ? fallback : name;
    }

    /** The rows where something is granted: a role's page shows what it gives, not the whole catalog. */
    public List<Row> grantedRows() {
        return rows.stream().filter(Row::anyGranted).toList();
    }
}
