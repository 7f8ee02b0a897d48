package dev.gatehouse.server.scim;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * PATCH (RFC 7644 §3.5.2) applied to a resource as SCIM renders it; the result is then saved as a
 * PUT would be, under the same checks. Besides the RFC's operations with and without a path, the
 * dialects the big provisioning clients send: Entra ID's capitalised {@code "op": "Replace"}, its
 * {@code members} removal by value list, and a replace on {@code emails[type eq "work"].value} for
 * an address not there yet (added); Okta's {@code {"op": "replace", "value": {"active": false}}} and
 * its removal by {@code members[value eq "…"]}.
 */
final class ScimPatch {

    static final String SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    private static final int MAX_OPERATIONS = 1000;

    private ScimPatch() {}

    /** A copy of {@code resource} with the body's operations applied in order. */
    static ObjectNode apply(ObjectNode resource, JsonNode body) {
        if (!body.isObject()) {
            throw ScimException.invalidSyntax("a PATCH body is a PatchOp object");
        }
        JsonNode schemas = ScimFilter.field(body, "schemas");
        if (schemas == null || !schemas.isArray() || schemas.values().stream()
                .noneMatch(schema -> schema.isString() && schema.asString().equals(SCHEMA))) {
            throw ScimException.invalidSyntax("schemas must hold " + SCHEMA);
        }
        for (Map.Entry<String, JsonNode> property : body.properties()) {
            String name = property.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("schemas") && !name.equals("operations")) {
                throw ScimException.invalidSyntax("unknown member " + property.getKey() + " of a PatchOp");
            }
        }
        JsonNode operations = ScimFilter.field(body, "Operations");
        if (operations == null || !operations.isArray() || operations.isEmpty()) {
            throw ScimException.invalidSyntax("Operations must be a list of at least one operation");
        }
        if (operations.size() > MAX_OPERATIONS) {
            throw ScimException.invalidSyntax("at most " + MAX_OPERATIONS + " operations in one PATCH");
        }
        ObjectNode result = resource.deepCopy();
        int index = 0;
        for (JsonNode operation : operations) {
            operation(result, operation, "Operations[" + index++ + "]");
        }
        return result;
    }

    private static void operation(ObjectNode resource, JsonNode operation, String where) {
        if (!operation.isObject()) {
            throw ScimException.invalidSyntax(where + " must be an object");
        }
        for (Map.Entry<String, JsonNode> property : operation.properties()) {
            String name = property.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("op") && !name.equals("path") && !name.equals("value")) {
                throw ScimException.invalidSyntax("unknown member " + property.getKey() + " of " + where);
            }
        }
        JsonNode opNode = ScimFilter.field(operation, "op");
        String op = opNode != null && opNode.isString() ? opNode.asString().toLowerCase(Locale.ROOT) : "";
        if (!op.equals("add") && !op.equals("replace") && !op.equals("remove")) {
            throw ScimException.invalidSyntax(where + ".op must be add, replace or remove");
        }
        JsonNode pathNode = ScimFilter.field(operation, "path");
        JsonNode value = ScimFilter.field(operation, "value");
        if (pathNode != null && !pathNode.isNull() && !pathNode.isString()) {
            throw ScimException.invalidPath(where + ".path must be a string");
        }
        String path = pathNode == null || pathNode.isNull() ? "" : pathNode.asString().strip();
        if (path.isEmpty()) {
            if (op.equals("remove")) {
                throw ScimException.noTarget(where + ": remove needs a path");
            }
            if (value == null || !value.isObject()) {
                throw ScimException.invalidValue(where + ": without a path, value must be an object of attributes");
            }
            for (Map.Entry<String, JsonNode> attribute : value.properties()) {
                String name = attribute.getKey();
                if (name.equalsIgnoreCase(ScimFilter.ENTERPRISE_SCHEMA) && attribute.getValue().isObject()) {
                    // An extension's attributes given as its object: each one is set within it.
                    for (Map.Entry<String, JsonNode> inner : attribute.getValue().properties()) {
                        at(resource, ScimFilter.attributePath(name + ":" + inner.getKey(), "invalidPath"),
                                inner.getValue(), op, where);
                    }
                } else {
                    at(resource, ScimFilter.attributePath(name, "invalidPath"), attribute.getValue(), op, where);
                }
            }
            return;
        }
        if (!op.equals("remove") && value == null) {
            throw ScimException.invalidValue(where + ": " + op + " needs a value");
        }
        ScimFilter.PatchPath target = ScimFilter.parsePath(path);
        if (target.filter() == null) {
            at(resource, target.attribute(), value, op, where);
        } else {
            filtered(resource, target, value, op, where);
        }
    }

    /** An operation on an attribute (or one sub-attribute of a complex one), no value filter. */
    private static void at(ObjectNode resource, ScimFilter.AttributePath path, @Nullable JsonNode value, String op,
            String where) {
        ObjectNode container = container(resource, path, !op.equals("remove"));
        if (container == null) {
            return;
        }
        String name = key(container, path.attribute());
        JsonNode existing = container.get(name);
        if (path.subAttribute() != null) {
            if (existing != null && existing.isArray()) {
                throw ScimException.invalidPath(where + ": " + path + " names a sub-attribute of a multi-valued attribute;"
                        + " filter the values, as " + path.attribute() + "[type eq \"work\"]." + path.subAttribute());
            }
            if (op.equals("remove")) {
                if (existing instanceof ObjectNode complex) {
                    complex.remove(key(complex, path.subAttribute()));
                }
                return;
            }
            ObjectNode complex = existing instanceof ObjectNode object ? object : container.putObject(name);
            complex.set(key(complex, path.subAttribute()), value);
            return;
        }
        switch (op) {
            case "remove" -> {
                if (existing != null && existing.isArray() && value != null && value.isArray()) {
                    // Entra ID removes members by listing them: {"path": "members", "value": [{"value": "…"}]}.
                    ArrayNode kept = JsonNodeFactory.instance.arrayNode();
                    for (JsonNode element : existing) {
                        if (value.values().stream().noneMatch(gone -> same(element, gone))) {
                            kept.add(element);
                        }
                    }
                    container.set(name, kept);
                } else {
                    container.remove(name);
                }
            }
            case "add" -> {
                if (existing != null && existing.isArray()) {
                    ArrayNode values = (ArrayNode) existing;
                    for (JsonNode element : value.isArray() ? List.copyOf(value.values()) : List.of(value)) {
                        if (values.values().stream().noneMatch(have -> same(have, element))) {
                            values.add(element);
                        }
                    }
                } else if (existing instanceof ObjectNode complex && value.isObject()) {
                    merge(complex, value);
                } else {
                    container.set(name, value);
                }
            }
            default -> {
                if (existing instanceof ObjectNode complex && value.isObject()) {
                    merge(complex, value);
                } else {
                    container.set(name, value);
                }
            }
        }
    }

    /** An operation on the values of a multi-valued attribute that match a value filter. */
    private static void filtered(ObjectNode resource, ScimFilter.PatchPath target, @Nullable JsonNode value, String op,
            String where) {
        ScimFilter.AttributePath path = target.attribute();
        ObjectNode container = container(resource, path, !op.equals("remove"));
        if (container == null) {
            return;
        }
        String name = key(container, path.attribute());
        JsonNode existing = container.get(name);
        ArrayNode values = existing instanceof ArrayNode array ? array : JsonNodeFactory.instance.arrayNode();
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode element : values) {
            if (target.filter().matches(element)) {
                matching.add(element);
            }
        }
        String sub = target.subAttribute();
        if (op.equals("remove")) {
            // Removing what is not there leaves nothing to do: a client's retry finds the same state.
            ArrayNode kept = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : values) {
                if (!matching.contains(element)) {
                    kept.add(element);
                } else if (sub != null && element instanceof ObjectNode complex) {
                    complex.remove(key(complex, sub));
                    kept.add(complex);
                }
            }
            container.set(name, kept);
            return;
        }
        if (matching.isEmpty()) {
            // emails[type eq "work"].value set on a user without a work address: the address is added.
            if (sub != null && target.filter() instanceof ScimFilter.Comparison comparison
                    && comparison.operator().equals("eq") && comparison.path().subAttribute() == null
                    && comparison.path().schema() == null) {
                ObjectNode added = values.addObject();
                added.set(comparison.path().attribute(), comparison.value());
                added.set(sub, value);
                container.set(name, values);
                return;
            }
            throw ScimException.noTarget(where + ": no value of " + path.attribute() + " matches the path's filter");
        }
        for (JsonNode element : matching) {
            if (!(element instanceof ObjectNode complex)) {
                throw ScimException.invalidPath(where + ": the values of " + path.attribute() + " are not complex");
            }
            if (sub != null) {
                complex.set(key(complex, sub), value);
            } else if (value.isObject()) {
                if (op.equals("replace")) {
                    complex.removeAll();
                }
                merge(complex, value);
            } else {
                throw ScimException.invalidValue(where + ": a value of " + path.attribute() + " is an object");
            }
        }
    }

    private static @Nullable ObjectNode container(ObjectNode resource, ScimFilter.AttributePath path, boolean create) {
        if (path.schema() == null) {
            return resource;
        }
        String name = key(resource, path.schema());
        JsonNode extension = resource.get(name);
        if (extension instanceof ObjectNode object) {
            return object;
        }
        return create ? resource.putObject(name) : null;
    }

    private static void merge(ObjectNode into, JsonNode from) {
        for (Map.Entry<String, JsonNode> property : from.properties()) {
            into.set(key(into, property.getKey()), property.getValue());
        }
    }

    /** The spelling {@code node} already uses for the name (attribute names ignore case), else the name. */
    private static String key(ObjectNode node, String name) {
        for (String existing : node.propertyNames()) {
            if (existing.equalsIgnoreCase(name)) {
                return existing;
            }
        }
        return name;
    }

    /** Two values of a multi-valued attribute are the same when their {@code value}s are, else when equal. */
    private static boolean same(JsonNode a, JsonNode b) {
        JsonNode left = ScimFilter.field(a, "value");
        JsonNode right = ScimFilter.field(b, "value");
        if (left != null && right != null) {
            return left.asString().equalsIgnoreCase(right.asString());
        }
        return a.equals(b);
    }
}
