package dev.gatehouse.server.scim;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
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
    private final TenantScope scope;

    GroupMappingsController(GroupMappings mappings, TenantScope scope) {
        this.mappings = mappings;
        this.scope = scope;
    }

    @GetMapping
    List<GroupMappings.GroupView> list(@AuthenticationPrincipal Caller caller, @PathVariable String tenant) {
        return mappings.list(caller, scope.resolve(caller, tenant));
    }

    @GetMapping("/{id}")
    GroupMappings.GroupView get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @PathVariable UUID id) {
        return mappings.get(caller, scope.resolve(caller, tenant), id);
    }

    @PatchMapping("/{id}")
    GroupMappings.GroupView set(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @PathVariable UUID id, @RequestBody RolesRequest request, Origin origin) {
        return mappings.set(caller, scope.resolve(caller, tenant), id, request.roles(), origin);
    }
}
