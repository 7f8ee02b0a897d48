package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.relationships.Reassignments;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserAccount;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
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
 * Offboarding's second step (seed 004: "reassign their care team memberships to whoever's
 * covering"): what a leaver looks after — their care teams and assigned patients — and a colleague
 * to hand it all to in one step. Offered right after locking someone who looks after anyone; the
 * service checks that the viewer may act on the leaver and edit their teams.
 */
@Controller
class ReassignPageController {

    static final String PATH = UserPageController.USER + "/reassign";

    private final Reassignments reassignments;
    private final Roster roster;
    private final TenantScope scope;
    private final Access access;
    private final Actors actors;

    ReassignPageController(Reassignments reassignments, Roster roster, TenantScope scope, Access access,
            Actors actors) {
        this.reassignments = reassignments;
        this.roster = roster;
        this.scope = scope;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping(PATH)
    String page(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String locked, Model model) {
        model.addAttribute("locked", locked != null);
        return render(caller, UserPage.id(id), model);
    }

    @PostMapping(PATH)
    String reassign(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String to, Model model, Origin origin,
            HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            model.addAttribute("done", reassignments.reassign(caller, caller.tenant(), user, to, actors.actor(caller),
                    origin));
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.FORBIDDEN) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(e.status().value());
        }
        return render(caller, user, model);
    }

    private String render(Caller caller, UUID id, Model model) {
        TenantScope.Scoped tenant = scope.resolve(caller, caller.tenantSlug());
        UserAccount user = roster.get(caller, tenant, id);
        model.addAttribute("user", user);
        model.addAttribute("pending", reassignments.pending(caller.tenant(), id));
        boolean may = access.allows(caller, "users.edit", null) && access.allows(caller, "care_teams.edit", null)
                && access.covers(caller, id, null).allowed();
        model.addAttribute("may", may);
        model.addAttribute("colleagues", may
                ? roster.list(caller, tenant, new Roster.Filter(null, "ACTIVE", null, null, null, "HUMAN"), 0, 200)
                        .items().stream().filter(colleague -> !colleague.id().equals(id)).toList()
                : java.util.List.of());
        return "console/users/reassign";
    }
}
