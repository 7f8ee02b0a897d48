package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audittrail.AuditFilters;
import dev.gatehouse.server.audittrail.AuditTrail;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.temporaryaccess.Delegations;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserAvailability;
import dev.gatehouse.server.users.UserPhotos;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.UserRoleService;
import dev.gatehouse.server.users.UserSessions;
import dev.gatehouse.server.users.WeeklyAvailability;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * The user page (details, clinical profile, photo, roles, status, password, sessions, activity) as its
 * controllers render it after a read or a refused action: everything on it comes from the users
 * services with the signed-in caller, so it shows only what the API would show them, and offers
 * only the actions the engine would allow ({@link Roster#allowed}).
 */
@Component
class UserPage {

    static final String VIEW = "console/users/detail";

    /** An assignment as the page lists it, with its names, its window and whether it is in force now. */
    /** A role this user lent or was lent (issue 13), as the page lists it. */
    record LentRow(String from, String to, String role, @Nullable String until, String reason, String status) {}

    record AssignmentRow(UUID id, String label, @Nullable String from, @Nullable String until, String source,
            boolean active) {}

    /** A live session as the page lists it. */
    /** {@code impersonatedBy}: the platform operator's username when the session is their impersonation. */
    /** {@code device}: the label of the device it was opened on; {@code deviceSince}: the user's first sign-in on it. */
    record SessionRow(UUID id, String started, String lastSeen, String expires, @Nullable String ip,
            @Nullable String userAgent, @Nullable String impersonatedBy, List<String> clients, String device,
            @Nullable String deviceSince) {}

    /** How many of the user's own latest events the page shows; the activity log has the rest. */
    static final int RECENT_ACTIVITY = 10;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Roster users;
    private final UserRoleService roles;
    private final TenantScope scope;
    private final UserDirectory directory;
    private final UserAvailability availability;
    private final UserPhotos photos;
    private final AuditTrail trail;
    private final Access access;
    private final Clock clock;
    private final AccountTermsCard terms;
    private final Delegations delegations;

    UserPage(Roster users, UserRoleService roles, TenantScope scope, UserDirectory directory,
            UserAvailability availability, UserPhotos photos, AuditTrail trail, Access access, Clock clock,
            AccountTermsCard terms, Delegations delegations) {
        this.terms = terms;
        this.delegations = delegations;
        this.users = users;
        this.availability = availability;
        this.photos = photos;
        this.roles = roles;
        this.scope = scope;
        this.directory = directory;
        this.trail = trail;
        this.access = access;
        this.clock = clock;
    }

    TenantScope.Scoped tenant(Caller caller) {
        return scope.resolve(caller, caller.tenantSlug());
    }

    /** Fills the model for {@link #VIEW}; a form the controller already put there (with its errors) stays. */
    String render(Caller caller, UUID id, Model model) {
        TenantScope.Scoped tenant = tenant(caller);
        UserAccount user = users.get(caller, tenant, id);
        UserDirectory.Names names = directory.of(caller);
        Instant now = clock.instant();
        List<AssignmentRow> assignments = roles.assignments(caller, tenant, id, 0, 200).items().stream()
                .map(held -> new AssignmentRow(held.id(), names.assignment(held.role(), held.location()),
                        when(held.startsAt()), when(held.expiresAt()), held.source(), held.validAt(now)))
                .toList();
        Page<UserSessions.Live> sessions = roles.sessions(caller, tenant, id, 0, 50);
        model.addAttribute("user", user);
        model.addAttribute("lockedUntil", when(user.lockedUntil()));
        model.addAttribute("allowed", users.allowed(caller, tenant, id));
        model.addAttribute("assignments", assignments);
        // Issue 13: roles this user lent or was lent, as far as the viewer may see them.
        model.addAttribute("delegations", delegations.list(caller, tenant.id(), id, null).stream()
                .map(d -> new LentRow(String.valueOf(d.from().username()), String.valueOf(d.to().username()),
                        names.assignment(d.role(), d.location()), when(d.expiresAt()), d.reason(), d.status()))
                .toList());
        model.addAttribute("sessions", sessions.items().stream().map(s -> new SessionRow(s.id(), when(s.createdAt()),
                when(s.lastSeenAt()), when(s.expiresAt()), s.ip(), s.userAgent(),
                s.impersonatedBy() == null ? null : s.impersonatedBy().username(), s.clients(), s.device().label(),
                s.device().firstSeenAt() == null ? null : when(s.device().firstSeenAt()))).toList());
        model.addAttribute("sessionCount", sessions.total());
        model.addAttribute("names", names);
        model.addAttribute("timezone", week(caller, tenant, id, model));
        model.addAttribute("hasPhoto", photos.present(caller, tenant, id));
        model.addAttribute("activity", recentActivity(caller, user));
        terms.addTo(caller, tenant, user, model);
        if (!model.containsAttribute("details")) {
            model.addAttribute("details", UserForms.DetailsForm.of(user));
        }
        if (!model.containsAttribute("roleForm")) {
            model.addAttribute("roleForm", UserForms.RoleForm.EMPTY);
        }
        if (!model.containsAttribute("temporary")) {
            model.addAttribute("temporary", new UserForms.TemporaryPasswordForm(null));
        }
        return VIEW;
    }

    /** The weekly availability rows into the model; answers the week's time zone. */
    private String week(Caller caller, TenantScope.Scoped tenant, UUID id, Model model) {
        WeeklyAvailability week = availability.get(caller, tenant, id);
        Object errors = model.getAttribute("errors");
        model.addAttribute("days", WeekForm.rows(week, (DayOfWeek) model.getAttribute("refusedDay"),
                (WeekForm.DayInput) model.getAttribute("typedDay"),
                errors instanceof FormErrors given ? given : FormErrors.NONE));
        return week.timezone();
    }

    /**
     * The user's own latest events (they are the actor), through the Activity log's service; null
     * (no section) when the viewer may not read the trail, which is the same audit.read decision.
     */
    private @Nullable List<ActivityController.EventView> recentActivity(Caller caller, UserAccount user) {
        if (!access.allows(caller, "audit.read", null)) {
            return null;
        }
        AuditFilters mine = new AuditFilters(user.id().toString(), null, null, null, null, null, null, null);
        return trail.search(caller, caller.tenant(), mine, null, RECENT_ACTIVITY).items().stream()
                .map(ActivityController::view).toList();
    }

    /**
     * A refusal the user can act on (bad input, a conflict such as the last administrator, a
     * self-protection or no-escalation 403) shown in the page's {@code section}; other failures
     * (404, a 403 for the whole page) become their error pages.
     */
    String refused(Caller caller, UUID id, Model model, HttpServletResponse response, ApiException e,
            String section) {
        if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT
                && e.status() != HttpStatus.FORBIDDEN) {
            throw e;
        }
        model.addAttribute("errors", FormErrors.of(e));
        model.addAttribute("failed", section);
        response.setStatus(e.status().value());
        return render(caller, id, model);
    }

    /** After a change: back to the page (htmx moves the whole page), with a flag for the notice. */
    static String done(HttpServletRequest request, HttpServletResponse response, String target) {
        if (Htmx.isRequest(request)) {
            Htmx.redirect(response, target);
            return VIEW + " :: empty";
        }
        return "redirect:" + target;
    }

    static @Nullable String when(@Nullable Instant instant) {
        return instant == null ? null : WHEN.format(instant);
    }

    /** A session id from the path; anything else is a session that does not exist. */
    static UUID sessionId(String value) {
        return Ids.inPath(value, "session");
    }

    /** A user id from the path; anything else is a page that does not exist. */
    static UUID id(String value) {
        return Ids.inPath(value, "user");
    }
}
