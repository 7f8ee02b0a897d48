package dev.gatehouse.server.access;

import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.conditions.CelConditions;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a client asks of a role, as the API's JSON and the console's forms both say it, and the
 * checks of its fields, so both answer the same 400 naming the same fields ({@code key},
 * {@code grants[2].scope}). What needs the tenant's policy (catalog, cycles, escalation) is
 * {@link RoleService}'s.
 */
public final class RoleRequests {

    /** docs/api.md: role keys; the engine holds the same rule. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 2_000;
    static final int MAX_INHERITS = 50;
    static final int MAX_GRANTS = 1_000;

    /**
     * {@code scope} defaults to TENANT; {@code condition} is a CEL expression ({@link CelConditions}),
     * refused with a 400 at {@code grants[i].condition} when it does not compile or exceeds a bound.
     */
    public record GrantBody(@Nullable String permission, @Nullable String scope, @Nullable String condition) {}

    /** A new role, or with {@code copyOf} a copy of an existing role's inherits and grants. */
    public record CreateRole(@Nullable String key, @Nullable String name, @Nullable String description,
            @Nullable List<String> inherits, @Nullable List<GrantBody> grants, @Nullable String copyOf) {}

    /** The whole role: a replacement sets name, description, inherits and grants; the key cannot change. */
    public record ReplaceRole(@Nullable String key, @Nullable String name, @Nullable String description,
            @Nullable List<String> inherits, @Nullable List<GrantBody> grants) {}

    private RoleRequests() {}

    /** The role a creation asks for (with no inherits or grants when it copies), or 400 naming every bad field. */
    static Role toRole(CreateRole request) {
        List<FieldError> errors = new ArrayList<>();
        String key = key(request.key(), errors);
        String name = name(request.name(), errors);
        String description = description(request.description(), errors);
        List<String> inherits = List.of();
        List<Grant> grants = List.of();
        if (request.copyOf() != null) {
            if (request.inherits() != null || request.grants() != null) {
                errors.add(new FieldError("copyOf", "a copy takes its inherits and grants from the role copied;"
                        + " leave inherits and grants out, and edit the copy afterwards"));
            }
        } else {
            inherits = request.inherits() == null ? List.of() : inherits(request.inherits(), errors);
            grants = request.grants() == null ? List.of() : grants(request.grants(), errors);
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return new Role(key, name, description, inherits, grants);
    }

    /** The role {@code key} becomes, or 400 naming every bad field. */
    static Role toRole(String key, ReplaceRole request) {
        List<FieldError> errors = new ArrayList<>();
        if (request.key() != null && !request.key().equals(key)) {
            errors.add(new FieldError("key", "a role's key cannot change (assignments refer to it); copy the role"
                    + " under the new key instead"));
        }
        String name = name(request.name(), errors);
        String description = description(request.description(), errors);
        // A replacement is the whole role: leaving grants out must not silently strip every holder's access.
        List<String> inherits = List.of();
        if (request.inherits() == null) {
            errors.add(new FieldError("inherits", "is required (PUT replaces the whole role; send [] for none)"));
        } else {
            inherits = inherits(request.inherits(), errors);
        }
        List<Grant> grants = List.of();
        if (request.grants() == null) {
            errors.add(new FieldError("grants", "is required (PUT replaces the whole role; send [] for none)"));
        } else {
            grants = grants(request.grants(), errors);
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return new Role(key, name, description, inherits, grants);
    }

    private static String key(@Nullable String key, List<FieldError> errors) {
        if (key == null || key.isEmpty()) {
            errors.add(new FieldError("key", "is required"));
            return "";
        }
        if (!KEY.matcher(key).matches()) {
            errors.add(new FieldError("key", "a role key is 1 to 64 letters, digits, _ or -, starting with a letter"));
        }
        return key;
    }

    private static String name(@Nullable String name, List<FieldError> errors) {
        if (name == null || name.isBlank()) {
            errors.add(new FieldError("name", "is required"));
            return "";
        }
        if (name.strip().length() > MAX_NAME) {
            errors.add(new FieldError("name", "at most " + MAX_NAME + " characters"));
        }
        return name.strip();
    }

    private static String description(@Nullable String description, List<FieldError> errors) {
        if (description == null) {
            return "";
        }
        if (description.strip().length() > MAX_DESCRIPTION) {
            errors.add(new FieldError("description", "at most " + MAX_DESCRIPTION + " characters"));
        }
        return description.strip();
    }

    private static List<String> inherits(List<String> inherits, List<FieldError> errors) {
        if (inherits.size() > MAX_INHERITS) {
            errors.add(new FieldError("inherits", "at most " + MAX_INHERITS + " parent roles"));
            return List.of();
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < inherits.size(); i++) {
            String parent = inherits.get(i);
            if (parent == null || parent.isEmpty()) {
                errors.add(new FieldError("inherits[" + i + "]", "must be a role key"));
            } else if (!seen.add(parent)) {
                errors.add(new FieldError("inherits[" + i + "]", parent + " is listed twice"));
            }
        }
        return inherits.stream().filter(p -> p != null && !p.isEmpty()).distinct().toList();
    }

    private static List<Grant> grants(List<GrantBody> bodies, List<FieldError> errors) {
        if (bodies.size() > MAX_GRANTS) {
            errors.add(new FieldError("grants", "at most " + MAX_GRANTS + " grants"));
            return List.of();
        }
        List<Grant> grants = new ArrayList<>(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            GrantBody body = bodies.get(i);
            String path = "grants[" + i + "]";
            if (body == null) {
                errors.add(new FieldError(path, "must be an object {permission, scope?}"));
                continue;
            }
            String permission = body.permission() == null ? "" : body.permission().strip();
            if (permission.isEmpty()) {
                errors.add(new FieldError(path + ".permission", "is required"));
            }
            Scope scope = Scope.TENANT;
            if (body.scope() != null) {
                try {
                    scope = Scope.valueOf(body.scope());
                } catch (IllegalArgumentException e) {
                    errors.add(new FieldError(path + ".scope", "must be one of " + Arrays.toString(Scope.values())));
                }
            }
            Condition condition = null;
            if (body.condition() != null && !body.condition().isBlank()) {
                String problem = CelConditions.problem(body.condition().strip());
                if (problem != null) {
                    errors.add(new FieldError(path + ".condition", problem));
                } else {
                    condition = new Condition(body.condition().strip());
                }
            }
            // Permissions are checked against the catalog by the engine, which names grants[i].permission.
            grants.add(new Grant(permission, scope, condition));
        }
        return grants;
    }
}
