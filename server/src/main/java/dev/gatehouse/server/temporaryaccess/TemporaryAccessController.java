package dev.gatehouse.server.temporaryaccess;

import dev.gatehouse.server.shared.ApiException;
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
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code …/delegations} and {@code …/elevation-requests} (docs/api.md, "Temporary access"). */
@RestController
class TemporaryAccessController {

    private static final Set<String> DELEGATION_STATES = Set.of("SCHEDULED", "ACTIVE", "SUSPENDED", "EXPIRED", "ENDED");
    private static final Set<String> REQUEST_STATES = Set.of("PENDING", "APPROVED", "DENIED", "EXPIRED", "USED");

    private final Delegations delegations;
    private final Elevations elevations;

    TemporaryAccessController(Delegations delegations, Elevations elevations) {
        this.delegations = delegations;
        this.elevations = elevations;
    }

    @Operation(summary = "Lends a role (acting role)", description = """
            {from, to, role, location?, startsAt?, expiresAt, reason}: from (default: the caller) lends role, held \
            by them at location (tenant-wide when absent) or above, to to until expiresAt (at most 31 days). From \
            yourself: needs roles.delegate. On someone's behalf: roles.assign there, no escalation, and covering both. \
            Never to yourself or a service account. It allows only while from, active, still holds the role there.""")
    @PostMapping("/api/v1/tenants/{tenant}/delegations")
    ResponseEntity<Delegations.View> lend(@AuthenticationPrincipal Caller caller,
            @RequestBody Delegations.NewDelegation body, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        Delegations.View view = delegations.create(caller, tenant.id(), body, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/delegations/" + view.id()))
                .body(view);
    }

    @Operation(summary = "Delegations", description = "Those the caller lent or was lent; with roles.assign, all of"
            + " the tenant's. user: of one person (either side); status: SCHEDULED, ACTIVE, SUSPENDED, EXPIRED, ENDED.")
    @GetMapping("/api/v1/tenants/{tenant}/delegations")
    Page<Delegations.View> delegations(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String user, @RequestParam(required = false) @Nullable String status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId tenantId) {
        UUID userId = user == null || user.isBlank() ? null
                : Ids.parse(user.strip()).orElseThrow(() -> ApiException.badRequest("user", "is not a user id"));
        return page(delegations.list(caller, tenantId, userId, state(status, DELEGATION_STATES)), page, size);
    }

    @Operation(summary = "Ends a delegation at once", description = "By its lender, its delegate, who recorded it,"
            + " or someone with roles.assign there who covers the delegate.")
    @DeleteMapping("/api/v1/tenants/{tenant}/delegations/{id}")
    ResponseEntity<Void> endDelegation(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, Origin origin, @PathTenant TenantId tenantId) {
        delegations.end(caller, tenantId, Ids.inPath(id, "delegation"), origin);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Asks for a role for some minutes", description = """
            {role, location?, reason, minutes (1 to 480), oneTime?}: needs elevation.request and a signed-in session. \
            → 201 {id, status: PENDING, …}. Those who may decide it are mailed; undecided, it expires after a day.""")
    @PostMapping("/api/v1/tenants/{tenant}/elevation-requests")
    ResponseEntity<Elevations.View> request(@AuthenticationPrincipal Caller caller,
            @RequestBody Elevations.NewRequest body, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        Elevations.View view = elevations.request(caller, tenant.id(), body, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/elevation-requests/"
                + view.id()))
                .body(view);
    }

    @Operation(summary = "Elevation requests", description = "The caller's own, and those they may decide (or"
            + " decided); status: PENDING, APPROVED, DENIED, EXPIRED, USED.")
    @GetMapping("/api/v1/tenants/{tenant}/elevation-requests")
    Page<Elevations.View> requests(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId tenantId) {
        return page(elevations.list(caller, tenantId, state(status, REQUEST_STATES)), page, size);
    }

    @GetMapping("/api/v1/tenants/{tenant}/elevation-requests/{id}")
    Elevations.View elevationRequest(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @PathTenant TenantId tenantId) {
        return elevations.get(caller, tenantId, Ids.inPath(id, "elevation request"));
    }

    @Operation(summary = "Approves an elevation request", description = """
            {note?}: by someone other than the requester (separation of duties) who may give the role there \
            (roles.assign, no escalation) and covers the requester → the requester holds it from now for its \
            minutes (source ELEVATION; one use when oneTime).""")
    @PostMapping("/api/v1/tenants/{tenant}/elevation-requests/{id}/approve")
    Elevations.View approve(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestBody(required = false) Elevations.@Nullable Decision body, Origin origin,
            @PathTenant TenantId tenantId) {
        return elevations.approve(caller, tenantId, Ids.inPath(id, "elevation request"), body, origin);
    }

    @Operation(summary = "Denies an elevation request", description = "{note?}: by whoever may approve it.")
    @PostMapping("/api/v1/tenants/{tenant}/elevation-requests/{id}/deny")
    Elevations.View deny(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestBody(required = false) Elevations.@Nullable Decision body, Origin origin,
            @PathTenant TenantId tenantId) {
        return elevations.deny(caller, tenantId, Ids.inPath(id, "elevation request"), body, origin);
    }

    private static @Nullable String state(@Nullable String status, Set<String> states) {
        if (status == null || status.isBlank()) {
            return null;
        }
        String state = status.strip().toUpperCase(java.util.Locale.ROOT);
        if (!states.contains(state)) {
            throw ApiException.badRequest("status", "is one of " + String.join(", ", states.stream().sorted().toList()));
        }
        return state;
    }

    private static <T> Page<T> page(List<T> all, int page, int size) {
        long from = Math.min((long) page * size, all.size());
        long to = Math.min(from + size, all.size());
        return new Page<>(all.subList((int) from, (int) to), page, size, all.size());
    }
}
