package dev.gatehouse.server.signup;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
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

/** {@code …/domain-mappings}, {@code …/registrations} (the approval queue) and {@code …/role-requests} (issue 16). */
@RestController
class SignupController {

    private final DomainMappings mappings;
    private final Approvals approvals;

    SignupController(DomainMappings mappings, Approvals approvals) {
        this.mappings = mappings;
        this.approvals = approvals;
    }

    @Operation(summary = "Domain mappings", description = "Needs domain-mappings.manage. Highest priority first.")
    @GetMapping("/api/v1/tenants/{tenant}/domain-mappings")
    List<DomainMappings.View> mappings(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId) {
        return mappings.list(caller, tenantId);
    }

    @Operation(summary = "Maps an e-mail domain", description = """
            {pattern (clinic.org or *.clinic.org), priority? (0-1000, 0), targetTenant? (this tenant or a child; \
            slug or id), targetLocation? (a location id of the target), defaultRole? (a role of the target; the \
            pack's default role), mode? (AUTOMATIC or APPROVAL)}: needs domain-mappings.manage → 201.""")
    @PostMapping("/api/v1/tenants/{tenant}/domain-mappings")
    ResponseEntity<DomainMappings.View> map(@AuthenticationPrincipal Caller caller,
            @RequestBody(required = false) DomainMappings.@Nullable Mapping body, Origin origin,
            @PathTenant TenantPaths.TenantRef tenant) {
        DomainMappings.View view = mappings.create(caller, tenant.id(), body, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/domain-mappings/" + view.id()))
                .body(view);
    }

    @GetMapping("/api/v1/tenants/{tenant}/domain-mappings/{id}")
    DomainMappings.View mapping(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @PathTenant TenantId tenantId) {
        return mappings.get(caller, tenantId, Ids.inPath(id, "domain mapping"));
    }

    @Operation(summary = "Replaces a domain mapping", description = "The fields of POST, all of them.")
    @PutMapping("/api/v1/tenants/{tenant}/domain-mappings/{id}")
    DomainMappings.View remap(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @RequestBody(required = false) DomainMappings.@Nullable Mapping body,
            Origin origin, @PathTenant TenantId tenantId) {
        return mappings.replace(caller, tenantId, Ids.inPath(id, "domain mapping"), body, origin);
    }

    @DeleteMapping("/api/v1/tenants/{tenant}/domain-mappings/{id}")
    ResponseEntity<Void> unmap(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, Origin origin, @PathTenant TenantId tenantId) {
        mappings.delete(caller, tenantId, Ids.inPath(id, "domain mapping"), origin);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "The approval queue", description = "Registrations waiting for approval and role requests;"
            + " needs registrations.approve. status: PENDING, APPROVED, REJECTED.")
    @GetMapping("/api/v1/tenants/{tenant}/registrations")
    Page<Approvals.View> registrations(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId tenantId) {
        return approvals.list(caller, tenantId, status == null || status.isBlank() ? null : status.strip(), page, size);
    }

    @GetMapping("/api/v1/tenants/{tenant}/registrations/{id}")
    Approvals.View registration(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @PathTenant TenantId tenantId) {
        return approvals.get(caller, tenantId, Ids.inPath(id, "registration"));
    }

    @Operation(summary = "Approves a registration or role request", description = """
            {note?}: needs registrations.approve, never one's own request. A registration becomes an invited \
            account (the invitation mailed); a role request an assignment (roles.assign there, no escalation).""")
    @PostMapping("/api/v1/tenants/{tenant}/registrations/{id}/approve")
    Approvals.View approve(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestBody(required = false) Approvals.@Nullable Decision body, Origin origin,
            @PathTenant TenantId tenantId) {
        return approvals.approve(caller, tenantId, Ids.inPath(id, "registration"), body, origin);
    }

    @Operation(summary = "Rejects a registration or role request", description = "{note?}: as approving; the person"
            + " is told by mail.")
    @PostMapping("/api/v1/tenants/{tenant}/registrations/{id}/reject")
    Approvals.View reject(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestBody(required = false) Approvals.@Nullable Decision body, Origin origin,
            @PathTenant TenantId tenantId) {
        return approvals.reject(caller, tenantId, Ids.inPath(id, "registration"), body, origin);
    }

    @Operation(summary = "Asks for a requestable role", description = """
            {role, note?}: a signed-in member asks for one of the tenant's registration.requestableRoles \
            (seed 002: PROVIDER) → 201 {status: PENDING}; an admin approves or rejects it in …/registrations.""")
    @PostMapping("/api/v1/tenants/{tenant}/role-requests")
    ResponseEntity<Approvals.View> requestRole(@AuthenticationPrincipal Caller caller,
            @RequestBody(required = false) Approvals.@Nullable RoleRequest body, Origin origin,
            @PathTenant TenantPaths.TenantRef tenant) {
        Approvals.View view = approvals.requestRole(caller, tenant.id(), body, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/role-requests/" + view.id()))
                .body(view);
    }

    @Operation(summary = "The caller's own role requests", description = "Newest first, with their outcome.")
    @GetMapping("/api/v1/tenants/{tenant}/role-requests")
    List<Approvals.View> myRoleRequests(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId) {
        return approvals.mine(caller, tenantId);
    }
}
