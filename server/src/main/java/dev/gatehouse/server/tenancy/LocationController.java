package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.shared.TenantPaths;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * locations the caller may read: a location-scoped holder of {@code locations.read} sees the
 * locations at and below where they hold it. Creating and changing is checked at the place
 * concerned, so a location-scoped holder manages only at and below their own location, and only a
 * tenant-wide holder creates or moves locations at the top level.
 */
@RestController
class LocationController {

    static final int MAX_NAME = 200;

    record CreateLocation(@Nullable String name, @Nullable String parent) {}

    record LocationView(String id, String name, @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String parent,
            Instant createdAt) {
        static LocationView of(TenantLocation location) {
            return new LocationView(location.id().toString(), location.name(),
                    location.parent() == null ? null : location.parent().toString(), location.createdAt());
        }
    }

    /** A location-less resource: only a tenant-wide reach covers it (the top level of the tree). */
    private static final Resource TOP_LEVEL = new Resource("location", null, null, null, Set.of(), Map.of());

    private final LocationService service;
    private final TenantPaths tenants;
    private final Access access;
    private final Actors actors;

    LocationController(LocationService service, TenantPaths tenants, Access access, Actors actors) {
        this.service = service;
        this.tenants = tenants;
        this.access = access;
        this.actors = actors;
    }

    @Operation(summary = "The tenant's locations the caller may read, depth-first", description = "Requires"
            + " locations.read. A flat list in tree order: each location follows its parent, siblings by name;"
            + " build the tree from parent. A location-scoped holder sees the locations at and below theirs.")
    @GetMapping("/api/v1/tenants/{tenant}/locations")
    Page<LocationView> list(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        TenantId id = tenants.own(caller, tenant);
        access.require(caller, "locations.read", null);
        List<TenantLocation> visible = service.tree(id).stream()
                .filter(location -> access.allows(caller, "locations.read", at(location.id()))).toList();
        long from = Math.min((long) page * size, visible.size());
        long to = Math.min(from + size, visible.size());
        return new Page<>(visible.subList((int) from, (int) to).stream().map(LocationView::of).toList(), page, size,
                visible.size());
    }

    @GetMapping("/api/v1/tenants/{tenant}/locations/{id}")
    LocationView get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable UUID id) {
        TenantId tenantId = tenants.own(caller, tenant);
        access.require(caller, "locations.read", null);
        TenantLocation location = service.get(tenantId, id);
        access.require(caller, "locations.read", at(id));
        return LocationView.of(location);
    }

    @Operation(summary = "Creates a location", description = "Requires locations.create at the parent (tenant-wide"
            + " for a top-level location). Names are unique among siblings ignoring case (409).")
    @PostMapping("/api/v1/tenants/{tenant}/locations")
    ResponseEntity<LocationView> create(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @RequestBody CreateLocation request, HttpServletRequest http) {
        TenantId id = tenants.own(caller, tenant);
        access.require(caller, "locations.create", null);
        List<FieldError> errors = new ArrayList<>();
        String name = name(request.name(), errors);
        UUID parent = request.parent() == null ? null : uuid("parent", request.parent(), errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        access.require(caller, "locations.create", parent == null ? TOP_LEVEL : at(parent));
        TenantLocation created = service.create(id, name, parent, actors.origin(caller, http));
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant + "/locations/" + created.id()))
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
    LocationView update(@AuthenticationPrincipal Caller caller, @PathVariable String tenant, @PathVariable UUID id,
            @RequestBody JsonNode body, HttpServletRequest http) {
        TenantId tenantId = tenants.own(caller, tenant);
        access.require(caller, "locations.edit", null);
        List<FieldError> errors = new ArrayList<>();
        if (!body.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object {name?, parent?}");
        }
        for (String field : body.propertyNames()) {
            if (!field.equals("name") && !field.equals("parent")) {
                errors.add(new FieldError(field, "unknown field; a location has name and parent"));
            }
        }
        String name = null;
        JsonNode nameNode = body.get("name");
        if (nameNode != null && nameNode.isString()) {
            name = name(nameNode.asString(), errors);
        } else if (nameNode != null) {
            errors.add(new FieldError("name", "must be a string"));
        }
        boolean move = body.has("parent");
        UUID parent = null;
        JsonNode parentNode = body.get("parent");
        if (parentNode != null && !parentNode.isNull()) {
            if (parentNode.isString()) {
                parent = uuid("parent", parentNode.asString(), errors);
            } else {
                errors.add(new FieldError("parent", "must be a location id or null"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        service.get(tenantId, id);
        access.require(caller, "locations.edit", at(id));
        if (move) {
            access.require(caller, "locations.edit", parent == null ? TOP_LEVEL : at(parent));
        }
        return LocationView.of(service.update(tenantId, id, name, move, parent, actors.origin(caller, http)));
    }

    @Operation(summary = "Deletes a location", description = "Requires locations.delete at the location. 409 while"
            + " it has child locations or role assignments.")
    @DeleteMapping("/api/v1/tenants/{tenant}/locations/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @PathVariable UUID id, HttpServletRequest http) {
        TenantId tenantId = tenants.own(caller, tenant);
        access.require(caller, "locations.delete", null);
        service.get(tenantId, id);
        access.require(caller, "locations.delete", at(id));
        service.delete(tenantId, id, actors.origin(caller, http));
        return ResponseEntity.noContent().build();
    }

    private static Resource at(UUID location) {
        return Resource.at(location.toString());
    }

    private static String name(@Nullable String name, List<FieldError> errors) {
        if (name == null || name.isBlank()) {
            errors.add(new FieldError("name", "is required"));
            return "";
        }
        String stripped = name.strip();
        if (stripped.length() > MAX_NAME) {
            errors.add(new FieldError("name", "at most " + MAX_NAME + " characters"));
        } else if (stripped.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", "must not contain control characters"));
        }
        return stripped;
    }

    private static @Nullable UUID uuid(String field, String text, List<FieldError> errors) {
        try {
            if (text.length() == 36) {
                return UUID.fromString(text);
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        errors.add(new FieldError(field, "must be a location id (a UUID)"));
        return null;
    }
}
