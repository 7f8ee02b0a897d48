package dev.gatehouse.server.tenancy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * A tenant's locations (docs/api.md, "Roles, permissions, locations"). The list is flat, in
 * depth-first order (each location follows its parent, siblings by name), and holds only the
 * locations the caller may read. Who may create and change where is {@link LocationService}'s.
 */
@RestController
class LocationController {

    record CreateLocation(@Nullable String name, @Nullable String parent) {}

    record LocationView(String id, String name, @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String parent,
            Instant createdAt) {
        static LocationView of(TenantLocation location) {
            return new LocationView(location.id().toString(), location.name(),
                    location.parent() == null ? null : location.parent().toString(), location.createdAt());
        }
    }

    private final LocationService service;
    private final Actors actors;

    LocationController(LocationService service, Actors actors) {
        this.service = service;
        this.actors = actors;
    }

    @Operation(summary = "The tenant's locations the caller may read, depth-first", description = "Requires"
            + " locations.read. A flat list in tree order: each location follows its parent, siblings by name;"
            + " build the tree from parent. A location-scoped holder sees the locations at and below theirs.")
    @GetMapping("/api/v1/tenants/{tenant}/locations")
    Page<LocationView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId id) {
        List<TenantLocation> visible = service.visible(caller, id);
        long from = Math.min((long) page * size, visible.size());
        long to = Math.min(from + size, visible.size());
        return new Page<>(visible.subList((int) from, (int) to).stream().map(LocationView::of).toList(), page, size,
                visible.size());
    }

    @GetMapping("/api/v1/tenants/{tenant}/locations/{id}")
    LocationView get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @PathTenant TenantId tenantId) {
        return LocationView.of(service.get(caller, tenantId, id));
    }

    @Operation(summary = "Creates a location", description = "Requires locations.create at the parent (tenant-wide"
            + " for a top-level location). Names are unique among siblings ignoring case (409).")
    @PostMapping("/api/v1/tenants/{tenant}/locations")
    ResponseEntity<LocationView> create(@AuthenticationPrincipal Caller caller,
            @RequestBody CreateLocation request, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        TenantLocation created = service.create(caller, tenant.id(), request.name(), request.parent(),
                actors.actor(caller), origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/locations/" + created.id()))
                .body(LocationView.of(created));
    }

    /**
     * {@code {name?, parent?}}: renames, and with {@code parent} (another location's id, or null for
     * the top level) moves.
     */
    @Operation(summary = "Renames and/or moves a location", description = "Requires locations.edit at the location"
            + " and, for a move, at the new parent (tenant-wide for parent null: the top level). Moving under"
            + " itself or a descendant is a 400 naming parent.")
    @PatchMapping("/api/v1/tenants/{tenant}/locations/{id}")
    LocationView update(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            @RequestBody JsonNode body, Origin origin, @PathTenant TenantId tenantId) {
        List<FieldError> problems = new ArrayList<>();
        if (!body.isObject()) {
            problems.add(new FieldError("body", "must be a JSON object {name?, parent?}"));
            return LocationView.of(service.update(caller, tenantId, id,
                    new LocationService.Change(null, false, null, problems), actors.actor(caller), origin));
        }
        for (String field : body.propertyNames()) {
            if (!field.equals("name") && !field.equals("parent")) {
                problems.add(new FieldError(field, "unknown field; a location has name and parent"));
            }
        }
        String name = null;
        JsonNode nameNode = body.get("name");
        if (nameNode != null && nameNode.isString()) {
            name = nameNode.asString();
        } else if (nameNode != null) {
            problems.add(new FieldError("name", "must be a string"));
        }
        String parent = null;
        JsonNode parentNode = body.get("parent");
        if (parentNode != null && !parentNode.isNull()) {
            if (parentNode.isString()) {
                parent = parentNode.asString();
            } else {
                problems.add(new FieldError("parent", "must be a location id or null"));
            }
        }
        return LocationView.of(service.update(caller, tenantId, id,
                new LocationService.Change(name, body.has("parent"), parent, problems), actors.actor(caller), origin));
    }

    @Operation(summary = "Deletes a location", description = "Requires locations.delete at the location. 409 while"
            + " it has child locations or role assignments.")
    @DeleteMapping("/api/v1/tenants/{tenant}/locations/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, Origin origin, @PathTenant TenantId tenantId) {
        service.delete(caller, tenantId, id, actors.actor(caller), origin);
        return ResponseEntity.noContent().build();
    }
}
