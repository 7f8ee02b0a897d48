package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.OperatorAccess;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operators › Help a user (seed 001: the platform admin recovers a locked-out tenant admin;
 * seed 000 break-glass and impersonation): pick the organisation and the person, say why, and
 * either the person's account is unlocked once and a one-time password-reset link is shown, once,
 * on the answer — never in a URL — or the operator acts as them. Goes through {@link OperatorAccess}
 * (platform.BreakGlass and platform.Impersonation), the services behind {@code POST …/users/{id}/break-glass} and
 * {@code …/impersonation}, so the same rules hold: the permission, a reason, a recent proof of the operator's own password
 * (asked here when it is missing), never the platform tenant; the tenant's trail records it and its
 * admins are alerted.
 */
@Controller
class OperatorAccessPageController {

    static final String PATH = "/console/operator-access";

    private final OperatorAccess operators;
    private final TenantDirectory tenants;
    private final Access access;
    private final JsonMapper json = JsonMapper.builder().build();

    OperatorAccessPageController(OperatorAccess operators, TenantDirectory tenants, Access access) {
        this.operators = operators;
        this.tenants = tenants;
        this.access = access;
    }

    @GetMapping(PATH)
    String page(@RequestParam(required = false) @Nullable String tenant, Model model) {
        return form(Map.of("tenant", tenant == null ? "" : tenant), model);
    }

    @PostMapping(PATH + "/break-glass")
    String recover(@AuthenticationPrincipal Caller caller, @RequestParam Map<String, String> given, Model model,
            Origin origin, HttpServletResponse response) {
        return act(given, model, response, (form, user) -> {
            OperatorAccess.Recovered done = operators.breakGlass(caller, form.get("tenant"), user, reason(form), origin);
            model.addAttribute("done", done);
            model.addAttribute("tenant", form.get("tenant"));
            return "console/operator-access/recovered";
        });
    }

    /**
     * Starts an impersonation (the service behind {@code POST …/users/{id}/impersonation}) and puts
     * its session in this browser: the operator now acts as the user, under the layout's banner,
     * until they sign out or 30 minutes pass; then they sign in again as themselves.
     */
    @PostMapping(PATH + "/impersonation")
    String impersonate(@AuthenticationPrincipal Caller caller, @RequestParam Map<String, String> given, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        return act(given, model, response, (form, user) -> {
            OperatorAccess.Acting started = operators.impersonate(caller, form.get("tenant"), user, reason(form), origin);
            SessionCookie.write(started.token(), request, response);
            return "redirect:/console";
        });
    }

    /** What an act does once the organisation and the person are found; refusals are shown on the form. */
    private interface Act {
        String on(Map<String, String> form, UUID user);
    }

    private String act(Map<String, String> given, Model model, HttpServletResponse response, Act act) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("tenant", given.getOrDefault("tenant", "").strip());
        form.put("username", given.getOrDefault("username", "").strip());
        form.put("reason", given.getOrDefault("reason", ""));
        Optional<TenantId> tenant = form.get("tenant").isEmpty() ? Optional.empty() : tenants.idOf(form.get("tenant"));
        if (tenant.isEmpty()) {
            return refused("There is no organisation with the slug \u201c" + form.get("tenant") + "\u201d.", form,
                    HttpStatus.BAD_REQUEST, model, response);
        }
        Optional<UUID> user = form.get("username").isEmpty() ? Optional.empty()
                : access.findUser(tenant.get(), form.get("username"));
        if (user.isEmpty()) {
            return refused("There is no user \u201c" + form.get("username") + "\u201d in " + form.get("tenant") + ".",
                    form, HttpStatus.BAD_REQUEST, model, response);
        }
        try {
            return act.on(form, user.get());
        } catch (Reauthentication.Required e) {
            model.addAttribute("reauthenticate", true);
            model.addAttribute("back", "operator-access");
            response.setStatus(HttpStatus.FORBIDDEN.value());
            return form(form, model);
        } catch (ApiException e) {
            if (e.status() == HttpStatus.UNAUTHORIZED || e.status() == HttpStatus.TOO_MANY_REQUESTS) {
                throw e;
            }
            String why = e.errors().isEmpty() ? e.getMessage()
                    : "The " + e.errors().getFirst().field() + " " + e.errors().getFirst().message() + ".";
            return refused(why, form, e.status(), model, response);
        }
    }

    private String reason(Map<String, String> form) {
        return json.writeValueAsString(Map.of("reason", form.get("reason")));
    }

    private String refused(String why, Map<String, String> form, HttpStatus status, Model model,
            HttpServletResponse response) {
        model.addAttribute("errors", FormErrors.summary(why));
        response.setStatus(status.value());
        return form(form, model);
    }

    private String form(Map<String, String> form, Model model) {
        model.addAttribute("form", form);
        return "console/operator-access/form";
    }
}
