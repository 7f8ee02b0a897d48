package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.tenancy.Tenant;
import dev.gatehouse.server.tenancy.TenantEdits;
import dev.gatehouse.server.tenancy.TenantOnboarding;
import dev.gatehouse.server.tenancy.TenantService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriUtils;

/**
 * Operators › Tenants: the tenants of the platform, and a new one from a role pack with its first
 * admin, through {@link TenantOnboarding} like {@code POST /api/v1/tenants}, and a rename through
 * {@link TenantEdits} like {@code PATCH /api/v1/tenants/{tenant}}. The first admin's
 * invitation link (when no password was set) is shown once, on the answer to the form, and never
 * put in a URL.
 */
@Controller
class TenantsController {

    static final String PATH = "/console/tenants";
    static final int PAGE_SIZE = 50;

    /** The form's fields are named as the API's body ({@code admin.username}), so its field errors fit. */
    private static final Map<String, String> EMPTY_FORM = Map.of("pack", "clinic");

    private final TenantOnboarding onboarding;
    private final TenantEdits edits;
    private final Access access;
    private final Actors actors;

    TenantsController(TenantOnboarding onboarding, TenantEdits edits, Access access, Actors actors) {
        this.onboarding = onboarding;
        this.edits = edits;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping(PATH)
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "0") int page, Model model) {
        return page(caller, Math.max(page, 0), EMPTY_FORM, model);
    }

    @PostMapping(PATH)
    String create(@AuthenticationPrincipal Caller caller, @RequestParam Map<String, String> form, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        TenantService.Created created;
        try {
            created = onboarding.create(caller, new TenantOnboarding.NewTenant(given(form, "slug"), given(form, "name"),
                    given(form, "pack"), null, new TenantOnboarding.NewAdmin(given(form, "admin.username"),
                            given(form, "admin.email"), given(form, "admin.firstName"), given(form, "admin.lastName"),
                            given(form, "admin.password"))), origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(e.status().value());
            Map<String, String> kept = new java.util.HashMap<>(form);
            kept.remove("admin.password");
            return page(caller, 0, kept, model);
        }
        model.addAttribute("created", created);
        return "console/tenants/created";
    }

    /** Renames a tenant ({@code tenants.edit}) through the service behind {@code PATCH /api/v1/tenants/{tenant}}. */
    @PostMapping(PATH + "/{tenant}/name")
    String rename(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String name, Model model, Origin origin,
            HttpServletResponse response, @PathTenant(PathTenant.For.OPERATOR) TenantPaths.TenantRef tenant) {
        try {
            edits.renameTo(caller, tenant, name, actors.actor(caller), origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            String why = e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().message();
            model.addAttribute("errors", FormErrors.summary("The new name of " + tenant.slug() + " " + why + "."));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return page(caller, 0, EMPTY_FORM, model);
        }
        return "redirect:" + PATH + "?renamed=" + UriUtils.encodeQueryParam(tenant.slug(), StandardCharsets.UTF_8);
    }

    private String page(Caller caller, int page, Map<String, String> form, Model model) {
        Page<Tenant> tenants = onboarding.list(caller, page, PAGE_SIZE);
        model.addAttribute("tenants", tenants);
        model.addAttribute("hasNext", (long) (page + 1) * PAGE_SIZE < tenants.total());
        model.addAttribute("packs", onboarding.packs());
        model.addAttribute("form", form);
        model.addAttribute("mayRename", access.allows(caller, "tenants.edit", null));
        return "console/tenants/list";
    }

    private static @Nullable String given(Map<String, String> form, String name) {
        String value = form.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
