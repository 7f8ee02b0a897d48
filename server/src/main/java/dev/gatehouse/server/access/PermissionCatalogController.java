package dev.gatehouse.server.access;

import dev.gatehouse.engine.Permission;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tenant's permission catalog (docs/api.md, "Roles, permissions, locations"): read it as a
 * plain array {@code [{key, description, kind, source}]}; applications register their own keys.
 */
@RestController
class PermissionCatalogController {

    static final int MAX_DESCRIPTION = 500;

    record RegisterPermission(@Nullable String key, @Nullable String description) {}

    /** {@code source} is PACK (shipped with Gatehouse) or APPLICATION (registered by the tenant). */
    record PermissionView(String key, String description, String kind, String source) {
        static PermissionView of(Permissions.Entry entry) {
            return new PermissionView(entry.key(), entry.description(), entry.kind().name(), entry.source().name());
        }
    }

    private final PermissionCatalogService catalog;
    private final Access access;
    private final Actors actors;

    PermissionCatalogController(PermissionCatalogService catalog, Access access, Actors actors) {
        this.catalog = catalog;
        this.access = access;
        this.actors = actors;
    }

    @Operation(summary = "The tenant's permission catalog, as a plain array", description = "Requires roles.read."
            + " source is PACK (shipped with Gatehouse) or APPLICATION (registered by the tenant's applications).")
    @GetMapping("/api/v1/tenants/{tenant}/permissions")
    List<PermissionView> list(@AuthenticationPrincipal Caller caller,
            @PathTenant TenantId id) {
        return catalog.list(caller, id).stream().map(PermissionView::of).toList();
    }

    @Operation(summary = "Registers an application's own permission key", description = "Requires roles.edit. The"
            + " key is resource.action or resource.action.qualifier; its kind follows its prefix (widgets.,"
            + " pages.). A key already in the catalog is a 409. Existing wildcard grants (*, resource.*) cover a"
            + " new key at once.")
    @PostMapping("/api/v1/tenants/{tenant}/permissions")
    ResponseEntity<PermissionView> register(@AuthenticationPrincipal Caller caller,
            @RequestBody RegisterPermission request, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        access.require(caller, "roles.edit", null);
        List<FieldError> errors = new ArrayList<>();
        String key = request.key() == null ? "" : request.key().strip();
        if (key.isEmpty()) {
            errors.add(new FieldError("key", "is required"));
        } else if (!Permission.isValidKey(key)) {
            errors.add(new FieldError("key", "a permission key is resource.action or resource.action.qualifier: up to 6"
                    + " dot-separated segments of letters, digits, _ or -, each starting with a letter, at most "
                    + Permission.MAX_KEY_LENGTH + " characters"));
        }
        String description = request.description() == null ? "" : request.description().strip();
        if (description.length() > MAX_DESCRIPTION) {
            errors.add(new FieldError("description", "at most " + MAX_DESCRIPTION + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        Permissions.Entry entry = catalog.register(tenant.id(), Permission.of(key, description), actors.actor(caller),
                origin);
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/permissions"))
                .body(PermissionView.of(entry));
    }
}
