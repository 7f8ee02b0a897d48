package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.overrides.OverrideRequest;
import dev.gatehouse.server.overrides.Overrides;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.OperatorAccess;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
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
 *
 * <p>Seed 002 §3.2's override goes through {@link Overrides}, the service behind {@code POST …/overrides}: the
 * operator takes the organisation's administrator role for 1 to 30 minutes, and this browser holds the override's
 * session as it holds an impersonation's.
 */
@Controller
class OperatorAccessPageController {

    static final String PATH = "/console/operator-access";

    private final OperatorAccess operators;
    private final Overrides overrides;
    private final TenantDirectory tenants;
    private final TenantPaths paths;
    private final Access access;
    private final JsonMapper json = JsonMapper.builder().build();

    OperatorAccessPageController(OperatorAccess operators, Overrides overrides, TenantDirectory tenants,
            TenantPaths paths, Access access) {
        this.operators = operators;
        this.paths = paths;
        this.overrides = overrides;
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
            OperatorAccess.Recovered done = operators.breakGlass(caller, paths.actedInBy(caller, form.get("tenant")), user,
                    reason(form), origin);
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
            OperatorAccess.Acting started = operators.impersonate(caller, paths.actedInBy(caller, form.get("tenant")), user,
                    reason(form), origin);
            return actAs(started.token(), request, response);
        });
    }

    /**
     * Starts a platform override (the service behind {@code POST …/overrides}) and, as for an
     * impersonation, puts its session in this browser: the operator acts as the override's account,
     * which holds the organisation's administrator role until the minutes pass or someone ends it.
     */
    @PostMapping(PATH + "/override")
    String override(@AuthenticationPrincipal Caller caller, @RequestParam Map<String, String> given, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("overrideTenant", given.getOrDefault("overrideTenant", "").strip());
        form.put("overrideReason", given.getOrDefault("overrideReason", ""));
        form.put("minutes", given.getOrDefault("minutes", "").strip());
        String tenant = form.get("overrideTenant");
        if (tenant.isEmpty() || tenants.idOf(tenant).isEmpty()) {
            return refusedOverride(FormErrors.summary("There is no organisation with the slug \u201c" + tenant + "\u201d."),
                    form, HttpStatus.BAD_REQUEST, model, response);
        }
        Integer minutes = minutes(form.get("minutes"));
        if (minutes == null) {
            return refusedOverride(FormErrors.summary("Say for how many minutes, as a whole number from 1 to 30."),
                    form, HttpStatus.BAD_REQUEST, model, response);
        }
        return refusalsOnTheForm(form, model, response, e -> refusedOverride(FormErrors.of(e), form, e.status(),
                model, response), () -> {
                    Overrides.Started started = overrides.start(caller, paths.actedInBy(caller, tenant),
                            new OverrideRequest(form.get("overrideReason"), minutes), origin);
                    return actAs(started.token(), request, response);
                });
    }

    /** The operator's browser now holds the session of the act: the layout's banner names whom it acts as. */
    private static String actAs(String token, HttpServletRequest request, HttpServletResponse response) {
        SessionCookie.write(token, request, response);
        return "redirect:/console";
    }

    private static @Nullable Integer minutes(String text) {
        try {
            return text.isEmpty() ? null : Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
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
        return refusalsOnTheForm(form, model, response, e -> {
            String why = e.errors().isEmpty() ? e.getMessage()
                    : "The " + e.errors().getFirst().field() + " " + e.errors().getFirst().message() + ".";
            return refused(why, form, e.status(), model, response);
        }, () -> act.on(form, user.get()));
    }

    /**
     * Runs an act and shows its refusals on the form instead of an error page: the missing recent proof of the
     * operator's factor asks for it (then they repeat the act), anything else the service refused goes to
     * {@code shown}; an expired session and throttling keep their own answers.
     */
    private String refusalsOnTheForm(Map<String, String> form, Model model, HttpServletResponse response,
            Function<ApiException, String> shown, Supplier<String> act) {
        try {
            return act.get();
        } catch (Reauthentication.Required e) {
            model.addAttribute("reauthenticate", true);
            model.addAttribute("back", "operator-access");
            response.setStatus(HttpStatus.FORBIDDEN.value());
            return form(form, model);
        } catch (ApiException e) {
            if (e.status() == HttpStatus.UNAUTHORIZED || e.status() == HttpStatus.TOO_MANY_REQUESTS) {
                throw e;
            }
            return shown.apply(e);
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

    private String refusedOverride(FormErrors errors, Map<String, String> form, HttpStatus status, Model model,
            HttpServletResponse response) {
        model.addAttribute("overrideErrors", errors);
        response.setStatus(status.value());
        return form(form, model);
    }

    private String form(Map<String, String> form, Model model) {
        model.addAttribute("form", form);
        return "console/operator-access/form";
    }
}
