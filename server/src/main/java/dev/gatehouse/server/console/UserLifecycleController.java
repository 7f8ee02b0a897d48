package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.relationships.Reassignments;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.AccountLifecycle;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.UserAccount;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * A user's lifecycle from their page (seeds 000, 003, 004): lock, unlock, disable, enable, a reset
 * link or a temporary password, a new invitation (the old link dies), ending one or all of their sessions, and
 * the guarded delete, which explains that locking keeps their history attributed and offers it.
 * A new link is shown once on the page it was made on, never carried in a URL.
 */
@Controller
class UserLifecycleController {

    private static final String USER = UserPageController.USER;

    /** One of the status actions, as the service names it. */
    @FunctionalInterface
    private interface StatusChange {
        UserAccount apply(AccountLifecycle lifecycle, Caller caller, UUID user, Origin origin);
    }

    private final Roster roster;
    private final AccountLifecycle lifecycle;
    private final UserPage page;
    private final Reassignments reassignments;
    private final Access access;

    UserLifecycleController(Roster roster, AccountLifecycle lifecycle, UserPage page, Reassignments reassignments,
            Access access) {
        this.reassignments = reassignments;
        this.access = access;
        this.roster = roster;
        this.lifecycle = lifecycle;
        this.page = page;
    }

    /**
     * Locks; when the user looks after patients (care teams, assigned patients) and the caller may edit
     * care teams, offboarding goes on to handing those to a colleague (seed 004).
     */
    @PostMapping(USER + "/lock")
    String lock(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            lifecycle.lock(caller, page.tenant(caller), user, origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "status");
        }
        if (access.allows(caller, "care_teams.edit", null) && !reassignments.pending(caller.tenant(), user).isEmpty()) {
            return UserPage.done(request, response, UserPageController.pathOf(user) + "/reassign?locked");
        }
        return UserPage.done(request, response, UserPageController.pathOf(user) + "?locked");
    }

    @PostMapping(USER + "/unlock")
    String unlock(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        return change(caller, id, model, origin, request, response, "unlocked",
                (service, who, user, from) -> service.unlock(who, page.tenant(who), user, from));
    }

    @PostMapping(USER + "/disable")
    String disable(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        return change(caller, id, model, origin, request, response, "disabled",
                (service, who, user, from) -> service.disable(who, page.tenant(who), user, from));
    }

    @PostMapping(USER + "/enable")
    String enable(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        return change(caller, id, model, origin, request, response, "enabled",
                (service, who, user, from) -> service.enable(who, page.tenant(who), user, from));
    }

    @PostMapping(USER + "/sessions/end")
    String endSessions(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            lifecycle.endSessions(caller, page.tenant(caller), user, origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "sessions");
        }
        return UserPage.done(request, response, UserPageController.pathOf(user) + "?sessionsEnded#sessions");
    }

    /** Ends one device's session (seed 000, "remote logout"); a session not live for this user is 404. */
    @PostMapping(USER + "/sessions/{session}/end")
    String endSession(@AuthenticationPrincipal Caller caller, @PathVariable String id, @PathVariable String session,
            Model model, Origin origin, HttpServletRequest request, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        UUID ended = UserPage.sessionId(session);
        try {
            lifecycle.endSession(caller, page.tenant(caller), user, ended, origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "sessions");
        }
        return UserPage.done(request, response, UserPageController.pathOf(user) + "?sessionEnded#sessions");
    }

    @PostMapping(USER + "/password-reset")
    String resetLink(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            model.addAttribute("resetUrl", lifecycle.resetPassword(caller, page.tenant(caller), user,
                    origin));
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "password");
        }
        return page.render(caller, user, model);
    }

    @PostMapping(USER + "/temporary-password")
    String temporaryPassword(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @ModelAttribute("temporary") UserForms.TemporaryPasswordForm temporary, Model model,
            Origin origin, HttpServletRequest request, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            lifecycle.setTemporaryPassword(caller, page.tenant(caller), user,
                    temporary.temporaryPassword() == null ? "" : temporary.temporaryPassword(),
                    origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "password");
        }
        return UserPage.done(request, response, UserPageController.pathOf(user) + "?temporaryPassword#password");
    }

    @PostMapping(USER + "/invitation")
    String reinvite(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            model.addAttribute("invitationUrl", lifecycle.reinvite(caller, page.tenant(caller), user,
                    origin));
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "password");
        }
        return page.render(caller, user, model);
    }

    /** The delete step: what deleting costs (seed 004: attribution) and the lock it should usually be. */
    @GetMapping(USER + "/delete")
    String confirmDelete(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model) {
        UUID user = UserPage.id(id);
        model.addAttribute("user", roster.get(caller, page.tenant(caller), user));
        model.addAttribute("allowed", roster.allowed(caller, page.tenant(caller), user));
        return "console/users/delete";
    }

    @PostMapping(USER + "/delete")
    String delete(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model,
            Origin origin, HttpServletResponse response) {
        UUID user = UserPage.id(id);
        try {
            roster.delete(caller, page.tenant(caller), user, origin);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.CONFLICT && e.status() != HttpStatus.FORBIDDEN) {
                throw e;
            }
            response.setStatus(e.status().value());
            model.addAttribute("errors", FormErrors.of(e));
            return confirmDelete(caller, id, model);
        }
        return "redirect:" + UserRosterController.USERS + "?deleted";
    }

    private String change(Caller caller, String id, Model model, Origin origin, HttpServletRequest request,
            HttpServletResponse response, String flag, StatusChange action) {
        UUID user = UserPage.id(id);
        try {
            action.apply(lifecycle, caller, user, origin);
        } catch (ApiException e) {
            return page.refused(caller, user, model, response, e, "status");
        }
        return UserPage.done(request, response, UserPageController.pathOf(user) + "?" + flag);
    }
}
