package dev.gatehouse.server.console;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.access.Structure;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.temporaryaccess.Delegations;
import dev.gatehouse.server.temporaryaccess.Elevations;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The "Temporary access" screen ({@code /console/temporary-access}, issue 13): lend one of my roles
 * (an acting role) and end delegations; ask for a role for some minutes; approve or deny the
 * requests I may decide — never my own; and the history of both. Every action goes through
 * {@link Delegations} and {@link Elevations}, the API's own rules; a refusal shows on the page.
 */
@Controller
class TemporaryAccessPageController {

    static final String PATH = "/console/temporary-access";

    /** The lend form: what (a role of mine, as {@code role@location}), to whom, for how many hours, why. */
    record LendForm(@Nullable String lent, @Nullable String to, @Nullable String hours, @Nullable String reason) {}

    /** The request form: a role, where (blank: everywhere), minutes, one use or not, why. */
    record AskForm(@Nullable String role, @Nullable String location, @Nullable String minutes,
            @Nullable String oneTime, @Nullable String reason) {}

    /** A role the signed-in person may lend: held standing now, at a place (null: everywhere). */
    record Lendable(String value, String label) {}

    private final Delegations delegations;
    private final Elevations elevations;
    private final Access access;
    private final Members members;
    private final Structure structure;
    private final Clock clock;

    TemporaryAccessPageController(Delegations delegations, Elevations elevations, Access access, Members members,
            Structure structure, Clock clock) {
        this.delegations = delegations;
        this.elevations = elevations;
        this.access = access;
        this.members = members;
        this.structure = structure;
        this.clock = clock;
    }

    @GetMapping(PATH)
    String page(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String done,
            Model model) {
        model.addAttribute("notice", notice(done));
        return page(caller, model, new LendForm(null, null, "8", null), new AskForm(null, null, "60", null, null));
    }

    @PostMapping(PATH + "/delegations")
    String lend(@AuthenticationPrincipal Caller caller, @ModelAttribute("lend") LendForm form, Model model,
            Origin origin, HttpServletResponse response) {
        try {
            String lent = form.lent() == null ? "" : form.lent();
            int at = lent.indexOf('@');
            String role = at < 0 ? lent : lent.substring(0, at);
            String location = at < 0 || at == lent.length() - 1 ? null : lent.substring(at + 1);
            delegations.create(caller, caller.tenant(), new Delegations.NewDelegation(null, form.to(),
                    role.isBlank() ? null : role, location, null, hoursAhead(form.hours()), form.reason()), origin);
            return "redirect:" + PATH + "?done=lent";
        } catch (ApiException e) {
            refused(e, model, response);
            return page(caller, model, form, new AskForm(null, null, "60", null, null));
        }
    }

    @PostMapping(PATH + "/delegations/{id}/end")
    String end(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin) {
        delegations.end(caller, caller.tenant(), Ids.inPath(id, "delegation"), origin);
        return "redirect:" + PATH + "?done=ended";
    }

    @PostMapping(PATH + "/requests")
    String ask(@AuthenticationPrincipal Caller caller, @ModelAttribute("ask") AskForm form, Model model,
            Origin origin, HttpServletResponse response) {
        try {
            elevations.request(caller, caller.tenant(), new Elevations.NewRequest(blankToNull(form.role()),
                    blankToNull(form.location()), form.reason(), minutes(form.minutes()), form.oneTime() != null),
                    origin);
            return "redirect:" + PATH + "?done=asked";
        } catch (ApiException e) {
            refused(e, model, response);
            return page(caller, model, new LendForm(null, null, "8", null), form);
        }
    }

    @PostMapping(PATH + "/requests/{id}/{decision:approve|deny}")
    String decide(@AuthenticationPrincipal Caller caller, @PathVariable String id, @PathVariable String decision,
            @RequestParam(required = false) @Nullable String note, Model model, Origin origin,
            HttpServletResponse response) {
        try {
            Elevations.Decision body = new Elevations.Decision(note);
            if (decision.equals("approve")) {
                elevations.approve(caller, caller.tenant(), Ids.inPath(id, "elevation request"), body, origin);
            } else {
                elevations.deny(caller, caller.tenant(), Ids.inPath(id, "elevation request"), body, origin);
            }
            return "redirect:" + PATH + "?done=" + (decision.equals("approve") ? "approved" : "denied");
        } catch (ApiException e) {
            refused(e, model, response);
            return page(caller, model, new LendForm(null, null, "8", null), new AskForm(null, null, "60", null, null));
        }
    }

    private String page(Caller caller, Model model, LendForm lend, AskForm ask) {
        if (caller.isPlatformOperator()) {
            throw ApiException.notFound("temporary access");
        }
        Map<String, String> places = new LinkedHashMap<>();
        structure.locations(caller.tenant()).forEach(place -> places.put(place.id(), place.name()));
        TenantPolicy policy = access.policy(caller.tenant()).orElseThrow(() -> ApiException.notFound("tenant"));
        Instant now = clock.instant();
        boolean mayLend = access.allows(caller, "roles.delegate", null);
        List<Lendable> lendable = !mayLend ? List.of() : access.profile(caller.tenant(), caller.userId())
                .map(profile -> profile.subject().assignments().stream()
                        .filter(a -> a.isStanding() && a.validAt(now))
                        .map(a -> lendable(a, places)).distinct().toList())
                .orElse(List.of());
        List<Members.Named> people = members.all(caller.tenant()).stream()
                .filter(person -> !person.id().equals(caller.userId())).limit(500).toList();
        List<Elevations.View> requests = elevations.list(caller, caller.tenant(), null);
        model.addAttribute("places", places);
        model.addAttribute("roles", policy.roles().stream().map(Role::key).sorted().toList());
        model.addAttribute("mayLend", mayLend);
        model.addAttribute("mayAsk", access.allows(caller, "elevation.request", null));
        model.addAttribute("lendable", lendable);
        model.addAttribute("people", people);
        model.addAttribute("delegations", delegations.list(caller, caller.tenant(), null, null));
        model.addAttribute("pending", requests.stream().filter(Elevations.View::mayDecide).toList());
        model.addAttribute("requests", requests.stream().filter(r -> !r.mayDecide()).toList());
        model.addAttribute("lend", lend);
        model.addAttribute("ask", ask);
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", FormErrors.NONE);
        }
        return "console/temporary-access/page";
    }

    private static Lendable lendable(Assignment held, Map<String, String> places) {
        String where = held.location() == null ? "everywhere" : "at " + places.getOrDefault(held.location(),
                held.location());
        return new Lendable(held.role() + "@" + (held.location() == null ? "" : held.location()),
                held.role() + " " + where);
    }

    private @Nullable Instant hoursAhead(@Nullable String hours) {
        if (hours == null || hours.isBlank()) {
            return null;
        }
        try {
            return clock.instant().plus(Duration.ofHours(Long.parseLong(hours.strip())));
        } catch (NumberFormatException | ArithmeticException e) {
            throw ApiException.badRequest("expiresAt", "the length must be a whole number of hours");
        }
    }

    private static @Nullable Integer minutes(@Nullable String minutes) {
        if (minutes == null || minutes.isBlank()) {
            return null;
        }
        try {
            return Integer.parseInt(minutes.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("minutes", "must be a whole number of minutes");
        }
    }

    private static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static @Nullable String notice(@Nullable String done) {
        return switch (done == null ? "" : done) {
            case "lent" -> "The role is lent: it works until it ends, and only while you hold it yourself.";
            case "ended" -> "The delegation ended: it stopped working everywhere.";
            case "asked" -> "Your request is waiting for someone who may give that role.";
            case "approved" -> "Approved: the role holds from now for the minutes asked.";
            case "denied" -> "Denied.";
            default -> null;
        };
    }

    private static void refused(ApiException e, Model model, HttpServletResponse response) {
        HttpStatus status = e.status();
        if (status != HttpStatus.BAD_REQUEST && status != HttpStatus.CONFLICT && status != HttpStatus.FORBIDDEN) {
            throw e;
        }
        model.addAttribute("errors", FormErrors.of(e));
        response.setStatus(status.value());
    }
}
