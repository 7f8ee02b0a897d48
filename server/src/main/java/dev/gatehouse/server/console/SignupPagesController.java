package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.signup.Approvals;
import dev.gatehouse.server.signup.DomainMappings;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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
 * Issue 16's screens: Domain mappings ({@code /console/domain-mappings}: list, create, edit, delete)
 * and Registrations ({@code /console/registrations}: the approval queue by status, approve or reject
 * with a note). Every action goes through the API's own services ({@link DomainMappings},
 * {@link Approvals}); the sections' permissions ({@link Section}) guard the paths.
 */
@Controller
class SignupPagesController {

    static final String MAPPINGS = "/console/domain-mappings";
    static final String QUEUE = "/console/registrations";
    private static final Set<String> STATUSES = Set.of("PENDING", "APPROVED", "REJECTED");

    /** What the mapping form posts; blank fields are the API's defaults. */
    record MappingForm(@Nullable String pattern, @Nullable String priority, @Nullable String targetTenant,
            @Nullable String targetLocation, @Nullable String defaultRole, @Nullable String mode) {

        static final MappingForm EMPTY = new MappingForm(null, "0", null, null, null, "AUTOMATIC");

        static MappingForm of(DomainMappings.View view) {
            return new MappingForm(view.pattern(), Integer.toString(view.priority()), view.targetTenant().slug(),
                    view.targetLocation(), view.defaultRole(), view.mode());
        }

        DomainMappings.Mapping mapping() {
            Integer number = null;
            if (priority != null && !priority.isBlank()) {
                try {
                    number = Integer.valueOf(priority.strip());
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("priority", "must be a whole number from 0 to 1000");
                }
            }
            return new DomainMappings.Mapping(pattern, number, blank(targetTenant), blank(targetLocation),
                    blank(defaultRole), blank(mode));
        }

        private static @Nullable String blank(@Nullable String text) {
            return text == null || text.isBlank() ? null : text;
        }
    }

    private final DomainMappings mappings;
    private final Approvals approvals;

    SignupPagesController(DomainMappings mappings, Approvals approvals) {
        this.mappings = mappings;
        this.approvals = approvals;
    }

    @GetMapping(MAPPINGS)
    String mappings(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String done,
            Model model) {
        model.addAttribute("notice", done == null ? null : switch (done) {
            case "created" -> "The mapping is saved: new addresses of its domain land where it says.";
            case "saved" -> "The mapping is changed.";
            default -> "The mapping is deleted.";
        });
        return mappingsPage(caller, model, MappingForm.EMPTY, null);
    }

    @PostMapping(MAPPINGS)
    String create(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") MappingForm form, Model model,
            Origin origin, HttpServletResponse response) {
        try {
            mappings.create(caller, caller.tenant(), form.mapping(), origin);
            return "redirect:" + MAPPINGS + "?done=created";
        } catch (ApiException e) {
            refused(e, model, response);
            return mappingsPage(caller, model, form, null);
        }
    }

    @GetMapping(MAPPINGS + "/{id}")
    String edit(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model) {
        UUID mapping = Ids.inPath(id, "domain mapping");
        return mappingsPage(caller, model, MappingForm.of(mappings.get(caller, caller.tenant(), mapping)),
                mapping.toString());
    }

    @PostMapping(MAPPINGS + "/{id}")
    String save(@AuthenticationPrincipal Caller caller, @PathVariable String id, @ModelAttribute("form") MappingForm form,
            Model model, Origin origin, HttpServletResponse response) {
        UUID mapping = Ids.inPath(id, "domain mapping");
        try {
            mappings.replace(caller, caller.tenant(), mapping, form.mapping(), origin);
            return "redirect:" + MAPPINGS + "?done=saved";
        } catch (ApiException e) {
            refused(e, model, response);
            return mappingsPage(caller, model, form, mapping.toString());
        }
    }

    @PostMapping(MAPPINGS + "/{id}/delete")
    String delete(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin) {
        mappings.delete(caller, caller.tenant(), Ids.inPath(id, "domain mapping"), origin);
        return "redirect:" + MAPPINGS + "?done=deleted";
    }

    @GetMapping(QUEUE)
    String queue(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String done, Model model) {
        model.addAttribute("notice", done == null ? null : done.equals("approved")
                ? "Approved: the person is told by mail." : "Rejected: the person is told by mail.");
        return queuePage(caller, status, model);
    }

    @PostMapping(QUEUE + "/{id}/{decision}")
    String decide(@AuthenticationPrincipal Caller caller, @PathVariable String id, @PathVariable String decision,
            @RequestParam(required = false) @Nullable String note, Model model, Origin origin,
            HttpServletResponse response) {
        UUID request = Ids.inPath(id, "registration");
        try {
            if (decision.equals("approve")) {
                approvals.approve(caller, caller.tenant(), request, new Approvals.Decision(note), origin);
                return "redirect:" + QUEUE + "?done=approved";
            }
            if (decision.equals("reject")) {
                approvals.reject(caller, caller.tenant(), request, new Approvals.Decision(note), origin);
                return "redirect:" + QUEUE + "?done=rejected";
            }
            throw ApiException.notFound("decision " + decision);
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.summary(e.getMessage()));
            response.setStatus(e.status().value());
            return queuePage(caller, "PENDING", model);
        }
    }

    private String mappingsPage(Caller caller, Model model, MappingForm form, @Nullable String editing) {
        if (caller.isPlatformOperator()) {
            throw ApiException.notFound("domain mappings");
        }
        List<DomainMappings.View> list = mappings.list(caller, caller.tenant());
        model.addAttribute("mappings", list);
        model.addAttribute("form", form);
        model.addAttribute("editing", editing);
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", FormErrors.NONE);
        }
        return "console/domain-mappings/list";
    }

    private String queuePage(Caller caller, @Nullable String status, Model model) {
        if (caller.isPlatformOperator()) {
            throw ApiException.notFound("registrations");
        }
        String shown = status != null && STATUSES.contains(status) ? status : "PENDING";
        model.addAttribute("status", shown);
        model.addAttribute("requests", approvals.list(caller, caller.tenant(), shown, 0, 200).items());
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", FormErrors.NONE);
        }
        return "console/registrations/list";
    }

    /** A refused form: 400 or 409 shows the fields at fault on the page; anything else is the console's error page. */
    private static void refused(ApiException e, Model model, HttpServletResponse response) {
        if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT) {
            throw e;
        }
        model.addAttribute("errors", FormErrors.of(e));
        response.setStatus(e.status().value());
    }
}
