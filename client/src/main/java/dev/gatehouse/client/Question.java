package dev.gatehouse.client;

import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Check} as the engine is asked it, read as the server's {@code CheckRequest.parse} reads the
 * same JSON (contract section 5): texts stripped, ids canonicalised, blank optional fields absent, and
 * the attributes passed through JSON so that conditions see the same number types as on the server.
 * Input the server would refuse is refused here with the same field names.
 */
record Question(String user, String permission, @Nullable Resource resource, @Nullable Instant at,
        RequestContext context, @Nullable List<String> fields) {

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    static Question of(Check check) {
        List<FieldError> errors = new ArrayList<>();
        String user = required("user", check.user(), errors);
        String permission = required("permission", check.permission(), errors);
        Resource resource = check.resource() == null ? null : resource(check.resource(), errors);
        RequestContext context = RequestContext.EMPTY;
        if (check.ip() != null) {
            if (IP.matcher(check.ip()).matches()) {
                context = new RequestContext(check.ip(), Map.of());
            } else {
                errors.add(new FieldError("context.ip", "must be an IPv4 or IPv6 address"));
            }
        }
        List<String> fields = check.fields() == null ? null : fields(check.fields(), errors);
        if (!errors.isEmpty()) {
            throw new InvalidRequestException("Bad request", "the check is not valid", errors);
        }
        return new Question(user, permission, resource, check.at(), context, fields);
    }

    /** Whether the engine reads the user's stored relationships: a resource named by type and id, without assignees. */
    static boolean needsRelations(@Nullable Resource resource) {
        return resource != null && resource.type() != null && resource.id() != null && resource.assignees().isEmpty();
    }

    /** Ids are UUIDs stored in lower case: an id in any case becomes the stored spelling; other text stays. */
    static String canonicalId(String text) {
        return text.length() == 36 && UUID_TEXT.matcher(text).matches() ? UUID.fromString(text).toString() : text;
    }

    private static Resource resource(ResourceRef ref, List<FieldError> errors) {
        String type = required("resource.type", ref.type(), errors);
        String id = required("resource.id", ref.id(), errors);
        Set<String> assignees = new LinkedHashSet<>();
        for (int i = 0; i < ref.assignees().size(); i++) {
            String assignee = required("resource.assignees[" + i + "]", ref.assignees().get(i), errors);
            assignees.add(canonicalId(assignee));
        }
        Map<String, Object> attributes = ref.attributes().isEmpty() ? Map.of() : Json.tree(ref.attributes());
        return new Resource(type, id, optionalId(ref.location()), optionalId(ref.owner()), assignees, attributes);
    }

    private static List<String> fields(List<String> names, List<FieldError> errors) {
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || !FIELD.matcher(name).matches()) {
                errors.add(new FieldError("fields[" + i + "]", "a field name is 1 to 64 letters, digits, _ or -, "
                        + "starting with a letter (ssn, insurance)"));
            } else if (!seen.add(name)) {
                errors.add(new FieldError("fields[" + i + "]", name + " is listed twice"));
            }
        }
        return List.copyOf(seen);
    }

    private static String required(String field, @Nullable String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return "";
        }
        return value.strip();
    }

    private static @Nullable String optionalId(@Nullable String value) {
        return value == null || value.isBlank() ? null : canonicalId(value.strip());
    }
}
