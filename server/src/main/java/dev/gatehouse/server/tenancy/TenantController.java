package dev.gatehouse.server.tenancy;

import dev.gatehouse.engine.packs.RolePack;
import dev.gatehouse.engine.packs.RolePacks;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.authentication.PasswordPolicy;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Page;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Tenants, for platform operators (docs/api.md, "Bootstrap and tenants"). */
@RestController
class TenantController {

    record AdminRequest(
            @NotBlank @Size(min = 3, max = 64) String username,
            @Nullable @Email @Size(max = 320) String email,
            @NotBlank @Size(max = 100) String firstName,
            @NotBlank @Size(max = 100) String lastName,
            @Nullable @Size(max = 1024) String password) {}

    record CreateTenant(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}", message = "2 to 63 lower-case letters, digits or -") String slug,
            @NotBlank @Size(max = 200) String name,
            @NotBlank String pack,
            @Nullable String parent,
            @NotNull @Valid AdminRequest admin) {}

    record AdminCreated(String id, @Nullable String invitationUrl) {}

    record TenantCreated(String id, String slug, String name, String pack, AdminCreated admin) {}

    record TenantView(String id, String slug, String name, String pack, @Nullable String parent, String status,
            Instant createdAt) {
        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id().toString(), tenant.slug(), tenant.name(), tenant.pack(),
                    tenant.parent() == null ? null : tenant.parent().toString(), tenant.status(), tenant.createdAt());
        }
    }

    private final TenantService service;
    private final Tenants tenants;
    private final Access access;
    private final Passwords passwords;
    private final PasswordPolicy passwordPolicy;
    private final Actors actors;

    TenantController(TenantService service, Tenants tenants, Access access, Passwords passwords,
            PasswordPolicy passwordPolicy, Actors actors) {
        this.actors = actors;
        this.passwordPolicy = passwordPolicy;
        this.service = service;
        this.tenants = tenants;
        this.access = access;
        this.passwords = passwords;
    }

    @PostMapping("/api/v1/tenants")
    ResponseEntity<TenantCreated> create(@AuthenticationPrincipal Caller caller, @Valid @RequestBody CreateTenant request,
            HttpServletRequest http) {
        requireOperator(caller, "tenants.create");
        if (request.slug().equals(Caller.PLATFORM)) {
            throw ApiException.badRequest("slug", "platform is reserved");
        }
        if (!RolePacks.exists(request.pack())) {
            throw ApiException.badRequest("pack", "unknown pack; one of " + RolePacks.BUILT_IN);
        }
        RolePack pack = RolePacks.builtIn(request.pack());
        Tenant parent = null;
        if (request.parent() != null) {
            parent = tenants.find(request.parent()).filter(t -> !t.slug().equals(Caller.PLATFORM))
                    .orElseThrow(() -> ApiException.badRequest("parent", "no such tenant"));
        }
        String hash = null;
        if (request.admin().password() != null) {
            // A new tenant starts with the default policy; its own name and slug are context words.
            passwordPolicy.requireForNewTenant("admin.password", request.admin().password(), request.name().strip(),
                    request.slug(), request.admin().username().strip(), blankToNull(request.admin().email()));
            hash = passwords.hash(request.admin().password());
        }
        TenantService.Created created = service.create(request.slug(), request.name().strip(), pack, parent,
                new TenantService.FirstAdmin(request.admin().username().strip(), blankToNull(request.admin().email()),
                        request.admin().firstName().strip(), request.admin().lastName().strip(), hash),
                actors.origin(caller, http));
        Tenant tenant = created.tenant();
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug()))
                .body(new TenantCreated(tenant.id().toString(), tenant.slug(), tenant.name(), tenant.pack(),
                        new AdminCreated(created.adminId().toString(), created.invitationUrl())));
    }

    @GetMapping("/api/v1/tenants")
    Page<TenantView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        requireOperator(caller, "tenants.read");
        return new Page<>(tenants.page(page, size).stream().map(TenantView::of).toList(), page, size, tenants.count());
    }

    @GetMapping("/api/v1/tenants/{tenant}")
    TenantView get(@AuthenticationPrincipal Caller caller, @PathVariable String tenant) {
        Tenant found = tenants.find(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant));
        // A tenant's own users may read their tenant; anyone else must be an operator.
        if (!found.id().equals(caller.tenant())) {
            requireOperator(caller, "tenants.read");
        }
        return TenantView.of(found);
    }

    private void requireOperator(Caller caller, String permission) {
        if (!caller.isPlatformOperator()) {
            throw ApiException.forbidden("only platform operators manage tenants");
        }
        access.require(caller, permission, null);
    }

    private static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
