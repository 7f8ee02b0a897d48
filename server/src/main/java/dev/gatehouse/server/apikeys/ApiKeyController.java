package dev.gatehouse.server.apikeys;

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
import java.util.List;
import java.util.Map;
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

/** {@code …/api-keys} (docs/api.md, "Applications"). */
@RestController
class ApiKeyController {

    /** {@code 201} of a new key: the secret {@code key} is in this answer and nowhere else, ever. */
    record CreatedKey(String id, String name, String prefix, String key, List<String> scopes, List<String> locations,
            String owner, Instant expiresAt, Map<String, Integer> rateLimit) {}

    /** {@code 201} of a rotation: the new secret, and until when the previous one still works. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record RotatedKey(String id, String prefix, String key, @Nullable Instant previousWorksUntil) {}

    record Rotation(@Nullable Integer overlapHours) {}

    private final ApiKeys keys;

    ApiKeyController(ApiKeys keys) {
        this.keys = keys;
    }

    @Operation(summary = "Makes an API key", description = """
            A key of the caller, or, with serviceAccount, of that user (needs users.edit and covering them). \
            scopes: permission keys or patterns of the tenant's catalog (patients.read, patients.*, *); \
            locations: ids of the tenant's locations (the key then reaches only resources there). The key acts \
            as its owner narrowed to both, never more than the owner holds at the time. expiresAt defaults to \
            and is capped by the tenant's apiKeyPolicy; rateLimit {requests, perSeconds} defaults to it too. \
            The answer's key is shown this once; only its hash is stored. Needs a signed-in session.""")
    @PostMapping("/api/v1/tenants/{tenant}/api-keys")
    ResponseEntity<CreatedKey> create(@AuthenticationPrincipal Caller caller,
            @RequestBody ApiKeys.NewKey body, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        ApiKeys.Issued issued = keys.create(caller, tenant.id(), body, origin);
        ApiKeyView key = issued.key();
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/api-keys/" + key.id()))
                .body(new CreatedKey(key.id(), key.name(), key.prefix(), issued.secret(), key.scopes(),
                        key.locations(), key.owner(), key.expiresAt(), key.rateLimit()));
    }

    @Operation(summary = "The API keys the caller may see", description = "The caller's own keys, and, with"
            + " users.read, those of the users they cover (service accounts); owner filters by the owner's id.")
    @GetMapping("/api/v1/tenants/{tenant}/api-keys")
    Page<ApiKeyView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String owner,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId tenantId) {
        UUID ownerId = owner == null || owner.isBlank() ? null : Ids.parse(owner.strip())
                .orElseThrow(() -> ApiException.badRequest("owner", "is not a user id"));
        List<ApiKeyView> visible = keys.list(caller, tenantId, ownerId);
        long from = Math.min((long) page * size, visible.size());
        long to = Math.min(from + size, visible.size());
        return new Page<>(visible.subList((int) from, (int) to), page, size, visible.size());
    }

    @GetMapping("/api/v1/tenants/{tenant}/api-keys/{id}")
    ApiKeyView get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @PathTenant TenantId tenantId) {
        return keys.get(caller, tenantId, Ids.inPath(id, "API key"));
    }

    @Operation(summary = "Rotates an API key's secret", description = "A new secret, shown once; the previous one"
            + " keeps working for overlapHours (0 to 168, default 24; 0 ends it at once, never beyond the key's"
            + " expiry). Needs a signed-in session.")
    @PostMapping("/api/v1/tenants/{tenant}/api-keys/{id}/rotate")
    ResponseEntity<RotatedKey> rotate(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @RequestBody(required = false) @Nullable Rotation body, Origin origin,
            @PathTenant TenantId tenantId) {
        ApiKeys.Issued issued = keys.rotate(caller, tenantId, Ids.inPath(id, "API key"),
                body == null ? null : body.overlapHours(), origin);
        ApiKeyView key = issued.key();
        return ResponseEntity.status(201).body(new RotatedKey(key.id(), key.prefix(), issued.secret(),
                key.previousWorksUntil()));
    }

    @Operation(summary = "Revokes an API key", description = "At once: refused on every node within a second.")
    @DeleteMapping("/api/v1/tenants/{tenant}/api-keys/{id}")
    ResponseEntity<Void> revoke(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, Origin origin, @PathTenant TenantId tenantId) {
        keys.revoke(caller, tenantId, Ids.inPath(id, "API key"), origin);
        return ResponseEntity.noContent().build();
    }
}
