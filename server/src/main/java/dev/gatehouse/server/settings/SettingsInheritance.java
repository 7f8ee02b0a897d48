package dev.gatehouse.server.settings;

import dev.gatehouse.server.shared.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Settings of parent and child tenants (docs/organisations.md, "Parent and child tenants"): a
 * child's effective document is its parent's effective document with the child's own fields on
 * top, at any depth. Generic over the JSON, so a field added to the document is inherited without
 * code here. A tenant without a parent stores and reads its document exactly as before; a child
 * stores only what it overrides, so every field it never set follows its parent.
 */
public final class SettingsInheritance {

    /** A tenant's stored document and how its lineage names it; nearest first in every list here. */
    public record Layer(String label, String json) {}

    /** The label of a value that no tenant of the lineage set: the built-in default. */
    public static final String DEFAULT = "default";

    /** The label of a value the tenant itself set. */
    public static final String OWN = "own";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SettingsInheritance() {}

    /**
     * The effective document of the first layer of {@code lineage} (the tenant, then its parent, up
     * to the root): the defaults, then each layer from the root down.
     */
    public static String effectiveJson(List<Layer> lineage) {
        return JSON.writeValueAsString(effective(lineage));
    }

    /** {@link #effectiveJson} typed. */
    public static TenantSettings effectiveSettings(List<Layer> lineage) {
        return SettingsDocument.read(effective(lineage));
    }

    static ObjectNode effective(List<Layer> lineage) {
        ObjectNode document = SettingsDocument.write(TenantSettings.DEFAULTS);
        for (int i = lineage.size() - 1; i >= 0; i--) {
            document = SettingsPatch.withDefaults(document, JSON.readTree(lineage.get(i).json()));
        }
        return document;
    }

    /**
     * Where each value of the effective document comes from, by dotted path: {@link #OWN}, the
     * label of the nearest ancestor that set it (its slug), or {@link #DEFAULT}.
     */
    public static Map<String, String> origins(List<Layer> lineage) {
        List<JsonNode> stored = lineage.stream().map(layer -> JSON.readTree(layer.json())).toList();
        Map<String, String> origins = new LinkedHashMap<>();
        for (List<String> path : leafPaths(effective(lineage))) {
            String origin = DEFAULT;
            for (int i = 0; i < stored.size(); i++) {
                if (at(stored.get(i), path) != null) {
                    origin = i == 0 ? OWN : lineage.get(i).label();
                    break;
                }
            }
            origins.put(String.join(".", path), origin);
        }
        return origins;
    }

    /**
     * A child's change: checked like any change (on the effective document, every rule and every
     * field), then stored as the child's own fields only: those it had and those the patch names.
     *
     * @param inherited the parent's effective document; null for a tenant without a parent, whose
     *     document is stored whole as always
     * @throws ApiException 400 naming every field at fault
     */
    public static SettingsDocument.Patched patch(String ownJson, @Nullable String inherited, JsonNode patch,
            Predicate<String> roleExists) {
        if (inherited == null) {
            return SettingsDocument.patch(ownJson, patch, roleExists);
        }
        JsonNode own = JSON.readTree(ownJson);
        ObjectNode current = SettingsPatch.withDefaults((ObjectNode) JSON.readTree(inherited), own);
        SettingsPatch.Outcome outcome = SettingsPatch.apply(current, patch, roleExists);
        Set<List<String>> owned = new LinkedHashSet<>(leafPaths(own));
        owned.addAll(leafPaths(patch));
        ObjectNode stored = NODES.objectNode();
        for (List<String> path : owned) {
            JsonNode value = at(outcome.settings(), path);
            if (value != null) {
                put(stored, path, value.deepCopy());
            }
        }
        return new SettingsDocument.Patched(JSON.writeValueAsString(stored), SettingsDocument.read(outcome.settings()),
                outcome.before(), outcome.after());
    }

    /**
     * Drops the tenant's own value at {@code path} (a field such as {@code passwordPolicy.minLength},
     * or a section such as {@code passwordPolicy}, or {@code *} for everything), so that it follows
     * its parent again (the default, for a tenant without one).
     *
     * @param inherited the parent's effective document; null for a tenant without a parent
     * @throws ApiException 400 naming {@code path} when the document has no such field
     */
    public static SettingsDocument.Patched inherit(String ownJson, @Nullable String inherited, String path) {
        ObjectNode base = inherited == null ? SettingsDocument.write(TenantSettings.DEFAULTS)
                : (ObjectNode) JSON.readTree(inherited);
        JsonNode stored = JSON.readTree(ownJson);
        ObjectNode own = stored instanceof ObjectNode object ? object.deepCopy() : NODES.objectNode();
        ObjectNode before = SettingsPatch.withDefaults(base, own);
        if (path.equals("*")) {
            own.removeAll();
        } else {
            List<String> segments = List.of(path.split("\\.", -1));
            if (path.isBlank() || at(before, segments) == null) {
                throw ApiException.badRequest("path", "'" + path + "' is not a settings field; name one such as"
                        + " passwordPolicy.minLength, a section such as passwordPolicy, or * for every field");
            }
            remove(own, segments);
        }
        ObjectNode after = SettingsPatch.withDefaults(base, own);
        Map<String, JsonNode> was = new LinkedHashMap<>();
        Map<String, JsonNode> is = new LinkedHashMap<>();
        Set<List<String>> paths = new LinkedHashSet<>(leafPaths(before));
        paths.addAll(leafPaths(after));
        for (List<String> leaf : paths) {
            JsonNode old = at(before, leaf);
            JsonNode now = at(after, leaf);
            if (old == null ? now != null : !old.equals(now)) {
                was.put(String.join(".", leaf), old == null ? NODES.nullNode() : old);
                is.put(String.join(".", leaf), now == null ? NODES.nullNode() : now);
            }
        }
        // A tenant without a parent keeps its document whole, as it always stored it.
        String json = JSON.writeValueAsString(inherited == null ? after : own);
        return new SettingsDocument.Patched(json, SettingsDocument.read(after), was, is);
    }

    /** Every value's path; arrays are values, and so is an empty object (an emptied by-role map). */
    private static List<List<String>> leafPaths(JsonNode node) {
        List<List<String>> paths = new ArrayList<>();
        collect(node, new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(JsonNode node, List<String> prefix, List<List<String>> paths) {
        if (!node.isObject()) {
            if (!prefix.isEmpty()) {
                paths.add(List.copyOf(prefix));
            }
            return;
        }
        if (node.isEmpty() && !prefix.isEmpty()) {
            paths.add(List.copyOf(prefix));
            return;
        }
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            prefix.add(property.getKey());
            collect(property.getValue(), prefix, paths);
            prefix.removeLast();
        }
    }

    private static @Nullable JsonNode at(JsonNode node, List<String> path) {
        JsonNode current = node;
        for (String segment : path) {
            if (!current.isObject() || !current.has(segment)) {
                return null;
            }
            current = current.get(segment);
        }
        return current;
    }

    private static void put(ObjectNode root, List<String> path, JsonNode value) {
        ObjectNode current = root;
        for (String segment : path.subList(0, path.size() - 1)) {
            JsonNode next = current.get(segment);
            current = next instanceof ObjectNode object ? object : current.putObject(segment);
        }
        current.set(path.getLast(), value);
    }

    private static void remove(ObjectNode root, List<String> path) {
        ObjectNode current = root;
        for (String segment : path.subList(0, path.size() - 1)) {
            if (!(current.get(segment) instanceof ObjectNode next)) {
                return;
            }
            current = next;
        }
        current.remove(path.getLast());
        // An emptied section says nothing of its own: drop it so the parent's shows through.
        if (path.size() > 1 && current.isEmpty()) {
            remove(root, path.subList(0, path.size() - 1));
        }
    }
}
