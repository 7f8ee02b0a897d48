package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.tenancy.Tenant;
import dev.gatehouse.server.tenancy.TenantDeletion;
import dev.gatehouse.server.tenancy.TenantEdits;
import dev.gatehouse.server.tenancy.TenantOnboarding;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
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
 * Operators › Tenants › one tenant (issue 16): suspend it with a reason and a confirmation,
 * reactivate it, move it under another tenant or detach it, and delete it once suspended by typing
 * its slug. Every form goes through the services behind {@code PATCH} and {@code DELETE
 * /api/v1/tenants/{tenant}}, so the console refuses what the API refuses; a refusal of the input
 * (400) or of the state (409) is shown on the page, anything else is the console's error page.
 */
@Controller
class TenantPageController {

    private final TenantOnboarding onboarding;
    private final TenantEdits edits;
    private final TenantDeletion deletion;
    private final Access access;
    private final Actors actors;

    TenantPageController(TenantOnboarding onboarding, TenantEdits edits, TenantDeletion deletion, Access access,
            Actors actors) {
        this.onboarding = onboarding;
        this.edits = edits;
        this.deletion = deletion;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping(TenantsController.PATH + "/{tenant}")
    String show(@AuthenticationPrincipal Caller caller, Model model,
            @PathTenant(PathTenant.For.OPERATOR) TenantPaths.TenantRef tenant) {
        return page(caller, onboarding.get(caller, tenant), model);
    }

    /** Suspends (with a reason, once confirmed) or reactivates, as {@code PATCH {status, reason}}. */
    @PostMapping(TenantsController.PATH + "/{tenant}/status")
    String status(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String status, @RequestParam(required = false) @Nullable String reason,
            @RequestParam(required = false) @Nullable String confirm, Model model, Origin origin,
            HttpServletResponse response, @PathTenant(PathTenant.For.OPERATOR) TenantPaths.TenantRef tenant) {
        if ("SUSPENDED".equals(status) && !"yes".equals(confirm)) {
            return refused(caller, tenant, "Tick the box to confirm: everyone of this organisation is signed out and"
                    + " can do nothing until it is reactivated.", HttpStatus.BAD_REQUEST, model, response);
        }
        return attempt(caller, tenant, model, response, () -> edits.change(caller, tenant,
                TenantEdits.Change.status(status, reason), actors.actor(caller), origin),
                "SUSPENDED".equals(status) ? "suspended" : "reactivated");
    }

    /** Moves under the tenant given (slug), or detaches with none, as {@code PATCH {parent}}. */
    @PostMapping(TenantsController.PATH + "/{tenant}/parent")
    String parent(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String parent, Model model, Origin origin,
            HttpServletResponse response, @PathTenant(PathTenant.For.OPERATOR) TenantPaths.TenantRef tenant) {
        return attempt(caller, tenant, model, response, () -> edits.change(caller, tenant,
                TenantEdits.Change.parent(parent), actors.actor(caller), origin), "moved");
    }

    /** Deletes a suspended tenant once its slug is typed, as {@code DELETE /api/v1/tenants/{tenant}}. */
    @PostMapping(TenantsController.PATH + "/{tenant}/delete")
    String delete(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String confirmSlug, Model model, Origin origin,
            HttpServletResponse response, @PathTenant(PathTenant.For.OPERATOR) TenantPaths.TenantRef tenant) {
        Tenant found = onboarding.get(caller, tenant);
        if (confirmSlug == null || !confirmSlug.strip().equals(found.slug())) {
            return refused(caller, tenant, "Type the slug " + found.slug() + " exactly to confirm the deletion.",
                    HttpStatus.BAD_REQUEST, model, response);
        }
        TenantDeletion.Deleted deleted;
        try {
            deleted = deletion.delete(caller, tenant, actors.actor(caller), origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.CONFLICT && e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            return refused(caller, tenant, e.getMessage(), e.status(), model, response);
        }
        model.addAttribute("deleted", deleted);
        return "console/tenants/deleted";
    }

    private String attempt(Caller caller, TenantPaths.TenantRef tenant, Model model, HttpServletResponse response,
            Supplier<Tenant> change, String done) {
        Tenant changed;
        try {
            changed = change.get();
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT) {
                throw e;
            }
            String why = e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().field() + " "
                    + e.errors().getFirst().message();
            return refused(caller, tenant, why, e.status(), model, response);
        }
        return "redirect:" + TenantsController.PATH + "/" + UriUtils.encodePathSegment(changed.slug(),
                StandardCharsets.UTF_8) + "?" + done;
    }

    private String refused(Caller caller, TenantPaths.TenantRef tenant, String why, HttpStatus status, Model model,
            HttpServletResponse response) {
        model.addAttribute("errors", FormErrors.summary(why));
        response.setStatus(status.value());
        return page(caller, onboarding.get(caller, tenant), model);
    }

    private String page(Caller caller, Tenant tenant, Model model) {
        model.addAttribute("tenant", tenant);
        model.addAttribute("parentSlug", onboarding.parentSlug(caller, tenant));
        model.addAttribute("maySuspend", access.allows(caller, "tenants.suspend", null));
        model.addAttribute("mayMove", access.allows(caller, "tenants.edit", null));
        model.addAttribute("mayDelete", access.allows(caller, "tenants.delete", null));
        return "console/tenants/tenant";
    }
}
