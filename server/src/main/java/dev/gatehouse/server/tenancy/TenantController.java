package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Tenants, for platform operators (docs/api.md, "Bootstrap and tenants"). */
@RestController
class TenantController {

    record AdminCreated(String id, @Nullable String invitationUrl) {}

    record TenantCreated(String id, String slug, String name, String pack, AdminCreated admin) {}

    record TenantView(String id, String slug, String name, String pack, @Nullable String parent, String status,
            Instant createdAt) {
        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id().toString(), tenant.slug(), tenant.name(), tenant.pack(),
                    tenant.parent() == null ? null : tenant.parent().toString(), tenant.status(), tenant.createdAt());
        }
    }

    private final TenantOnboarding onboarding;
    private final TenantEdits edits;
    private final TenantDeletion deletion;
    private final Actors actors;

    TenantController(TenantOnboarding onboarding, TenantEdits edits, TenantDeletion deletion, Actors actors) {
        this.onboarding = onboarding;
        this.edits = edits;
        this.deletion = deletion;
        this.actors = actors;
    }

    @PostMapping("/api/v1/tenants")
    ResponseEntity<TenantCreated> create(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody TenantOnboarding.NewTenant request, Origin origin) {
        TenantService.Created created = onboarding.create(caller, request, origin);
        Tenant tenant = created.tenant();
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug()))
                .body(new TenantCreated(tenant.id().toString(), tenant.slug(), tenant.name(), tenant.pack(),
                        new AdminCreated(created.adminId().toString(), created.invitationUrl())));
    }

    @GetMapping("/api/v1/tenants")
    Page<TenantView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        Page<Tenant> found = onboarding.list(caller, page, size);
        return new Page<>(found.items().stream().map(TenantView::of).toList(), page, size, found.total());
    }

    @GetMapping("/api/v1/tenants/{tenant}")
    TenantView get(@AuthenticationPrincipal Caller caller,
            @PathTenant(PathTenant.For.OPERATOR) TenantPaths.TenantRef tenant) {
        return TenantView.of(onboarding.get(caller, tenant));
    }

    /**
     * {@code {name?, status?: "ACTIVE"|"SUSPENDED", parent?, reason?}} → the tenant changed, all or
     * nothing; {@code tenants.edit} for name and parent, {@code tenants.suspend} for status.
     */
    @PatchMapping("/api/v1/tenants/{tenant}")
    TenantView edit(@AuthenticationPrincipal Caller caller, @RequestBody(required = false) @Nullable String body,
            Origin origin, @PathTenant(PathTenant.For.OPERATOR) TenantPaths.TenantRef tenant) {
        return TenantView.of(edits.edit(caller, tenant, body, actors.actor(caller), origin));
    }

    /** Deletes a suspended tenant after archiving its trail → 200 {@code {slug, archive, sha256, events}}. */
    @DeleteMapping("/api/v1/tenants/{tenant}")
    TenantDeletion.Deleted delete(@AuthenticationPrincipal Caller caller, Origin origin,
            @PathTenant(PathTenant.For.OPERATOR) TenantPaths.TenantRef tenant) {
        return deletion.delete(caller, tenant, actors.actor(caller), origin);
    }
}
