package dev.gatehouse.server.console;

import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.PermissionCatalogService;
import dev.gatehouse.server.access.RoleRequests;
import dev.gatehouse.server.access.RoleService;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The Roles screen: the tenant's roles, a role's permission matrix with its parents and holders,
 * and the matrix editor that creates, edits, copies and deletes custom roles. Every read and change
 * goes through {@link RoleService}, so the engine's checks, no-escalation and the audit trail are
 * the API's.
 */
@Controller
class RolesController {

    /** Field errors of the service ({@code grants[3].scope}) that belong to one matrix cell. */
    private static final Pattern GRANT_FIELD = Pattern.compile("grants\\[(\\d+)\\].*");
    private static final String MISSING_PERMISSION = "missing permission ";

    /**
     * The editor's fields: {@code scopes} maps each ticked catalog key to the scope chosen for it
     * (an engine scope name; the service names a bad one), {@code conditions} a ticked key to the
     * condition it is granted under, when one was written.
     */
    record RoleForm(String key, String name, String description, List<String> inherits, Map<String, String> scopes,
            Map<String, String> conditions) {

        static RoleForm empty() {
            return new RoleForm("", "", "", List.of(), Map.of(), Map.of());
        }

        /** A prefilled form holding {@code role}'s parents and grants (a wildcard ticks every key it covers). */
        static RoleForm of(String key, String name, Role role, List<Permission> catalog) {
            Map<String, String> scopes = new LinkedHashMap<>();
            Map<String, String> conditions = new LinkedHashMap<>();
            RoleMatrix.of(catalog, role.grants()).rows().forEach(row -> {
                row.byVerb().values().forEach(cell -> put(scopes, conditions, cell));
                row.actions().forEach(cell -> put(scopes, conditions, cell));
            });
            return new RoleForm(key, name, role.description(), role.inherits(), scopes, conditions);
        }

        private static void put(Map<String, String> scopes, Map<String, String> conditions, RoleMatrix.Cell cell) {
            if (cell.scope() != null) {
                scopes.put(cell.permission(), cell.scope().name());
                if (cell.condition() != null) {
                    conditions.put(cell.permission(), cell.condition());
                }
            }
        }

        /**
         * What the editor posted: {@code grant} names each ticked key, {@code scope-<key>} its scope,
         * {@code condition-<key>} its condition (blank: none).
         */
        static RoleForm of(MultiValueMap<String, String> posted) {
            Map<String, String> scopes = new LinkedHashMap<>();
            Map<String, String> conditions = new LinkedHashMap<>();
            for (String key : posted.getOrDefault("grant", List.of())) {
                String scope = posted.getFirst("scope-" + key);
                scopes.put(key, scope == null || scope.isBlank() ? Scope.TENANT.name() : scope);
                String condition = posted.getFirst("condition-" + key);
                if (condition != null && !condition.isBlank()) {
                    conditions.put(key, condition.strip());
                }
            }
            return new RoleForm(text(posted, "key"), text(posted, "name"), text(posted, "description"),
                    posted.getOrDefault("inherits", List.of()).stream().filter(p -> !p.isBlank()).toList(), scopes,
                    conditions);
        }

        private static String text(MultiValueMap<String, String> posted, String field) {
            String value = posted.getFirst(field);
            return value == null ? "" : value;
        }

        List<RoleRequests.GrantBody> grants() {
            return scopes.entrySet().stream()
                    .map(entry -> new RoleRequests.GrantBody(entry.getKey(), entry.getValue(),
                            conditions.get(entry.getKey())))
                    .toList();
        }

        /** The ticked keys at their scopes for redisplay; a scope the engine does not know shows as "all". */
        Map<String, Scope> granted() {
            Map<String, Scope> granted = new LinkedHashMap<>();
            scopes.forEach((key, scope) -> granted.put(key, parse(scope)));
            return granted;
        }

        private static Scope parse(String scope) {
            try {
                return Scope.valueOf(scope);
            } catch (IllegalArgumentException e) {
                return Scope.TENANT;
            }
        }
    }

    private final RoleService roles;
    private final PermissionCatalogService catalog;
    private final Access access;
    private final Actors actors;

    RolesController(RoleService roles, PermissionCatalogService catalog, Access access, Actors actors) {
        this.roles = roles;
        this.catalog = catalog;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping("/console/roles")
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String deleted,
            Model model) {
        model.addAttribute("roles", roles.all(caller, caller.tenant()));
        model.addAttribute("canCreate", access.allows(caller, "roles.create", null));
        model.addAttribute("notice", deleted == null ? null : "Role " + deleted + " deleted.");
        return "console/roles/list";
    }

    @GetMapping("/console/roles/new")
    String newRole(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String copyOf,
            Model model) {
        access.require(caller, "roles.create", null);
        RoleForm form = RoleForm.empty();
        if (copyOf != null) {
            Role source = roles.get(caller, caller.tenant(), copyOf).role();
            form = RoleForm.of("", "Copy of " + source.name(), source, permissions(caller));
        }
        return editor(caller, model, form, null, copyOf);
    }

    @PostMapping("/console/roles")
    String create(@AuthenticationPrincipal Caller caller, @RequestParam MultiValueMap<String, String> posted,
            Model model, Origin origin, HttpServletResponse response) {
        RoleForm form = RoleForm.of(posted);
        try {
            roles.create(caller, caller.tenant(), new RoleRequests.CreateRole(form.key(), form.name(),
                    form.description(), form.inherits(), form.grants(), null), actors.actor(caller), origin);
        } catch (ApiException e) {
            return refused(e, caller, model, form, null, response);
        }
        return "redirect:/console/roles/" + encode(form.key()) + "?created";
    }

    @GetMapping("/console/roles/{key}")
    String detail(@AuthenticationPrincipal Caller caller, @PathVariable String key,
            @RequestParam(required = false) @Nullable String created, @RequestParam(required = false) @Nullable String saved,
            Model model) {
        RoleService.RoleWithHolders role = roles.get(caller, caller.tenant(), key);
        model.addAttribute("role", role);
        model.addAttribute("matrix", RoleMatrix.of(permissions(caller), role.role().grants()));
        model.addAttribute("names", names(caller));
        try {
            model.addAttribute("holders", roles.holders(caller, caller.tenant(), key));
        } catch (ApiException e) {
            if (e.status() != HttpStatus.FORBIDDEN) {
                throw e;
            }
            model.addAttribute("holders", null); // the count stays; who holds it is the roster's to show
        }
        model.addAttribute("canCreate", access.allows(caller, "roles.create", null));
        model.addAttribute("canEdit", !role.builtIn() && access.allows(caller, "roles.edit", null));
        model.addAttribute("canDelete", !role.builtIn() && access.allows(caller, "roles.delete", null));
        model.addAttribute("notice", created != null ? "Role created." : saved != null ? "Role saved." : null);
        return "console/roles/detail";
    }

    @GetMapping("/console/roles/{key}/edit")
    String edit(@AuthenticationPrincipal Caller caller, @PathVariable String key, Model model) {
        access.require(caller, "roles.edit", null);
        RoleService.RoleWithHolders role = roles.get(caller, caller.tenant(), key);
        if (role.builtIn()) {
            return "redirect:/console/roles/new?copyOf=" + encode(key);
        }
        return editor(caller, model, RoleForm.of(key, role.role().name(), role.role(), permissions(caller)), key, null);
    }

    @PostMapping("/console/roles/{key}")
    String replace(@AuthenticationPrincipal Caller caller, @PathVariable String key,
            @RequestParam MultiValueMap<String, String> posted, Model model, Origin origin,
            HttpServletResponse response) {
        RoleForm form = RoleForm.of(posted);
        RoleForm editing = new RoleForm(key, form.name(), form.description(), form.inherits(), form.scopes(),
                form.conditions());
        try {
            roles.replace(caller, caller.tenant(), key, new RoleRequests.ReplaceRole(key, form.name(),
                    form.description(), form.inherits(), form.grants()), actors.actor(caller), origin);
        } catch (ApiException e) {
            return refused(e, caller, model, editing, key, response);
        }
        return "redirect:/console/roles/" + encode(key) + "?saved";
    }

    /** From the role page's Delete button (htmx, after its confirmation): back to the list, or the refusal in place. */
    @PostMapping("/console/roles/{key}/delete")
    String delete(@AuthenticationPrincipal Caller caller, @PathVariable String key, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        try {
            roles.delete(caller, caller.tenant(), key, actors.actor(caller), origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.CONFLICT) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            return "console/roles/detail :: outcome";
        }
        String target = "/console/roles?deleted=" + encode(key);
        if (Htmx.isRequest(request)) {
            Htmx.redirect(response, target);
            return "console/roles/detail :: outcome";
        }
        return "redirect:" + target;
    }

    /**
     * The editor again with what was posted and why it was refused: field errors next to their
     * fields and cells; a refusal of the content (no-escalation: the role would grant more than the
     * caller holds) as the summary. A missing permission stays the 403 page.
     */
    private String refused(ApiException e, Caller caller, Model model, RoleForm form, @Nullable String editing,
            HttpServletResponse response) {
        boolean missingPermission = e.status() == HttpStatus.FORBIDDEN && e.getMessage().startsWith(MISSING_PERMISSION);
        if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT
                && (e.status() != HttpStatus.FORBIDDEN || missingPermission)) {
            throw e;
        }
        model.addAttribute("errors", errors(e, form));
        response.setStatus(e.status().value());
        return editor(caller, model, form, editing, null);
    }

    /** The service's field errors, with each {@code grants[i]…} put on the cell of the i-th ticked key. */
    private static FormErrors errors(ApiException e, RoleForm form) {
        if (e.errors().isEmpty()) {
            return FormErrors.of(e);
        }
        List<String> ticked = List.copyOf(form.scopes().keySet());
        List<FieldError> mapped = new ArrayList<>();
        for (FieldError error : e.errors()) {
            Matcher grant = GRANT_FIELD.matcher(error.field());
            if (grant.matches() && Integer.parseInt(grant.group(1)) < ticked.size()) {
                mapped.add(new FieldError("grant:" + ticked.get(Integer.parseInt(grant.group(1))), error.message()));
            } else if (error.field().startsWith("inherits")) {
                mapped.add(new FieldError("inherits", error.message()));
            } else {
                mapped.add(error);
            }
        }
        return FormErrors.fields(mapped);
    }

    private String editor(Caller caller, Model model, RoleForm form, @Nullable String editing, @Nullable String copyOf) {
        model.addAttribute("form", form);
        model.addAttribute("editing", editing);
        model.addAttribute("copyOf", copyOf);
        model.addAttribute("matrix", RoleMatrix.of(permissions(caller), form.granted(), form.conditions()));
        model.addAttribute("scopes", RoleMatrix.SCOPE_OPTIONS);
        model.addAttribute("parents", roles.all(caller, caller.tenant()).stream()
                .filter(role -> !role.role().key().equals(editing)).toList());
        return "console/roles/editor";
    }

    private List<Permission> permissions(Caller caller) {
        return catalog.permissions(caller, caller.tenant());
    }

    /** Role names by key, for the parents a role lists. */
    private Map<String, String> names(Caller caller) {
        Map<String, String> names = new LinkedHashMap<>();
        roles.all(caller, caller.tenant()).forEach(role -> names.put(role.role().key(), role.role().name()));
        return names;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
