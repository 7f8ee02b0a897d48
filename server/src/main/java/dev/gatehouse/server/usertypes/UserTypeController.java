package dev.gatehouse.server.usertypes;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code …/user-types}: {@code {key, name, baseRoles: [roleKey], agentTypes: ["timer"|"ticket"|"time"|"billing"]}}.
 * A type in use cannot be deleted (409).
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/user-types")
class UserTypeController {

    record UserTypeView(String key, String name, List<String> baseRoles, List<String> agentTypes, Instant createdAt,
            Instant updatedAt) {
        static UserTypeView of(UserType type) {
            return new UserTypeView(type.key(), type.name(), type.baseRoles(), type.agentTypes(), type.createdAt(),
                    type.updatedAt());
        }
    }

    private final UserTypes types;

    UserTypeController(UserTypes types) {
        this.types = types;
    }

    @GetMapping
    Page<UserTypeView> list(@AuthenticationPrincipal Caller caller, @PathTenant TenantId tenant) {
        List<UserTypeView> all = types.list(caller, tenant).stream().map(UserTypeView::of).toList();
        return new Page<>(all, 0, all.size(), all.size());
    }

    @PostMapping
    ResponseEntity<UserTypeView> create(@AuthenticationPrincipal Caller caller,
            @RequestBody UserTypes.Request request, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        UserType created = types.create(caller, tenant.id(), request, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/user-types/" + created.key()))
                .body(UserTypeView.of(created));
    }

    @GetMapping("/{key}")
    UserTypeView get(@AuthenticationPrincipal Caller caller, @PathTenant TenantId tenant, @PathVariable String key) {
        return UserTypeView.of(types.get(caller, tenant, key));
    }

    @PutMapping("/{key}")
    UserTypeView replace(@AuthenticationPrincipal Caller caller, @PathVariable String key,
            @RequestBody UserTypes.Request request, Origin origin, @PathTenant TenantId tenant) {
        return UserTypeView.of(types.replace(caller, tenant, key, request, origin));
    }

    @DeleteMapping("/{key}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathTenant TenantId tenant,
            @PathVariable String key, Origin origin) {
        types.delete(caller, tenant, key, origin);
        return ResponseEntity.noContent().build();
    }
}
