package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.usertypes.AgentType;
import dev.gatehouse.server.usertypes.UserType;
import dev.gatehouse.server.usertypes.UserTypes;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Settings › User types (seed 003): the tenant's types with the roles they give and the work their
 * users can be handed, adding one and deleting an unused one. Every rule is the
 * {@link UserTypes} service's; a refused form comes back with its errors.
 */
@Controller
class UserTypesPageController {

    static final String PATH = "/console/user-types";

    /** What the add form posts; roles and agent features as the checked boxes. */
    record TypeForm(@Nullable String key, @Nullable String name, @Nullable List<String> baseRoles,
            @Nullable List<String> agentTypes) {

        static final TypeForm EMPTY = new TypeForm(null, null, List.of(), List.of());

        UserTypes.Request request() {
            return new UserTypes.Request(UserForms.blankToNull(key), UserForms.blankToNull(name),
                    baseRoles == null ? List.of() : baseRoles, agentTypes == null ? List.of() : agentTypes);
        }

        public boolean gives(String role) {
            return baseRoles != null && baseRoles.contains(role);
        }

        public boolean makes(String agent) {
            return agentTypes != null && agentTypes.contains(agent);
        }
    }

    /** A feature a type can make agents of, labelled as a service desk says it. */
    record AgentChoice(String value, String label) {}

    private static final List<AgentChoice> AGENTS = Arrays.stream(AgentType.values())
            .map(type -> new AgentChoice(type.key(), switch (type) {
                case TIMER -> "Timers";
                case TICKET -> "Tickets";
                case TIME -> "Time entries";
                case BILLING -> "Billing";
            })).toList();

    private final UserTypes types;
    private final UserDirectory directory;
    private final Access access;

    UserTypesPageController(UserTypes types, UserDirectory directory, Access access) {
        this.types = types;
        this.directory = directory;
        this.access = access;
    }

    @GetMapping(PATH)
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String created,
            @RequestParam(required = false) @Nullable String deleted, Model model) {
        model.addAttribute("notice", created != null ? "User type " + created + " added."
                : deleted != null ? "User type " + deleted + " deleted." : null);
        return page(caller, TypeForm.EMPTY, model);
    }

    @PostMapping(PATH)
    String create(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") TypeForm form, Model model,
            Origin origin, HttpServletResponse response) {
        try {
            UserType created = types.create(caller, caller.tenant(), form.request(), origin);
            return "redirect:" + PATH + "?created=" + created.key();
        } catch (ApiException e) {
            refused(e, model, response);
            return page(caller, form, model);
        }
    }

    @PostMapping(PATH + "/{key}/delete")
    String delete(@AuthenticationPrincipal Caller caller, @PathVariable String key, Model model, Origin origin,
            HttpServletResponse response) {
        try {
            types.delete(caller, caller.tenant(), key, origin);
            return "redirect:" + PATH + "?deleted=" + key;
        } catch (ApiException e) {
            refused(e, model, response);
            return page(caller, TypeForm.EMPTY, model);
        }
    }

    /** Bad input and clashes (a type in use) come back to the page; anything else is the error page. */
    private static void refused(ApiException e, Model model, HttpServletResponse response) {
        if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT) {
            throw e;
        }
        model.addAttribute("errors", FormErrors.of(e));
        response.setStatus(e.status().value());
    }

    private String page(Caller caller, TypeForm form, Model model) {
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", FormErrors.NONE);
        }
        model.addAttribute("types", types.list(caller, caller.tenant()));
        model.addAttribute("names", directory.of(caller));
        model.addAttribute("agents", AGENTS);
        model.addAttribute("form", form);
        model.addAttribute("mayManage", access.allows(caller, "roles.assign", null));
        return "console/user-types/list";
    }
}
