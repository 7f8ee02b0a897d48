package dev.gatehouse.server.console;

import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.tenancy.SettingsService;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Settings › Security (seed 000): every security setting with its default and what it is for,
 * saved through the same {@link SettingsService} call as {@code PATCH …/settings}, so the ranges,
 * the joint rules (a short password needs everyone on a second factor) and the audit event are
 * the API's. The whole form is one patch; only the fields that changed are recorded.
 */
@Controller
class SecurityController {

    static final String PATH = "/console/security";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final SettingsService settings;
    private final Access access;
    private final Actors actors;

    SecurityController(SettingsService settings, Access access, Actors actors) {
        this.settings = settings;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping(PATH)
    String show(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String saved,
            Model model) {
        JsonNode current = JSON.valueToTree(settings.read(caller, caller.tenantSlug()));
        if (saved != null) {
            model.addAttribute("notice", "Settings saved.");
        }
        return page(caller, current, model);
    }

    @PostMapping(PATH)
    String save(@AuthenticationPrincipal Caller caller, @RequestParam MultiValueMap<String, String> form, Model model,
            Origin origin, HttpServletResponse response) {
        List<Role> roles = roles(caller);
        ObjectNode patch = SecuritySettings.patch(form, roles);
        try {
            settings.change(caller, caller.tenantSlug(), patch, actors.actor(caller), origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            // The rejected values stay in the form, over the stored ones, next to their errors.
            ObjectNode shown = JSON.valueToTree(settings.read(caller, caller.tenantSlug()));
            patch.properties().forEach(field -> overlay(shown, field.getKey(), field.getValue()));
            model.addAttribute("errors", e.errors().isEmpty() ? FormErrors.of(e) : SecuritySettings.errors(e.errors(), roles));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return page(caller, shown, model);
        }
        return "redirect:" + PATH + "?saved";
    }

    private String page(Caller caller, JsonNode current, Model model) {
        List<Role> roles = roles(caller);
        JsonNode defaults = JSON.valueToTree(settings.defaults());
        model.addAttribute("groups", SecuritySettings.GROUPS.stream()
                .map(group -> Map.entry(group.title(), SecuritySettings.rows(group, current, defaults, roles))).toList());
        model.addAttribute("roles", roles);
        model.addAttribute("mayEdit", access.allows(caller, "settings.edit", null));
        return "console/security/settings";
    }

    private static void overlay(ObjectNode document, String name, JsonNode value) {
        if (value instanceof ObjectNode section && document.get(name) instanceof ObjectNode stored
                && !name.endsWith("ByRole")) {
            section.properties().forEach(field -> overlay(stored, field.getKey(), field.getValue()));
        } else {
            document.set(name, value);
        }
    }

    private List<Role> roles(Caller caller) {
        return access.policy(caller.tenant()).map(TenantPolicy::roles).orElse(List.of());
    }
}
