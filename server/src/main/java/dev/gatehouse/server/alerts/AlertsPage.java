package dev.gatehouse.server.alerts;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.console.ConsolePage;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Settings › Alerts (seed 000, issue 16): the tenant's alert rules in a manager's words, the webhook
 * (its URL checked by the outbound guard on save, a hostile one refused with the guard's reason), its
 * secret shown once when issued or rotated, a throttled "send a test alert", and the latest alerts.
 * Reading needs {@code settings.read} (the section); every change {@code settings.edit}, through the
 * same service as {@code PUT /api/v1/tenants/{tenant}/alerts}, so the form's field errors are the API's.
 */
@Controller
class AlertsPage implements ConsolePage {

    static final String PAGE = "/console/alerts";

    /** One rule as the form shows it. */
    record RuleRow(String name, String label, String hint, RuleLabels.Kind kind, boolean enabled, int count,
            int minutes, String actions) {}

    private final AlertSettingsService service;
    private final AlertSettings settings;
    private final RecentAlerts recent;
    private final TestAlerts tests;
    private final Access access;
    private final Actors actors;

    AlertsPage(AlertSettingsService service, AlertSettings settings, RecentAlerts recent, TestAlerts tests,
            Access access, Actors actors) {
        this.service = service;
        this.settings = settings;
        this.recent = recent;
        this.tests = tests;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping(PAGE)
    String page(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String saved,
            Model model) {
        if (saved != null) {
            model.addAttribute("notice", "The alert rules are saved.");
        }
        return page(caller, model, Map.of(), null);
    }

    @PostMapping(PAGE)
    String save(@AuthenticationPrincipal Caller caller, @RequestParam Map<String, String> form, Origin origin,
            Model model, HttpServletResponse response) {
        access.require(caller, "settings.edit", null);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode rules = body.putObject("rules");
        for (RuleLabels.Rule rule : RuleLabels.RULES) {
            ObjectNode node = rules.putObject(rule.name());
            String prefix = "rules." + rule.name() + ".";
            node.put("enabled", form.containsKey(prefix + "enabled"));
            if (rule.kind() != RuleLabels.Kind.TOGGLE) {
                number(node, "count", form.get(prefix + "count"));
                number(node, "minutes", form.get(prefix + "minutes"));
            }
            if (rule.kind() == RuleLabels.Kind.RECORDS) {
                var actions = node.putArray("actions");
                Arrays.stream(form.getOrDefault(prefix + "actions", "").split("[,\\s]+")).filter(a -> !a.isBlank())
                        .forEach(actions::add);
            }
        }
        String url = form.getOrDefault("webhook.url", "").strip();
        if (!url.isEmpty()) {
            ObjectNode webhook = body.putObject("webhook");
            webhook.put("url", url);
            webhook.put("enabled", form.containsKey("webhook.enabled"));
        }
        AlertSettingsService.View saved;
        try {
            saved = service.replace(caller.tenant(), body, actors.actor(caller), origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            response.setStatus(e.status().value());
            Map<String, String> problems = new LinkedHashMap<>();
            for (FieldError error : e.errors()) {
                problems.merge(error.field(), error.message(), (a, b) -> a + "; " + b);
            }
            model.addAttribute("form", form);
            return page(caller, model, problems, "Please correct the fields marked below; nothing was saved.");
        }
        if (saved.webhook().secret() != null) {
            model.addAttribute("issuedSecret", saved.webhook().secret());
            model.addAttribute("notice", "The alert rules are saved and the webhook's secret issued.");
            return page(caller, model, Map.of(), null);
        }
        return "redirect:" + PAGE + "?saved";
    }

    @PostMapping(PAGE + "/webhook/secret")
    String rotate(@AuthenticationPrincipal Caller caller, Origin origin, Model model, HttpServletResponse response) {
        access.require(caller, "settings.edit", null);
        try {
            model.addAttribute("issuedSecret", service.rotate(caller.tenant(), actors.actor(caller), origin).secret());
        } catch (ApiException e) {
            if (e.status() != HttpStatus.CONFLICT) {
                throw e;
            }
            response.setStatus(e.status().value());
            return page(caller, model, Map.of(), e.getMessage());
        }
        model.addAttribute("notice", "A new webhook secret is issued; the previous one no longer works.");
        return page(caller, model, Map.of(), null);
    }

    @PostMapping(PAGE + "/test")
    String test(@AuthenticationPrincipal Caller caller, Origin origin, Model model, HttpServletResponse response) {
        access.require(caller, "settings.edit", null);
        try {
            TestAlerts.Sent sent = tests.send(caller.tenant(), actors.actor(caller), origin);
            model.addAttribute("notice", "A test alert was raised: the admins are mailed" + (sent.webhookQueued()
                    ? " and the webhook will be called within seconds." : "; no webhook is enabled."));
        } catch (TooManyRequests e) {
            response.setStatus(e.status().value());
            response.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
            return page(caller, model, Map.of(), e.getMessage());
        }
        return page(caller, model, Map.of(), null);
    }

    private String page(Caller caller, Model model, Map<String, String> problems, @Nullable String summary) {
        AlertSettings.Settings current = settings.of(caller.tenant());
        AlertRules rules = current.rules();
        List<RuleRow> rows = new ArrayList<>();
        for (RuleLabels.Rule rule : RuleLabels.RULES) {
            rows.add(row(rule, rules));
        }
        model.addAttribute("rules", rows);
        model.addAttribute("webhook", current.webhook());
        model.addAttribute("recent", recent.of(caller.tenant()));
        model.addAttribute("problems", problems);
        model.addAttribute("summary", summary);
        model.addAttribute("mayEdit", access.allows(caller, "settings.edit", null));
        if (!model.containsAttribute("form")) {
            model.addAttribute("form", null);
        }
        return "console/alerts/page";
    }

    private static RuleRow row(RuleLabels.Rule rule, AlertRules rules) {
        return switch (rule.name()) {
            case "failedSignInsPerAccount" -> threshold(rule, rules.failedSignInsPerAccount());
            case "failedSignInsPerTenant" -> threshold(rule, rules.failedSignInsPerTenant());
            case "patientRecordsPerUser" -> new RuleRow(rule.name(), rule.label(), rule.hint(), rule.kind(),
                    rules.patientRecordsPerUser().enabled(), rules.patientRecordsPerUser().count(),
                    rules.patientRecordsPerUser().minutes(), String.join(", ", rules.patientRecordsPerUser().actions()));
            default -> new RuleRow(rule.name(), rule.label(), rule.hint(), rule.kind(), toggle(rule.name(), rules), 0, 0,
                    "");
        };
    }

    private static RuleRow threshold(RuleLabels.Rule rule, AlertRules.Threshold threshold) {
        return new RuleRow(rule.name(), rule.label(), rule.hint(), rule.kind(), threshold.enabled(), threshold.count(),
                threshold.minutes(), "");
    }

    private static boolean toggle(String name, AlertRules rules) {
        return switch (name) {
            case "breakGlass" -> rules.breakGlass().enabled();
            case "clinicalBreakGlass" -> rules.clinicalBreakGlass().enabled();
            case "adminRoleGranted" -> rules.adminRoleGranted().enabled();
            case "adminNewIp" -> rules.adminNewIp().enabled();
            case "impersonationStarted" -> rules.impersonationStarted().enabled();
            case "refreshTokenReused" -> rules.refreshTokenReused().enabled();
            default -> throw new IllegalArgumentException("no such rule " + name);
        };
    }

    private static void number(ObjectNode node, String field, @Nullable String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        try {
            node.put(field, Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            node.put(field, text.strip());
        }
    }
}
