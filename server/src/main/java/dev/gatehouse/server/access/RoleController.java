package dev.gatehouse.server.access;

import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Role;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.List;
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
 * or deleting one answers 409. A grant's condition is CEL, checked and bounded at save: a 400 names
 * {@code grants[i].condition} (docs/engine.md, "Conditions").
 */
@RestController
class RoleController {

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
            Role role = found.role();
            return new RoleView(role.key(), role.name(), role.description(), found.builtIn(),
                    role.inherits(), role.grants().stream().map(GrantView::of).toList(), found.holders());
        }
    }

    private final RoleService service;
    private final Actors actors;

    RoleController(RoleService service, Actors actors) {
        this.service = service;
        this.actors = actors;
    }

    @Operation(summary = "The tenant's roles, built-in ones first", description = "Requires roles.read. holders"
            + " counts the users holding the role in any assignment (in force, future or expired).")
    @GetMapping("/api/v1/tenants/{tenant}/roles")
    Page<RoleView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId id) {
        return new Page<>(service.page(caller, id, page, size).stream().map(RoleView::of).toList(), page, size,
                service.count(id));
    }

    @GetMapping("/api/v1/tenants/{tenant}/roles/{key}")
    RoleView get(@AuthenticationPrincipal Caller caller, @PathVariable String key,
            @PathTenant TenantId id) {
        return RoleView.of(service.get(caller, id, key));
    }

    @Operation(summary = "Creates a custom role, or copies one with copyOf", description = "Requires roles.create."
            + " Keys are [A-Za-z][A-Za-z0-9_-]{0,63}, unique ignoring case (409). With copyOf the new role takes"
            + " that role's inherits and grants (and its description unless one is given); built-in roles are"
            + " copied this way. A grant's scope defaults to TENANT. A grant's condition is a CEL expression over"
            + " resource (its attributes by name, and type, id, location, owner), request.time.hour/minute/dayOfWeek/"
            + "day/month/year in the tenant's time zone, request.ip (request.ip in ['10.0.0.0/8']) and subject.id/"
            + "roles; one that does not compile or exceeds a bound is a 400 naming grants[i].condition."
            + " Permissions must be in the tenant's catalog (wildcards * and resource.* are allowed);"
            + " inherits must name existing roles without a cycle.")
    @PostMapping("/api/v1/tenants/{tenant}/roles")
    ResponseEntity<RoleView> create(@AuthenticationPrincipal Caller caller,
            @RequestBody RoleRequests.CreateRole request, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        RoleService.RoleWithHolders created = service.create(caller, tenant.id(), request, actors.actor(caller),
                origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/roles/" + created.role().key()))
                .body(RoleView.of(created));
    }

    @Operation(summary = "Replaces a custom role's name, description, inherits and grants", description = "Requires"
            + " roles.edit. inherits and grants are required (send [] for none). Every holder of the role is"
            + " affected at once. Built-in roles cannot be edited: 409 (copy them instead).")
    @PutMapping("/api/v1/tenants/{tenant}/roles/{key}")
    RoleView replace(@AuthenticationPrincipal Caller caller, @PathVariable String key,
            @RequestBody RoleRequests.ReplaceRole request, Origin origin, @PathTenant TenantId id) {
        return RoleView.of(service.replace(caller, id, key, request, actors.actor(caller), origin));
    }

    @Operation(summary = "Deletes a custom role", description = "Requires roles.delete. 409 for a built-in role, a"
            + " role that users hold (revoke their assignments first) or a role another role inherits from.")
    @DeleteMapping("/api/v1/tenants/{tenant}/roles/{key}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller,
            @PathVariable String key, Origin origin, @PathTenant TenantId id) {
        service.delete(caller, id, key, actors.actor(caller), origin);
        return ResponseEntity.noContent().build();
    }
}
