package dev.gatehouse.server.console;

import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.ChildTenantReach;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.shared.TenantTree;
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
    private final TenantPaths paths;
    private final ChildTenantReach children;

    SecurityController(SettingsService settings, Access access, Actors actors, TenantPaths paths,
            ChildTenantReach children) {
        this.paths = paths;
        this.children = children;
        this.settings = settings;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping(PATH)
    String show(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String saved,
            @RequestParam(required = false) @Nullable String tenant, Model model) {
        String target = target(caller, tenant);
        JsonNode current = JSON.valueToTree(settings.read(caller, paths.own(caller, target)));
        if (saved != null) {
            model.addAttribute("notice", "Settings saved.");
        }
        return page(caller, target, current, model);
    }

    /**
     * The tenant the page is about: the caller's own, or (the tenant switcher) one below it that a
     * designated parent user may act in; anything else is the 404 of every other tenant's path.
     */
    private static String target(Caller caller, @Nullable String tenant) {
        return tenant == null || tenant.isBlank() ? caller.tenantSlug() : tenant;
    }

    private static String back(Caller caller, String target) {
        return "redirect:" + PATH + "?saved" + (target.equals(caller.tenantSlug()) ? ""
                : "&tenant=" + java.net.URLEncoder.encode(target, java.nio.charset.StandardCharsets.UTF_8));
    }

    @PostMapping(PATH)
    String save(@AuthenticationPrincipal Caller caller, @RequestParam MultiValueMap<String, String> form, Model model,
            Origin origin, HttpServletResponse response) {
        String target = target(caller, form.getFirst("tenant"));
        List<Role> roles = roles(caller, target);
        MultiValueMap<String, String> fields = new org.springframework.util.LinkedMultiValueMap<>(form);
        fields.remove("tenant");
        ObjectNode patch = SecuritySettings.patch(fields, roles);
        if (settings.origins(caller, paths.own(caller, target)).inheritsFrom() != null) {
            // A child keeps as its own only what the admin changed; the rest goes on following the parent.
            SecuritySettings.dropUnchanged(patch, JSON.valueToTree(settings.read(caller, paths.own(caller, target))));
        }
        try {
            settings.change(caller, paths.own(caller, target), patch, actors.actor(caller), origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            // The rejected values stay in the form, over the stored ones, next to their errors.
            ObjectNode shown = JSON.valueToTree(settings.read(caller, paths.own(caller, target)));
            patch.properties().forEach(field -> overlay(shown, field.getKey(), field.getValue()));
            model.addAttribute("errors", e.errors().isEmpty() ? FormErrors.of(e) : SecuritySettings.errors(e.errors(), roles));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return page(caller, target, shown, model);
        }
        return back(caller, target);
    }

    /** Returns one setting (or a section) of a child tenant to its parent's value. */
    @PostMapping(PATH + "/inherit")
    String inherit(@AuthenticationPrincipal Caller caller, @RequestParam String path,
            @RequestParam(required = false) @Nullable String tenant, Origin origin) {
        String target = target(caller, tenant);
        settings.inherit(caller, paths.own(caller, target), path, actors.actor(caller), origin);
        return back(caller, target);
    }

    private String page(Caller caller, String target, JsonNode current, Model model) {
        List<Role> roles = roles(caller, target);
        JsonNode defaults = JSON.valueToTree(settings.defaults());
        SettingsService.Origins origins = settings.origins(caller, paths.own(caller, target));
        List<TenantTree.Link> reachable = children.reachable(caller);
        model.addAttribute("tenant", target);
        model.addAttribute("switchable", reachable.stream().map(TenantTree.Link::slug).toList());
        model.addAttribute("groups", SecuritySettings.GROUPS.stream()
                .map(group -> Map.entry(group.title(), SecuritySettings.rows(group, current, defaults, roles))).toList());
        model.addAttribute("inheritsFrom", origins.inheritsFrom());
        model.addAttribute("origins", new SecuritySettings.Origins(origins.origins()));
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

    /** The roles of the tenant the page is about, for the by-role settings. */
    private List<Role> roles(Caller caller, String target) {
        return access.policy(paths.own(caller, target)).map(TenantPolicy::roles).orElse(List.of());
    }
}
