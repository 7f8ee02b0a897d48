package dev.gatehouse.server.tenancy;

import dev.gatehouse.engine.packs.RolePack;
import dev.gatehouse.engine.packs.RolePacks;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.authentication.PasswordPolicy;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * What platform operators do with tenants (docs/api.md, "Bootstrap and tenants"): list them and
 * create one from a role pack with its first admin. The API and the console both come here, so the
 * operator check, the input rules and the first admin's password policy are the same for both.
 */
@Service
public class TenantOnboarding {

    /** The first admin; without a password they get an invitation link (and an e-mail when they have an address). */
    public record NewAdmin(
            @NotBlank @Size(min = 3, max = 64) String username,
            @Nullable @Email @Size(max = 320) String email,
            @NotBlank @Size(max = 100) String firstName,
            @NotBlank @Size(max = 100) String lastName,
            @Nullable @Size(max = 1024) String password) {}

    public record NewTenant(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{1,62}", message = "2 to 63 lower-case letters, digits or -") String slug,
            @NotBlank @Size(max = 200) String name,
            @NotBlank String pack,
            @Nullable String parent,
            @NotNull @Valid NewAdmin admin) {}

    private final TenantService service;
    private final Tenants tenants;
    private final Access access;
    private final Passwords passwords;
    private final PasswordPolicy passwordPolicy;
    private final Validator validator;

    private final Actors actors;

    TenantOnboarding(TenantService service, Tenants tenants, Access access, Passwords passwords,
            PasswordPolicy passwordPolicy, Validator validator, Actors actors) {
        this.actors = actors;
        this.service = service;
        this.tenants = tenants;
        this.access = access;
        this.passwords = passwords;
        this.passwordPolicy = passwordPolicy;
        this.validator = validator;
    }

    /** The built-in role packs a tenant can start from. */
    public List<String> packs() {
        return TenantService.packNames();
    }

    /**
     * @throws ApiException 403 unless the caller is a platform operator holding tenants.read
     */
    public Page<Tenant> list(Caller caller, int page, int size) {
        requireOperator(caller, "tenants.read");
        return new Page<>(tenants.page(page, size), page, size, tenants.count());
    }

    /**
     * The tenant a path names (shared.TenantPaths#actedInBy: any tenant for an operator, a member's
     * own or one they reach below it): its own users may read it, anyone else must be an operator.
     *
     * @throws ApiException 404 to a tenant's user for any tenant but their own (a 403 would tell them
     *     it exists); 403 for an operator without tenants.read
     */
    public Tenant get(Caller caller, TenantPaths.TenantRef tenant) {
        Tenant found = tenants.find(tenant.id()).orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
        return readableBy(caller, found, tenant.slug());
    }

    /**
     * The slug of the tenant's parent, for its page; refusals as {@link #get} (the child's own users
     * never learn which organisation is above it).
     */
    public @Nullable String parentSlug(Caller caller, Tenant tenant) {
        if (tenant.parent() == null) {
            return null;
        }
        String named = tenant.parent().toString();
        Tenant parent = tenants.find(tenant.parent()).orElseThrow(() -> ApiException.notFound("tenant " + named));
        return readableBy(caller, parent, named).slug();
    }

    private Tenant readableBy(Caller caller, Tenant found, String named) {
        if (!found.id().equals(caller.tenant())) {
            if (!caller.isPlatformOperator()) {
                throw ApiException.notFound("tenant " + named);
            }
            requireOperator(caller, "tenants.read");
        }
        return found;
    }

    /**
     * Creates the tenant and its first admin; their invitation link, when they have no password, is
     * in the result (to hand over once) and mailed when they have an address.
     *
     * @throws ApiException 403 unless the caller is a platform operator holding tenants.create, 400
     *     naming each field at fault ({@code slug}, {@code admin.password}, …), 409 for a taken slug
     */
    public TenantService.Created create(Caller caller, NewTenant request, Origin origin) {
        requireOperator(caller, "tenants.create");
        List<FieldError> invalid = validator.validate(request).stream()
                .map(violation -> new FieldError(violation.getPropertyPath().toString(), violation.getMessage()))
                .sorted(Comparator.comparing(FieldError::field)).toList();
        if (!invalid.isEmpty()) {
            throw ApiException.badRequest(invalid);
        }
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
        return service.create(request.slug(), request.name().strip(), pack, parent,
                new TenantService.FirstAdmin(request.admin().username().strip(), blankToNull(request.admin().email()),
                        request.admin().firstName().strip(), request.admin().lastName().strip(), hash),
                actors.actor(caller), caller.tenant(), origin);
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
