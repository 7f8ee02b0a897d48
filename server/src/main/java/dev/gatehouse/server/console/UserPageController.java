package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.UserAvailability;
import dev.gatehouse.server.users.UserRoleService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The user page: details and clinical profile (PATCH), and the role assignments per location with
 * their validity windows. Giving a role the caller does not hold themselves is refused by the
 * service (no escalation); the page shows that refusal next to the role form. The weekly
 * availability is saved a day at a time.
 */
@Controller
class UserPageController {

    static final String USER = UserRosterController.USERS + "/{id}";

    private final Roster users;
    private final UserRoleService roles;
    private final UserAvailability availability;
    private final UserPage page;

    UserPageController(Roster users, UserRoleService roles, UserAvailability availability, UserPage page) {
        this.users = users;
        this.availability = availability;
        this.roles = roles;
        this.page = page;
    }

    @GetMapping(USER)
    String show(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model) {
        return page.render(caller, UserPage.id(id), model);
    }

    @PostMapping(USER + "/details")
    String update(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @ModelAttribute("details") UserForms.DetailsForm details, Model model, Origin origin, HttpServletRequest request,
            HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            users.update(caller, page.tenant(caller), user, details.patch(), origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "details");
        }
        return UserPage.done(request, response, pathOf(user) + "?saved");
    }

    @PostMapping(USER + "/roles")
    String assign(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @ModelAttribute("roleForm") UserForms.RoleForm roleForm, Model model, Origin origin, HttpServletRequest request,
            HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            List<FieldError> errors = new ArrayList<>();
            Roster.RoleRequest requested = roleForm.request("", errors);
            if (!errors.isEmpty()) {
                throw ApiException.badRequest(errors);
            }
            roles.assign(caller, page.tenant(caller), user, requested, origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "roles");
        }
        return UserPage.done(request, response, pathOf(user) + "?assigned#roles");
    }

    @PostMapping(USER + "/roles/{assignment}/revoke")
    String revoke(@AuthenticationPrincipal Caller caller, @PathVariable String id, @PathVariable String assignment,
            Model model, Origin origin, HttpServletRequest request, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            roles.revoke(caller, page.tenant(caller), user, Ids.inPath(assignment, "assignment"), origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "roles");
        }
        return UserPage.done(request, response, pathOf(user) + "?revoked#roles");
    }

    /** One day of the weekly availability (seed 000, "Provider Scheduling"); the other days stay. */
    @PostMapping(USER + "/availability/{day}")
    String availability(@AuthenticationPrincipal Caller caller, @PathVariable String id, @PathVariable String day,
            @ModelAttribute WeekForm.DayInput input, Model model, Origin origin, HttpServletRequest request,
            HttpServletResponse response) {
        UUID user = UserPage.id(id);
        DayOfWeek weekday = Arrays.stream(DayOfWeek.values()).filter(d -> d.name().equals(day)).findFirst()
                .orElseThrow(() -> ApiException.notFound("day " + day));
        try {
            availability.replaceDay(caller, page.tenant(caller), user, weekday, input.form(), origin);
        } catch (ApiException e) {
            model.addAttribute("refusedDay", weekday);
            model.addAttribute("typedDay", input);
            return page.refused(caller, user, model, response, e, "availability");
        }
        return UserPage.done(request, response, pathOf(user) + "?availabilitySaved#availability");
    }

    static String pathOf(UUID user) {
        return UserRosterController.USERS + "/" + user;
    }
}
