package dev.gatehouse.server.emergencyaccess;

import com.fasterxml.jackson.annotation.JsonInclude;
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
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code …/break-glass} (docs/api.md, "Temporary access"): clinical emergency access and its review queue. */
@RestController
class EmergencyAccessController {

    record UserView(String id, String username) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ResourceView(String type, String id, @Nullable String location) {}

    record ReviewView(String outcome, @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String note,
            UserView reviewedBy, Instant reviewedAt) {}

    /**
     * An emergency access: {@code open} whether the share lets the user in now; {@code endedAt} when it
     * was ended early; {@code review} once reviewed.
     */
    record EmergencyAccessView(String id, UserView user, ResourceView resource, String reason, Instant openedAt,
            Instant expiresAt, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Instant endedAt, boolean open,
            String status, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable ReviewView review) {}

    private final EmergencyAccesses accesses;

    EmergencyAccessController(EmergencyAccesses accesses) {
        this.accesses = accesses;
    }

    @Operation(summary = "Opens emergency access (clinical break-glass)", description = """
            {resource: {type, id, location?}, reason} by a signed-in clinician holding break_glass.open (at \
            location, when given): a shared_with relationship to that one resource until now + the tenant's \
            breakGlass.minutes, so their ASSIGNED grants reach it and nothing else. reason: 10 to 1000 \
            characters. Audited as BREAK_GLASS (details.kind "clinical"), alerted to the tenant's admins at once \
            (alert rule clinicalBreakGlass) and queued for review. 403 when breakGlass.enabled is off or the \
            permission is missing; 409 when the caller already has access to it; 429 with Retry-After beyond \
            10 openings an hour.""")
    @PostMapping("/api/v1/tenants/{tenant}/break-glass")
    ResponseEntity<EmergencyAccessView> open(@AuthenticationPrincipal Caller caller,
            @RequestBody EmergencyAccesses.OpenRequest body, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        EmergencyAccessView view = view(caller, accesses.open(caller, body, origin));
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/break-glass/" + view.id()))
                .body(view);
    }

    @Operation(summary = "The emergency access review queue", description = "Holders of break_glass.review see"
            + " the tenant's; anyone else their own. Filters: status (PENDING_REVIEW or REVIEWED), user (an id);"
            + " newest first.")
    @GetMapping("/api/v1/tenants/{tenant}/break-glass")
    Page<EmergencyAccessView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String user,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId tenantId) {
        EmergencyAccess.Status wanted = null;
        if (status != null) {
            try {
                wanted = EmergencyAccess.Status.valueOf(status);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("status", "must be PENDING_REVIEW or REVIEWED");
            }
        }
        UUID userId = user == null ? null
                : Ids.parse(user).orElseThrow(() -> ApiException.badRequest("user", "must be a user's id"));
        Page<EmergencyAccess> found = accesses.list(caller, wanted, userId, page, size);
        return new Page<>(found.items().stream().map(access -> view(caller, access)).toList(), found.page(),
                found.size(), found.total());
    }

    @Operation(summary = "One emergency access", description = "Its user's own, or any for a reviewer.")
    @GetMapping("/api/v1/tenants/{tenant}/break-glass/{id}")
    EmergencyAccessView get(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @PathTenant TenantId tenantId) {
        return view(caller, accesses.get(caller, Ids.inPath(id, "emergency access")));
    }

    @Operation(summary = "Reviews an emergency access", description = """
            {outcome: "JUSTIFIED"|"NOT_JUSTIFIED", note} by someone other than the user, holding \
            break_glass.review where it happened and covering the user. note is required when NOT_JUSTIFIED, \
            which also ends the access at once. Reviewed once: again is 409. Audited as BREAK_GLASS_REVIEWED.""")
    @PostMapping("/api/v1/tenants/{tenant}/break-glass/{id}/review")
    EmergencyAccessView review(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @RequestBody EmergencyAccesses.ReviewRequest body, Origin origin,
            @PathTenant TenantId tenantId) {
        return view(caller, accesses.review(caller, Ids.inPath(id, "emergency access"), body, origin));
    }

    @Operation(summary = "Ends one's own emergency access early", description = "Deletes the share; audited as"
            + " BREAK_GLASS_ENDED. It stays in the review queue. 409 when it has already ended or expired.")
    @PostMapping("/api/v1/tenants/{tenant}/break-glass/{id}/end")
    EmergencyAccessView end(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, Origin origin, @PathTenant TenantId tenantId) {
        return view(caller, accesses.end(caller, Ids.inPath(id, "emergency access"), origin));
    }

    private EmergencyAccessView view(Caller caller, EmergencyAccess access) {
        ReviewView review = access.outcome() == null ? null : new ReviewView(access.outcome().name(),
                access.reviewNote(), user(caller, access.reviewedBy()), access.reviewedAt());
        return new EmergencyAccessView(access.id().toString(), user(caller, access.user()),
                new ResourceView(access.resourceType(), access.resourceId(), access.location()), access.reason(),
                access.openedAt(), access.expiresAt(), access.endedAt(), accesses.isOpen(access),
                access.status().name(), review);
    }

    private UserView user(Caller caller, @Nullable UUID id) {
        return id == null ? new UserView("", "") : new UserView(id.toString(), accesses.username(caller, id));
    }
}
