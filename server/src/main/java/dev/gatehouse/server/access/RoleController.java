package dev.gatehouse.server.access;

import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tenant's roles (docs/api.md, "Roles, permissions, locations"). Built-in roles come from the
 * tenant's pack: they can be read and copied ({@code POST …/roles} with {@code copyOf}), but editing
 * or deleting one answers 409. Grant conditions are refused with a 400 until the engine has a
 * condition language: a stored condition would never allow (docs/access-model.md, "Conditions").
 */
@RestController
class RoleController {

    /** docs/api.md: role keys; the engine holds the same rule. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    static final int MAX_NAME = 200;
    static final int MAX_DESCRIPTION = 2_000;
    static final int MAX_INHERITS = 50;
    static final int MAX_GRANTS = 1_000;

    /** {@code scope} defaults to TENANT; {@code condition} is not supported yet (400). */
    record GrantBody(@Nullable String permission, @Nullable String scope, @Nullable String condition) {}

    /** A new role, or with {@code copyOf} a copy of an existing role's inherits and grants. */
    record CreateRole(@Nullable String key, @Nullable String name, @Nullable String description,
            @Nullable List<String> inherits, @Nullable List<GrantBody> grants, @Nullable String copyOf) {}

    /** The whole role: PUT replaces name, description, inherits and grants; the key cannot change. */
    record ReplaceRole(@Nullable String key, @Nullable String name, @Nullable String description,
            @Nullable List<String> inherits, @Nullable List<GrantBody> grants) {}

    record GrantView(String permission, String scope, @Nullable String condition) {
        static GrantView of(Grant grant) {
            return new GrantView(grant.permission(), grant.scope().name(),
                    grant.condition() == null ? null : grant.condition().expression());
        }
    }

    /** {@code holders}: how many users hold the role in any assignment (in force, future or expired). */
    record RoleView(String key, String name, String description, boolean builtIn, List<String> inherits,
            List<GrantView> grants, long holders) {
        static RoleView of(RoleService.RoleWithHolders found) {
            Role role = found.stored().role();
            return new RoleView(role.key(), role.name(), role.description(), found.stored().builtIn(),
                    role.inherits(), role.grants().stream().map(GrantView::of).toList(), found.holders());
        }
    }

    private final RoleService service;
    private final TenantPaths tenants;
    private final Access access;
    private final Actors actors;

    RoleController(RoleService service, TenantPaths tenants, Access access, Actors actors) {
        this.service = service;
        this.tenants = tenants;
        this.access = access;
        this.actors = actors;
    }

    @Operation(summary = "The tenant's roles, built-in ones first", description = "Requires roles.read. holders"
            + " counts the users holding the role in any assignment (in force, future or expired).")
    @GetMapping("/api/v1/tenants/{tenant}/roles")
    Page<RoleView> list(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        TenantId id = tenants.own(caller, tenant);
        access.require(caller, "roles.read", null);
        return new Page<>(service.page(id, page, size).stream().map(RoleView::of).toList(), page, size,
                service.count(id));
    }

    @GetMapping("/api/v1/tenants/{tenant}/roles/{key}")
    RoleView get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String key) {
        TenantId id = tenants.own(caller, tenant);
        access.require(caller, "roles.read", null);
        return RoleView.of(service.get(id, key));
    }

    @Operation(summary = "Creates a custom role, or copies one with copyOf", description = "Requires roles.create."
            + " Keys are [A-Za-z][A-Za-z0-9_-]{0,63}, unique ignoring case (409). With copyOf the new role takes"
            + " that role's inherits and grants (and its description unless one is given); built-in roles are"
            + " copied this way. A grant's scope defaults to TENANT. Grant conditions are not supported yet and"
            + " are refused with 400 (the engine has no condition language, so a conditional grant would never"
            + " allow). Permissions must be in the tenant's catalog (wildcards * and resource.* are allowed);"
            + " inherits must name existing roles without a cycle.")
    @PostMapping("/api/v1/tenants/{tenant}/roles")
    ResponseEntity<RoleView> create(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @RequestBody CreateRole request, HttpServletRequest http) {
        TenantId id = tenants.own(caller, tenant);
        access.require(caller, "roles.create", null);
        List<FieldError> errors = new ArrayList<>();
        String key = key(request.key(), errors);
        String name = name(request.name(), errors);
        String description = description(request.description(), errors);
        String copyOf = request.copyOf();
        List<String> inherits = List.of();
        List<Grant> grants = List.of();
        if (copyOf != null) {
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
        RoleService.RoleWithHolders created = service.create(caller, id, new Role(key, name, description, inherits, grants),
                request.description() != null, copyOf, actors.origin(caller, http));
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant + "/roles/" + key))
                .body(RoleView.of(created));
    }

    @Operation(summary = "Replaces a custom role's name, description, inherits and grants", description = "Requires"
            + " roles.edit. inherits and grants are required (send [] for none). Every holder of the role is"
            + " affected at once. Built-in roles cannot be edited: 409 (copy them instead).")
    @PutMapping("/api/v1/tenants/{tenant}/roles/{key}")
    RoleView replace(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable String key,
            @RequestBody ReplaceRole request, HttpServletRequest http) {
        TenantId id = tenants.own(caller, tenant);
        access.require(caller, "roles.edit", null);
        List<FieldError> errors = new ArrayList<>();
        if (request.key() != null && !request.key().equals(key)) {
            errors.add(new FieldError("key", "a role's key cannot change (assignments refer to it); copy the role"
                    + " under the new key instead"));
        }
        String name = name(request.name(), errors);
        String description = description(request.description(), errors);
        // PUT replaces the whole role: leaving grants out must not silently strip every holder's access.
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
        return RoleView.of(service.replace(caller, id, new Role(key, name, description, inherits, grants),
                actors.origin(caller, http)));
    }

    @Operation(summary = "Deletes a custom role", description = "Requires roles.delete. 409 for a built-in role, a"
            + " role that users hold (revoke their assignments first) or a role another role inherits from.")
    @DeleteMapping("/api/v1/tenants/{tenant}/roles/{key}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @PathVariable String key, HttpServletRequest http) {
        TenantId id = tenants.own(caller, tenant);
        access.require(caller, "roles.delete", null);
        service.delete(id, key, actors.origin(caller, http));
        return ResponseEntity.noContent().build();
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
            if (body.condition() != null && !body.condition().isBlank()) {
                errors.add(new FieldError(path + ".condition", "conditions are not supported yet: Gatehouse has"
                        + " no condition language so far, and a conditional grant would never allow;"
                        + " leave condition out"));
            }
            // Permissions are checked against the catalog by the engine, which names grants[i].permission.
            grants.add(Grant.of(permission, scope));
        }
        return grants;
    }
}
