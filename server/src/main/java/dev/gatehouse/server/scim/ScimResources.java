package dev.gatehouse.server.scim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What Users and Groups share: the version of a resource (RFC 7644 §3.14, a weak ETag over what
 * the resource says, so a change made outside SCIM changes it too), If-Match, and a list query's
 * filter, sort, page and attribute selection (§3.4.2) as a ListResponse.
 */
final class ScimResources {

    static final String LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    /** ServiceProviderConfig's filter.maxResults: a page holds at most this many resources. */
    static final int MAX_RESULTS = 200;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> ALWAYS_RETURNED = Set.of("id", "schemas", "meta");

    private ScimResources() {}

    /** Puts meta.version, computed over the rest of the resource. */
    static ObjectNode versioned(ObjectNode resource) {
        ObjectNode meta = (ObjectNode) resource.get("meta");
        meta.remove("version");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(JSON.writeValueAsString(resource).getBytes(StandardCharsets.UTF_8));
            meta.put("version", "W/\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        return resource;
    }

    static String version(ObjectNode resource) {
        return resource.get("meta").get("version").asString();
    }

    /**
     * RFC 7644 §3.14 and RFC 7232 §3.1: with If-Match, the change applies only to the version
     * named (or any, {@code *}); weak and strong spellings of one version match.
     *
     * @throws ScimException 412 when the resource has changed since
     */
    static void requireMatch(@Nullable String ifMatch, ObjectNode current) {
        if (ifMatch == null || ifMatch.isBlank()) {
            return;
        }
        String version = opaque(version(current));
        boolean matches = Arrays.stream(ifMatch.split(",")).map(String::strip)
                .anyMatch(tag -> tag.equals("*") || opaque(tag).equals(version));
        if (!matches) {
            throw new ScimException(412, null, "the resource has changed since version " + ifMatch
                    + "; it is " + version(current) + " now: read it again and send the change for that version");
        }
    }

    private static String opaque(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    /** A ListResponse of the resources the filter selects, sorted, one page of them (startIndex 1-based). */
    static ObjectNode list(List<ObjectNode> resources, @Nullable String filter, @Nullable String sortBy,
            @Nullable String sortOrder, @Nullable Integer startIndex, @Nullable Integer count,
            @Nullable String attributes, @Nullable String excludedAttributes) {
        List<ObjectNode> selected = resources;
        if (filter != null && !filter.isBlank()) {
            ScimFilter.Expression expression = ScimFilter.parse(filter);
            selected = resources.stream().filter(expression::matches).toList();
        }
        if (sortBy != null && !sortBy.isBlank()) {
            ScimFilter.AttributePath path = ScimFilter.attributePath(sortBy, "invalidValue");
            Comparator<ObjectNode> order = Comparator.comparing(resource -> sortKey(path, resource),
                    Comparator.nullsLast(Comparator.naturalOrder()));
            boolean descending = sortOrder != null && sortOrder.equalsIgnoreCase("descending");
            if (sortOrder != null && !descending && !sortOrder.equalsIgnoreCase("ascending")) {
                throw ScimException.invalidValue("sortOrder must be ascending or descending");
            }
            List<ObjectNode> sorted = new ArrayList<>(selected);
            // RFC 7644 §3.4.2.3: descending reverses the order, resources without the attribute still last.
            sorted.sort(descending ? Comparator.comparing((ObjectNode resource) -> sortKey(path, resource),
                    Comparator.nullsLast(Comparator.<String>reverseOrder())) : order);
            selected = sorted;
        }
        int start = startIndex == null || startIndex < 1 ? 1 : startIndex;
        int size = count == null ? MAX_RESULTS : Math.max(0, Math.min(count, MAX_RESULTS));
        List<ObjectNode> page = selected.stream().skip(start - 1L).limit(size).toList();
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.putArray("schemas").add(LIST_SCHEMA);
        list.put("totalResults", selected.size());
        list.put("startIndex", start);
        list.put("itemsPerPage", page.size());
        ArrayNode items = list.putArray("Resources");
        page.forEach(resource -> items.add(project(resource, attributes, excludedAttributes)));
        return list;
    }

    /** RFC 7644 §3.9: {@code attributes} keeps only those named (with id, schemas, meta); {@code excludedAttributes} drops them. */
    static ObjectNode project(ObjectNode resource, @Nullable String attributes, @Nullable String excludedAttributes) {
        if (attributes != null && !attributes.isBlank()) {
            Set<String> kept = names(attributes);
            ObjectNode projected = resource.deepCopy();
            for (String name : List.copyOf(projected.propertyNames())) {
                if (!ALWAYS_RETURNED.contains(name) && !kept.contains(name.toLowerCase(Locale.ROOT))) {
                    projected.remove(name);
                }
            }
            return projected;
        }
        if (excludedAttributes != null && !excludedAttributes.isBlank()) {
            Set<String> dropped = names(excludedAttributes);
            ObjectNode projected = resource.deepCopy();
            for (String name : List.copyOf(projected.propertyNames())) {
                if (!ALWAYS_RETURNED.contains(name) && dropped.contains(name.toLowerCase(Locale.ROOT))) {
                    projected.remove(name);
                }
            }
            return projected;
        }
        return resource;
    }

    /** The top-level attribute names of a comma-separated list (a sub-attribute keeps its parent). */
    private static Set<String> names(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(name -> !name.isEmpty())
                .map(name -> ScimFilter.attributePath(name, "invalidValue"))
                .map(path -> (path.schema() != null ? path.schema() : path.attribute()).toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
    }

    private static @Nullable String sortKey(ScimFilter.AttributePath path, JsonNode resource) {
        List<JsonNode> values = path.values(resource);
        return values.isEmpty() ? null : values.getFirst().asString().toLowerCase(Locale.ROOT);
    }
}
