package dev.gatehouse.server.scim;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.users.TenantScope;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Which roles each SCIM group gives (docs/api.md, "Identity providers and provisioning"). */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/scim/groups")
class GroupMappingsController {

    /** {@code roles}: the roles the group gives, replacing the default (the role named as the group). */
    record RolesRequest(@Nullable List<GroupMappings.RoleView> roles) {}

    private final GroupMappings mappings;

    GroupMappingsController(GroupMappings mappings) {
        this.mappings = mappings;
    }

    @GetMapping
    List<GroupMappings.GroupView> list(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantPaths.TenantRef tenant) {
        return mappings.list(caller, TenantScope.of(tenant));
    }

    @GetMapping("/{id}")
    GroupMappings.GroupView get(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @PathTenant TenantPaths.TenantRef tenant) {
        return mappings.get(caller, TenantScope.of(tenant), id);
    }

    @PatchMapping("/{id}")
    GroupMappings.GroupView set(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @RequestBody RolesRequest request, Origin origin,
            @PathTenant TenantPaths.TenantRef tenant) {
        return mappings.set(caller, TenantScope.of(tenant), id, request.roles(), origin);
    }
}
