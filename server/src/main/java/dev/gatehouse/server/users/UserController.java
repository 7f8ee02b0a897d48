package dev.gatehouse.server.users;

import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** A tenant's user accounts and their lifecycle (docs/api.md, "Users"). */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/users")
class UserController {

    private final Roster roster;
    private final AccountLifecycle lifecycle;
    private final TenantSettingsStore settings;

    UserController(Roster roster, AccountLifecycle lifecycle, TenantSettingsStore settings) {
        this.roster = roster;
        this.lifecycle = lifecycle;
        this.settings = settings;
    }

    @PostMapping
    ResponseEntity<UserViews.CreatedView> create(@AuthenticationPrincipal Caller caller,
            @RequestBody Roster.CreateRequest request, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        TenantScope.Scoped scoped = TenantScope.of(tenant);
        // Issue 17: the rules, the password policy and the strength check read the tenant's settings once,
        // from this node's cache as a sign-in does: a creation changes no settings, and a change announced
        // on any node holds from the next creation after the announcement arrives (docs/security.md).
        Roster.Created created = settings.readCached(() -> roster.create(caller, scoped, request, origin));
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + scoped.slug() + "/users/" + created.id()))
                .body(new UserViews.CreatedView(created.id().toString(), created.username(), created.kind(), created.status(),
                        created.invitationUrl()));
    }

    /**
     * Filters: {@code q} (in username, name or e-mail, ignoring case), {@code status}, {@code role},
     * {@code location} (assigned there or below), {@code hidden}: {@code false} by default (seed 003:
     * hidden users stay out of lists), {@code true} for the hidden ones only, {@code any} for all;
     * {@code kind}: {@code HUMAN} or {@code SERVICE} (issue 12: service accounts shown apart);
     * {@code withoutRole}, {@code userType} (issue 16). Paged by {@code page} or by {@code cursor}: each page
     * answers the {@code next} and {@code previous} cursors beside it (issue 17, {@link Roster#list}).
     */
    @GetMapping
    UserViews.ListView list(@AuthenticationPrincipal Caller caller,
            @Parameter(description = "text in the username, name or e-mail, ignoring case")
            @RequestParam(required = false) @Nullable String q,
            @Parameter(description = "INVITED, ACTIVE, DISABLED or LOCKED")
            @RequestParam(required = false) @Nullable String status,
            @Parameter(description = "users holding this role (any assignment)")
            @RequestParam(required = false) @Nullable String role,
            @Parameter(description = "users with an assignment at this location or below it")
            @RequestParam(required = false) @Nullable String location,
            @Parameter(description = "false (default): visible users only; true: hidden users only; any: all")
            @RequestParam(required = false) @Nullable String hidden,
            @Parameter(description = "HUMAN (people) or SERVICE (service accounts)")
            @RequestParam(required = false) @Nullable String kind,
            @Parameter(description = "true: users holding no role now (seed 001: every user has at least one role);"
                    + " false: users holding one")
            @RequestParam(required = false) @Nullable String withoutRole,
            @Parameter(description = "users of this user type (a key of …/user-types)")
            @RequestParam(required = false) @Nullable String userType,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @Parameter(description = "a page's next or previous, as given: the page beside it, as cheap at any depth"
                    + " (instead of page)")
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantPaths.TenantRef tenant) {
        TenantScope.Scoped scoped = TenantScope.of(tenant);
        Roster.ListPage found = roster.list(caller, scoped,
                new Roster.Filter(q, status, role, location == null ? null : UserGuard.canonical(location), hidden,
                        kind, withoutRole, userType), page, cursor == null || cursor.isEmpty() ? null : cursor, size);
        return new UserViews.ListView(found.items().stream().map(UserViews.UserView::of).toList(), found.page(),
                found.size(), found.total(), found.totalIsLowerBound(), found.next(), found.previous());
    }

    @GetMapping("/{id}")
    UserViews.UserView get(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @PathTenant TenantPaths.TenantRef tenant) {
        return UserViews.UserView.of(roster.get(caller, TenantScope.of(tenant), id));
    }

    @PatchMapping("/{id}")
    UserViews.UserView update(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @RequestBody JsonNode body, Origin origin,
            @PathTenant TenantPaths.TenantRef tenant) {
        return UserViews.UserView.of(roster.update(caller, TenantScope.of(tenant), id, body, origin));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        roster.delete(caller, TenantScope.of(tenant), id, origin);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{id}/lock")
    UserViews.UserView lock(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        return UserViews.UserView.of(lifecycle.lock(caller, TenantScope.of(tenant), id, origin));
    }

    @PostMapping("/{id}/unlock")
    UserViews.UserView unlock(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        return UserViews.UserView.of(lifecycle.unlock(caller, TenantScope.of(tenant), id, origin));
    }

    @PostMapping("/{id}/disable")
    UserViews.UserView disable(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        return UserViews.UserView.of(lifecycle.disable(caller, TenantScope.of(tenant), id, origin));
    }

    @PostMapping("/{id}/enable")
    UserViews.UserView enable(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        return UserViews.UserView.of(lifecycle.enable(caller, TenantScope.of(tenant), id, origin));
    }

    /** Optional body of a reset: a temporary password the admin sets instead of sending a link. */
    record ResetRequest(@Nullable String temporaryPassword) {}

    /**
     * Without a body, a one-use reset link ({@code 202 {resetUrl}}); with {@code {temporaryPassword}},
     * that password, to be changed at the next sign-in ({@code 202 {}}). Either way every session ends.
     */
    @PostMapping("/{id}/password-reset")
    ResponseEntity<Object> resetPassword(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @RequestBody(required = false) @Nullable ResetRequest request, Origin origin,
            @PathTenant TenantPaths.TenantRef tenant) {
        TenantScope.Scoped scoped = TenantScope.of(tenant);
        if (request != null && request.temporaryPassword() != null) {
            lifecycle.setTemporaryPassword(caller, scoped, id, request.temporaryPassword(), origin);
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(java.util.Map.of());
        }
        String url = lifecycle.resetPassword(caller, scoped, id, origin);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new UserViews.ResetView(url));
    }

    @PostMapping("/{id}/invitation")
    ResponseEntity<UserViews.InvitationView> invite(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        String url = lifecycle.reinvite(caller, TenantScope.of(tenant), id, origin);
        return ResponseEntity.status(HttpStatus.CREATED).body(new UserViews.InvitationView(url));
    }
}
