package dev.gatehouse.server.memberships;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The signed-in person's memberships in other organisations (issue 16; our extension of docs/api.md). */
@RestController
class MembershipsController {

    /** {@code POST /api/v1/me/memberships}: the invitation link's token. */
    record AcceptRequest(@Nullable String token) {}

    private final Memberships memberships;

    MembershipsController(Memberships memberships) {
        this.memberships = memberships;
    }

    /** The home organisation and every membership, by slug and name. */
    @GetMapping("/api/v1/me/memberships")
    Memberships.Listing list(@AuthenticationPrincipal Caller caller) {
        return memberships.list(caller);
    }

    /** Accepts an invitation of another organisation with this account: 201 with the new membership. */
    @PostMapping("/api/v1/me/memberships")
    ResponseEntity<Memberships.View> accept(@AuthenticationPrincipal Caller caller,
            @RequestBody AcceptRequest body, Origin origin) {
        return ResponseEntity.status(HttpStatus.CREATED).body(memberships.accept(caller, body.token(), origin));
    }

    /** Opens a session in the organisation for the membership: 201 {@code {token, tenant, userId, expiresAt}}. */
    @PostMapping("/api/v1/me/memberships/{tenant}/session")
    ResponseEntity<Memberships.Switched> session(@AuthenticationPrincipal Caller caller, Origin origin,
            @PathTenant(PathTenant.For.MEMBERSHIP) TenantPaths.TenantRef tenant) {
        return ResponseEntity.status(HttpStatus.CREATED).body(memberships.open(caller, tenant, origin));
    }

    /** Leaves the organisation: its sessions end, its account is unlinked and disabled. */
    @DeleteMapping("/api/v1/me/memberships/{tenant}")
    ResponseEntity<Void> leave(@AuthenticationPrincipal Caller caller, Origin origin,
            @PathTenant(PathTenant.For.MEMBERSHIP) TenantPaths.TenantRef tenant) {
        memberships.leave(caller, tenant, origin);
        return ResponseEntity.noContent().build();
    }
}
