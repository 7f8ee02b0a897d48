package dev.gatehouse.server.accessreviews;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.users.TenantScope;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Access review campaigns (docs/api.md, "Temporary access"). */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/access-reviews")
class AccessReviewController {

    private final AccessReviews reviews;

    AccessReviewController(AccessReviews reviews) {
        this.reviews = reviews;
    }

    @Operation(summary = "Opens a campaign", description = "Requires access_reviews.manage. Items: one per user ×"
            + " assignment in scope, snapshot now. reviewer MANAGER or a user id; defaultDecision REVOKE unless KEEP.")
    @PostMapping
    ResponseEntity<ReviewViews.ReviewDetail> create(@AuthenticationPrincipal Caller caller,
            @RequestBody ReviewRequests.Create request, @PathTenant TenantPaths.TenantRef tenant,
            Origin origin) {
        ReviewViews.ReviewDetail created = reviews.create(caller, tenant.id(), request, origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/access-reviews/"
                + created.review().id())).body(created);
    }

    @Operation(summary = "Lists campaigns", description = "All with access_reviews.manage; otherwise those with items"
            + " for the caller to review. status OPEN or COMPLETED.")
    @GetMapping
    Page<ReviewViews.ReviewView> list(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        return reviews.list(caller, tenantId, status, page, size);
    }

    @GetMapping("/{id}")
    ReviewViews.ReviewDetail get(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId,
            @PathVariable UUID id) {
        return reviews.get(caller, tenantId, id);
    }

    @Operation(summary = "Decides one item", description = "By the item's reviewer only. REVOKE removes the"
            + " assignment at once; the last decision completes the campaign.")
    @PostMapping("/{id}/items/{itemId}")
    ReviewViews.ItemView decide(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @PathVariable UUID itemId, @RequestBody ReviewRequests.Decide request,
            Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        // A revocation acts as the users API does, with the pack's admin role: the users' scope of the tenant.
        return reviews.decide(caller, TenantScope.of(tenant), id, itemId, request, origin);
    }

    @Operation(summary = "The campaign's report", description = "Requires access_reviews.manage: every item, its"
            + " decision, who, when, the note and the outcome, with counts.")
    @GetMapping("/{id}/report")
    ReviewViews.Report report(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId,
            @PathVariable UUID id) {
        return reviews.report(caller, tenantId, id);
    }

    @Operation(summary = "The campaign's report as CSV", description = "The same rows as the JSON report.")
    @GetMapping(value = "/{id}/report.csv", produces = "text/csv")
    ResponseEntity<byte[]> reportCsv(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId tenantId,
            @PathVariable UUID id) {
        ReviewViews.Report report = reviews.report(caller, tenantId, id);
        return ResponseEntity.ok()
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("access-review-" + id + ".csv").build().toString())
                .body(ReportCsv.of(report).getBytes(StandardCharsets.UTF_8));
    }
}
