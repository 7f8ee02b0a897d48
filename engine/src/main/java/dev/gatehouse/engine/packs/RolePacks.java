package dev.gatehouse.engine.packs;

import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.PolicyException;
import dev.gatehouse.engine.PolicyException.Problem;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads role packs. The built-in ones ship as {@code packs/<name>.json} beside this class; the
 * format is documented in {@code docs/role-packs.md}. Every pack is validated by building a
 * policy from it, so a pack that loads is a pack the engine accepts.
 */
public final class RolePacks {

    /** The built-in packs, in the order the seeds introduce them. */
    public static final List<String> BUILT_IN = List.of("clinic", "rcm", "booking", "service-desk");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, RolePack> LOADED = new ConcurrentHashMap<>();

    private RolePacks() {}

    /** Whether {@code name} is a built-in pack. */
    public static boolean exists(String name) {
        return BUILT_IN.contains(name);
    }

    /**
     * A built-in pack by name.
     *
     * @throws IllegalArgumentException when there is no such pack
     */
    public static RolePack builtIn(String name) {
        if (!exists(name)) {
            throw new IllegalArgumentException("unknown role pack " + name + "; the packs are " + BUILT_IN);
        }
        return LOADED.computeIfAbsent(name, RolePacks::loadBuiltIn);
    }

    private static RolePack loadBuiltIn(String name) {
        try (InputStream in = RolePacks.class.getResourceAsStream(name + ".json")) {
            if (in == null) {
                throw new IllegalStateException("role pack " + name + " is missing from the engine's resources");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads a pack from JSON.
     *
     * @throws PolicyException naming every problem, with its path in the file
     */
    public static RolePack parse(InputStream json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new PolicyException("pack", "not valid JSON: " + e.getOriginalMessage());
        }
        return new Reader().read(root);
    }

    /** Collects problems while reading, so that one load names them all. */
    private static final class Reader {
        private final List<Problem> problems = new ArrayList<>();

        RolePack read(JsonNode root) {
            if (!root.isObject()) {
                throw new PolicyException("pack", "a pack is a JSON object");
            }
            allowOnly(root, "pack", Set.of("pack", "title", "description", "source", "adminRole", "defaultRole",
                    "features", "permissions", "roles"));
            String name = text(root, "pack", "pack", true);
            String title = text(root, "title", "title", true);
            String description = text(root, "description", "description", false);
            String source = text(root, "source", "source", false);
            String adminRole = text(root, "adminRole", "adminRole", true);
            String defaultRole = text(root, "defaultRole", "defaultRole", true);

            List<Feature> features = new ArrayList<>();
            List<Permission> permissions = new ArrayList<>();
            JsonNode featureNodes = array(root, "features", "features");
            for (int i = 0; i < featureNodes.size(); i++) {
                JsonNode node = featureNodes.get(i);
                String path = "features[" + i + "]";
                allowOnly(node, path, Set.of("key", "label", "actions", "descriptions"));
                String key = text(node, "key", path + ".key", true);
                String label = text(node, "label", path + ".label", true);
                List<String> actions = new ArrayList<>();
                JsonNode actionNodes = array(node, "actions", path + ".actions");
                JsonNode descriptions = node.path("descriptions");
                for (int a = 0; a < actionNodes.size(); a++) {
                    String action = actionNodes.get(a).asString("");
                    actions.add(action);
                    String described = descriptions.path(action).asString("");
                    permissions.add(Permission.of(key + "." + action,
                            described.isEmpty() ? capitalise(action) + " " + label.toLowerCase(Locale.ROOT) : described));
                }
                descriptions.propertyNames().forEach(described -> {
                    if (!actions.contains(described)) {
                        problems.add(new Problem(path + ".descriptions." + described, "describes no action of this feature"));
                    }
                });
                features.add(new Feature(key, label, actions));
            }
            JsonNode permissionNodes = array(root, "permissions", "permissions");
            for (int i = 0; i < permissionNodes.size(); i++) {
                JsonNode node = permissionNodes.get(i);
                String path = "permissions[" + i + "]";
                allowOnly(node, path, Set.of("key", "description"));
                permissions.add(Permission.of(text(node, "key", path + ".key", true),
                        text(node, "description", path + ".description", true)));
            }

            List<Role> roles = new ArrayList<>();
            JsonNode roleNodes = array(root, "roles", "roles");
            for (int i = 0; i < roleNodes.size(); i++) {
                JsonNode node = roleNodes.get(i);
                String path = "roles[" + i + "]";
                allowOnly(node, path, Set.of("key", "name", "description", "inherits", "grants"));
                String key = text(node, "key", path + ".key", true);
                List<String> inherits = new ArrayList<>();
                for (JsonNode parent : array(node, "inherits", path + ".inherits")) {
                    inherits.add(parent.asString(""));
                }
                List<Grant> grants = new ArrayList<>();
                JsonNode grantNodes = array(node, "grants", path + ".grants");
                for (int g = 0; g < grantNodes.size(); g++) {
                    grants.add(grant(grantNodes.get(g), path + ".grants[" + g + "]"));
                }
                roles.add(new Role(key, text(node, "name", path + ".name", true),
                        text(node, "description", path + ".description", false), inherits, grants));
            }
            if (!problems.isEmpty()) {
                throw new PolicyException(problems);
            }

            PermissionCatalog catalog = PermissionCatalog.of(permissions);
            RolePack pack = new RolePack(name, title, description, source, features, catalog, roles, adminRole,
                    defaultRole);
            pack.policyFor("pack:" + name).build(); // validates roles against the catalog
            if (pack.role(adminRole).isEmpty()) {
                problems.add(new Problem("adminRole", "unknown role " + adminRole));
            }
            if (pack.role(defaultRole).isEmpty()) {
                problems.add(new Problem("defaultRole", "unknown role " + defaultRole));
            }
            if (!problems.isEmpty()) {
                throw new PolicyException(problems);
            }
            return pack;
        }

        /** A grant is {@code "permission"} (tenant scope) or {@code {permission, scope?, condition?}}. */
        private Grant grant(JsonNode node, String path) {
            if (node.isString()) {
                return Grant.of(node.asString());
            }
            allowOnly(node, path, Set.of("permission", "scope", "condition"));
            String permission = text(node, "permission", path + ".permission", true);
            Scope scope = Scope.TENANT;
            String scopeName = text(node, "scope", path + ".scope", false);
            if (!scopeName.isEmpty()) {
                try {
                    scope = Scope.valueOf(scopeName);
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem(path + ".scope", "unknown scope " + scopeName
                            + "; one of OWN, ASSIGNED, LOCATION, TENANT"));
                }
            }
            String condition = text(node, "condition", path + ".condition", false);
            return new Grant(permission, scope, condition.isEmpty() ? null : new Condition(condition));
        }

        private String text(JsonNode node, String field, String path, boolean required) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                if (required) {
                    problems.add(new Problem(path, "is required"));
                }
                return "";
            }
            if (!value.isString()) {
                problems.add(new Problem(path, "must be a string"));
                return "";
            }
            return value.asString();
        }

        private JsonNode array(JsonNode node, String field, String path) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return JSON.createArrayNode();
            }
            if (!value.isArray()) {
                problems.add(new Problem(path, "must be an array"));
                return JSON.createArrayNode();
            }
            return value;
        }

        private void allowOnly(JsonNode node, String path, Set<String> fields) {
            if (!node.isObject()) {
                problems.add(new Problem(path, "must be an object"));
                return;
            }
            Iterator<String> names = node.propertyNames().iterator();
            while (names.hasNext()) {
                String name = names.next();
                if (!fields.contains(name)) {
                    problems.add(new Problem(path + "." + name, "unknown field; expected one of " + fields));
                }
            }
        }

        private static String capitalise(String action) {
            String words = action.replace('_', ' ');
            return words.isEmpty() ? words : Character.toUpperCase(words.charAt(0)) + words.substring(1);
        }
    }
}
