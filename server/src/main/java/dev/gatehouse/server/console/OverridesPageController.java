package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.overrides.Overrides;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Platform overrides as a tenant's administrators see them (seed 002 §3.2, issue 16): every time a platform
 * operator took the organisation's administrator role — who, why, when, until when, who ended it — and
 * "End now" for an active one. The section needs {@code audit.read}, as {@code GET …/overrides} does;
 * ending goes through {@link Overrides#end}, which asks {@code users.edit}, so the button shows only to
 * those who hold it and a refusal is shown on the page.
 */
@Controller
class OverridesPageController {

    static final String PATH = "/console/overrides";
    /** What {@code DELETE …/overrides/{id}} asks of a tenant's user ({@code Overrides.TENANT_END}). */
    private static final String END = "users.edit";

    private final Overrides overrides;
    private final Access access;
    private final TenantPaths paths;

    OverridesPageController(Overrides overrides, Access access, TenantPaths paths) {
        this.overrides = overrides;
        this.paths = paths;
        this.access = access;
    }

    @GetMapping(PATH)
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String ended,
            Model model) {
        model.addAttribute("notice", ended == null ? null : "The override has ended: its account is disabled and its"
                + " session signed out.");
        model.addAttribute("errors", FormErrors.NONE);
        return page(caller, model);
    }

    @PostMapping(PATH + "/{id}/end")
    String end(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model, Origin origin,
            HttpServletResponse response) {
        try {
            overrides.end(caller, paths.actedInBy(caller, caller.tenantSlug()), id, origin);
            return "redirect:" + PATH + "?ended";
        } catch (ApiException e) {
            if (e.status() != HttpStatus.FORBIDDEN && e.status() != HttpStatus.CONFLICT
                    && e.status() != HttpStatus.NOT_FOUND && e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.summary(e.status() == HttpStatus.CONFLICT
                    ? "That override had ended already." : e.getMessage()));
            response.setStatus(e.status().value());
            return page(caller, model);
        }
    }

    private String page(Caller caller, Model model) {
        model.addAttribute("rows", overrides.list(caller, paths.actedInBy(caller, caller.tenantSlug())));
        model.addAttribute("mayEnd", access.allows(caller, END, null));
        return "console/overrides/list";
    }
}
