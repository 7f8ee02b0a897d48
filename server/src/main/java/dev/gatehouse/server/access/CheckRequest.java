package dev.gatehouse.server.access;

import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One question to the check API as sent (docs/api.md, "Decisions"): every field optional at this
 * stage so that {@link #parse} can name each missing or malformed one, with its place in a batch.
 */
record CheckRequest(@Nullable String user, @Nullable String permission, @Nullable ResourceBody resource,
        @Nullable ContextBody context, @Nullable Boolean audit, @Nullable List<String> fields) {

    static final int MAX_USER = 320;
    static final String GUEST = Access.GUEST_SUBJECT;
    static final int MAX_TEXT = 200;
    static final int MAX_ASSIGNEES = 1_000;
    static final int MAX_ATTRIBUTES = 100;
    static final int MAX_FIELDS = 100;
    static final int MAX_FIELD = 64;
    private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    /** A field is one more segment of a permission key ({@code ssn} of {@code patients.read}). */
    private static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0," + (MAX_FIELD - 1) + "}");

    record ResourceBody(@Nullable String type, @Nullable String id, @Nullable String location, @Nullable String owner,
            @Nullable List<String> assignees, @Nullable Map<String, Object> attributes) {}

    /** {@code time}: ask about another moment than now (ISO-8601 with an offset). */
    record ContextBody(@Nullable String ip, @Nullable String time) {}

    /**
     * A question that passed {@link #parse}: what the engine is asked. {@code fields} is null when the
     * check names none (the answer then carries no {@code fields}).
     */
    record Question(String user, String permission, @Nullable Resource resource, @Nullable Instant at,
            RequestContext context, boolean audit, @Nullable List<String> fields) {}

    /** {@link #parse(String, boolean, boolean, List)} for a signed-in caller. */
    @Nullable Question parse(String prefix, boolean auditByDefault, List<FieldError> errors) {
        return parse(prefix, auditByDefault, false, errors);
    }

    /**
     * Validates and converts; adds a {@link FieldError} per fault to {@code errors}, with field
     * names after {@code prefix} ({@code ""} or {@code "checks[3]."}), and answers null when there
     * was any. For a {@code guest} (a check sent without credentials) {@code user} is absent or
     * {@code "guest"}: an anonymous caller asks about the guest only, never about a user.
     */
    @Nullable Question parse(String prefix, boolean auditByDefault, boolean guest, List<FieldError> errors) {
        int before = errors.size();
        String who;
        if (guest) {
            who = GUEST;
            if (user != null && !user.strip().equalsIgnoreCase(GUEST)) {
                errors.add(new FieldError(prefix + "user", "without credentials a check asks about the guest only: "
                        + "leave user out (or send \"guest\"); sign in to ask about a user"));
            }
        } else {
            who = required(prefix + "user", user, MAX_USER, errors);
        }
        // A key longer than any key can be is bad input; an unknown key of a fitting length is a deny.
        String what = required(prefix + "permission", permission, Permission.MAX_KEY_LENGTH, errors);
        Resource target = resource == null ? null : resource(prefix + "resource", resource, errors);
        Instant at = null;
        RequestContext requestContext = RequestContext.EMPTY;
        if (context != null) {
            if (context.time() != null) {
                at = instant(prefix + "context.time", context.time(), errors);
            }
            if (context.ip() != null) {
                if (IP.matcher(context.ip()).matches()) {
                    requestContext = new RequestContext(context.ip(), Map.of());
                } else {
                    errors.add(new FieldError(prefix + "context.ip", "must be an IPv4 or IPv6 address"));
                }
            }
        }
        List<String> named = fields == null ? null : fields(prefix + "fields", fields, errors);
        if (errors.size() > before) {
            return null;
        }
        return new Question(who, what, target, at, requestContext, audit == null ? auditByDefault : audit, named);
    }

    private static @Nullable Resource resource(String path, ResourceBody body, List<FieldError> errors) {
        int before = errors.size();
        String type = required(path + ".type", body.type(), MAX_TEXT, errors);
        String id = required(path + ".id", body.id(), MAX_TEXT, errors);
        String location = optional(path + ".location", body.location(), errors);
        String owner = optional(path + ".owner", body.owner(), errors);
        Set<String> assignees = new LinkedHashSet<>();
        if (body.assignees() != null) {
            if (body.assignees().size() > MAX_ASSIGNEES) {
                errors.add(new FieldError(path + ".assignees", "at most " + MAX_ASSIGNEES + " assignees"));
            } else {
                for (int i = 0; i < body.assignees().size(); i++) {
                    String assignee = required(path + ".assignees[" + i + "]", body.assignees().get(i), MAX_TEXT, errors);
                    if (assignee != null) {
                        assignees.add(canonicalId(assignee));
                    }
                }
            }
        }
        Map<String, Object> attributes = Map.of();
        if (body.attributes() != null) {
            if (body.attributes().size() > MAX_ATTRIBUTES) {
                errors.add(new FieldError(path + ".attributes", "at most " + MAX_ATTRIBUTES + " attributes"));
            } else {
                for (Map.Entry<String, Object> attribute : body.attributes().entrySet()) {
                    if (attribute.getValue() == null) {
                        errors.add(new FieldError(path + ".attributes." + attribute.getKey(), "must not be null"));
                    } else if (attribute.getKey().length() > MAX_TEXT) {
                        errors.add(new FieldError(path + ".attributes", "names are at most " + MAX_TEXT + " characters"));
                    }
                }
                attributes = body.attributes();
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new Resource(type, id, location == null ? null : canonicalId(location),
                owner == null ? null : canonicalId(owner), assignees, attributes);
    }

    /**
     * Field names, each decided as the permission {@code permission.field}; one the catalog does not
     * list is denied like an unknown permission, not refused (applications ask freely), but a name
     * that could not be a key segment is bad input.
     */
    private static List<String> fields(String path, List<String> names, List<FieldError> errors) {
        if (names.size() > MAX_FIELDS) {
            errors.add(new FieldError(path, "at most " + MAX_FIELDS + " fields"));
            return List.of();
        }
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || !FIELD.matcher(name).matches()) {
                errors.add(new FieldError(path + "[" + i + "]", "a field name is 1 to " + MAX_FIELD
                        + " letters, digits, _ or -, starting with a letter (ssn, insurance)"));
            } else if (!seen.add(name)) {
                errors.add(new FieldError(path + "[" + i + "]", name + " is listed twice"));
            }
        }
        return List.copyOf(seen);
    }

    private static @Nullable Instant instant(String field, String text, List<FieldError> errors) {
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException e) {
            errors.add(new FieldError(field, "must be an ISO-8601 date-time with an offset, e.g. 2025-01-31T09:00:00Z"));
            return null;
        }
    }

    private static @Nullable String required(String field, @Nullable String value, int max, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return null;
        }
        if (value.length() > max) {
            errors.add(new FieldError(field, "must be at most " + max + " characters"));
            return null;
        }
        return value.strip();
    }

    private static @Nullable String optional(String field, @Nullable String value, List<FieldError> errors) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > MAX_TEXT) {
            errors.add(new FieldError(field, "must be at most " + MAX_TEXT + " characters"));
            return null;
        }
        return value.strip();
    }

    /** User and location ids are UUIDs, stored in lower case; accept any case. */
    static String canonicalId(String id) {
        return Ids.canonical(id);
    }
}
