package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A user's role assignments, effective permissions and sessions (docs/api.md, "Users"). */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/users/{id}")
class UserRolesController {

    private final UserRoleService service;
    private final AccountLifecycle lifecycle;
    private final Clock clock;

    UserRolesController(UserRoleService service, AccountLifecycle lifecycle, Clock clock) {
        this.service = service;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    @GetMapping("/roles")
    Page<UserViews.AssignmentView> assignments(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantPaths.TenantRef tenant) {
        Page<UserAssignments.Held> found = service.assignments(caller, TenantScope.of(tenant), id, page, size);
        Instant now = clock.instant();
        return new Page<>(found.items().stream().map(a -> UserViews.AssignmentView.of(a, now)).toList(), found.page(),
                found.size(), found.total());
    }

    @PostMapping("/roles")
    ResponseEntity<UserViews.AssignmentView> assign(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @RequestBody Roster.RoleRequest request,
            Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        TenantScope.Scoped scoped = TenantScope.of(tenant);
        UserAssignments.Held held = service.assign(caller, scoped, id, request, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + scoped.slug() + "/users/" + id + "/roles/"
                + held.id())).body(UserViews.AssignmentView.of(held, clock.instant()));
    }

    @DeleteMapping("/roles/{assignmentId}")
    ResponseEntity<Void> revoke(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @PathVariable UUID assignmentId, Origin origin,
            @PathTenant TenantPaths.TenantRef tenant) {
        service.revoke(caller, TenantScope.of(tenant), id, assignmentId, origin);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/permissions")
    UserViews.PermissionsView permissions(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @RequestParam(required = false) @Nullable String location,
            @PathTenant TenantPaths.TenantRef tenant) {
        return new UserViews.PermissionsView(service.permissions(caller, TenantScope.of(tenant), id, location)
                .stream().map(UserViews.PermissionView::of).toList());
    }

    @GetMapping("/sessions")
    Page<UserViews.SessionView> sessions(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantPaths.TenantRef tenant) {
        Page<UserSessions.Live> found = service.sessions(caller, TenantScope.of(tenant), id, page, size);
        return new Page<>(found.items().stream().map(UserViews.SessionView::of).toList(), found.page(), found.size(),
                found.total());
    }

    @DeleteMapping("/sessions")
    ResponseEntity<Void> endSessions(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        lifecycle.endSessions(caller, TenantScope.of(tenant), id, origin);
        return ResponseEntity.noContent().build();
    }

    /** Ends one session of the user (our extension of docs/api.md: the console's per-device "End"). */
    @DeleteMapping("/sessions/{sessionId}")
    ResponseEntity<Void> endSession(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @PathVariable UUID sessionId, Origin origin,
            @PathTenant TenantPaths.TenantRef tenant) {
        lifecycle.endSession(caller, TenantScope.of(tenant), id, sessionId, origin);
        return ResponseEntity.noContent().build();
    }
}
