package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.relationships.CareTeams;
import dev.gatehouse.server.relationships.Relationship;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserAccount;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The Care teams screen (seed 004), for a clinic manager: the teams they may see, a new team at one
 * of their locations, and per team its members (added from the staff list, removed with a click) and
 * the patients it cares for (which the clinic's applications relate to it). Every change goes
 * through {@link CareTeams}, which checks it at the team's location; roles are never touched.
 */
@Controller
class CareTeamsController {

    static final String TEAMS = "/console/care-teams";

    /** A team in the list: its name, where it is, how many members. */
    record Row(UUID id, String name, String where, int members) {}

    /** A member as the team page shows them. */
    record Member(UUID id, String username, String name) {}

    /** What the forms post: a new team's name and location, or the user to add. */
    record TeamForm(@Nullable String name, @Nullable String location, @Nullable String user) {}

    private final CareTeams teams;
    private final Roster roster;
    private final TenantScope scope;
    private final UserDirectory directory;
    private final Access access;
    private final Actors actors;

    CareTeamsController(CareTeams teams, Roster roster, TenantScope scope, UserDirectory directory, Access access,
            Actors actors) {
        this.teams = teams;
        this.roster = roster;
        this.scope = scope;
        this.directory = directory;
        this.access = access;
        this.actors = actors;
    }

    @GetMapping(TEAMS)
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String deleted,
            Model model) {
        model.addAttribute("notice", deleted == null ? null : "Care team " + deleted + " deleted.");
        return listPage(caller, model, new TeamForm(null, null, null));
    }

    @PostMapping(TEAMS)
    String create(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") TeamForm form, Model model,
            Origin origin, HttpServletResponse response) {
        String location = form.location() == null || form.location().isEmpty() ? null : form.location();
        try {
            CareTeams.Team created = teams.create(caller, caller.tenant(),
                    new CareTeams.TeamRequest(form.name(), location, null), actors.actor(caller), origin);
            return "redirect:" + TEAMS + "/" + created.team().id() + "?created";
        } catch (ApiException e) {
            refused(e, model, response);
            return listPage(caller, model, form);
        }
    }

    @GetMapping(TEAMS + "/{id}")
    String detail(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String created, @RequestParam(required = false) @Nullable String added,
            @RequestParam(required = false) @Nullable String removed, Model model) {
        model.addAttribute("notice", created != null ? "Care team created. Add its members below."
                : added != null ? "Member added." : removed != null ? "Member removed." : null);
        return detailPage(caller, model, Ids.inPath(id, "care team"), new TeamForm(null, null, null));
    }

    @PostMapping(TEAMS + "/{id}/members")
    String addMember(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @ModelAttribute("form") TeamForm form, Model model, Origin origin, HttpServletResponse response) {
        UUID team = Ids.inPath(id, "care team");
        try {
            teams.addMember(caller, caller.tenant(), team, form.user(), actors.actor(caller), origin);
        } catch (ApiException e) {
            refused(e, model, response);
            return detailPage(caller, model, team, form);
        }
        return "redirect:" + TEAMS + "/" + team + "?added";
    }

    @PostMapping(TEAMS + "/{id}/members/{user}/remove")
    String removeMember(@AuthenticationPrincipal Caller caller, @PathVariable String id, @PathVariable String user,
            Origin origin) {
        UUID team = Ids.inPath(id, "care team");
        teams.removeMember(caller, caller.tenant(), team, Ids.inPath(user, "member"), actors.actor(caller), origin);
        return "redirect:" + TEAMS + "/" + team + "?removed";
    }

    @PostMapping(TEAMS + "/{id}/delete")
    String delete(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin,
            HttpServletRequest request, HttpServletResponse response) {
        UUID team = Ids.inPath(id, "care team");
        String name = teams.get(caller, caller.tenant(), team).team().name();
        teams.delete(caller, caller.tenant(), team, actors.actor(caller), origin);
        String target = TEAMS + "?deleted=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
        if (Htmx.isRequest(request)) {
            Htmx.redirect(response, target);
            return "console/care-teams/detail :: empty";
        }
        return "redirect:" + target;
    }

    /** Bad input and name clashes go back to the form; a refusal of the caller is the 403 page. */
    private static void refused(ApiException e, Model model, HttpServletResponse response) {
        if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT) {
            throw e;
        }
        model.addAttribute("errors", FormErrors.of(e));
        response.setStatus(e.status().value());
    }

    private String listPage(Caller caller, Model model, TeamForm form) {
        UserDirectory.Names names = directory.of(caller);
        List<Row> rows = teams.visible(caller, caller.tenant()).stream()
                .map(team -> new Row(team.team().id(), team.team().name(), where(names, team.team().location()),
                        team.members().size()))
                .toList();
        model.addAttribute("teams", rows);
        model.addAttribute("form", form);
        model.addAttribute("locations", names.locations());
        model.addAttribute("canCreate", access.allows(caller, "care_teams.create", null));
        return "console/care-teams/list";
    }

    private String detailPage(Caller caller, Model model, UUID id, TeamForm form) {
        CareTeams.Team team = teams.get(caller, caller.tenant(), id);
        boolean canEdit = access.allows(caller, "care_teams.edit", CareTeams.at(team.team()));
        Map<UUID, UserAccount> people = new HashMap<>();
        List<UserAccount> staff = List.of();
        if (access.allows(caller, "users.read", null)) {
            TenantScope.Scoped tenant = scope.resolve(caller, caller.tenantSlug());
            staff = roster.list(caller, tenant, new Roster.Filter(null, "ACTIVE", null, null, null, "HUMAN"), 0, 200)
                    .items();
            staff.forEach(user -> people.put(user.id(), user));
            for (UUID member : team.members()) {
                if (!people.containsKey(member)) {
                    try {
                        people.put(member, roster.get(caller, tenant, member)); // locked or disabled since
                    } catch (ApiException notVisible) {
                        // a member the caller may not read is shown by id
                    }
                }
            }
        }
        List<Member> members = team.members().stream().map(member -> {
            UserAccount user = people.get(member);
            return user == null ? new Member(member, member.toString(), "")
                    : new Member(member, user.username(), user.firstName() + " " + user.lastName());
        }).toList();
        Page<Relationship> patients = teams.patients(caller, caller.tenant(), id, 0, 200);
        model.addAttribute("team", team.team());
        model.addAttribute("where", where(directory.of(caller), team.team().location()));
        model.addAttribute("members", members);
        model.addAttribute("candidates", staff.stream().filter(user -> !team.members().contains(user.id())).toList());
        model.addAttribute("patients", patients.items());
        model.addAttribute("patientsTotal", patients.total());
        model.addAttribute("form", form);
        model.addAttribute("canEdit", canEdit);
        model.addAttribute("canDelete", access.allows(caller, "care_teams.delete", CareTeams.at(team.team())));
        return "console/care-teams/detail";
    }

    private static String where(UserDirectory.Names names, @Nullable UUID location) {
        return location == null ? "Whole clinic" : names.location(location.toString());
    }
}
