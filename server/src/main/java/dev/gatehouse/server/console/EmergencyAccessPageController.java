package dev.gatehouse.server.console;

import dev.gatehouse.server.emergencyaccess.EmergencyAccess;
import dev.gatehouse.server.emergencyaccess.EmergencyAccesses;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import jakarta.servlet.http.HttpServletResponse;
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
 * Clinical break-glass in the console (issue 13): {@code /console/emergency-access}, where a clinician
 * ({@code break_glass.open}) opens emergency access to one record and sees and ends their own, and
 * {@code /console/break-glass-reviews}, the review queue ({@code break_glass.review}). Each section
 * is guarded by its permission ({@link Section}); every action goes through {@link EmergencyAccesses},
 * the API's own rules.
 */
@Controller
class EmergencyAccessPageController {

    static final String OPEN_PATH = "/console/emergency-access";
    static final String REVIEW_PATH = "/console/break-glass-reviews";

    /** What the form posts. */
    record OpenForm(@Nullable String type, @Nullable String id, @Nullable String reason) {}

    /** A row of either list, with what the page needs beyond the access itself. */
    record Row(EmergencyAccess access, String username, boolean open, boolean own, @Nullable String reviewer) {}

    private final EmergencyAccesses accesses;

    EmergencyAccessPageController(EmergencyAccesses accesses) {
        this.accesses = accesses;
    }

    @GetMapping(OPEN_PATH)
    String mine(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String ended,
            Model model) {
        model.addAttribute("notice", ended == null ? null : "Your emergency access has ended.");
        return minePage(caller, model, new OpenForm("patient", null, null));
    }

    @PostMapping(OPEN_PATH)
    String open(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") OpenForm form, Model model,
            Origin origin, HttpServletResponse response) {
        try {
            EmergencyAccess opened = accesses.open(caller, new EmergencyAccesses.OpenRequest(
                    new EmergencyAccesses.ResourceRequest(blankToNull(form.type()), blankToNull(form.id()), null),
                    form.reason()), origin);
            model.addAttribute("opened", opened);
            response.setStatus(HttpStatus.CREATED.value());
            return minePage(caller, model, new OpenForm("patient", null, null));
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT
                    && e.status() != HttpStatus.FORBIDDEN) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(e.status().value());
            return minePage(caller, model, form);
        }
    }

    @PostMapping(OPEN_PATH + "/{id}/end")
    String end(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin) {
        accesses.end(caller, Ids.inPath(id, "emergency access"), origin);
        return "redirect:" + OPEN_PATH + "?ended";
    }

    @GetMapping(REVIEW_PATH)
    String queue(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String reviewed, Model model) {
        model.addAttribute("notice", reviewed == null ? null : "Review recorded.");
        return queuePage(caller, status(status), model);
    }

    @PostMapping(REVIEW_PATH + "/{id}")
    String review(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String outcome, @RequestParam(required = false) @Nullable String note,
            Model model, Origin origin, HttpServletResponse response) {
        try {
            accesses.review(caller, Ids.inPath(id, "emergency access"),
                    new EmergencyAccesses.ReviewRequest(outcome, note), origin);
            return "redirect:" + REVIEW_PATH + "?status=REVIEWED&reviewed";
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST && e.status() != HttpStatus.CONFLICT) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            model.addAttribute("failedId", id);
            response.setStatus(e.status().value());
            return queuePage(caller, EmergencyAccess.Status.PENDING_REVIEW, model);
        }
    }

    private String minePage(Caller caller, Model model, OpenForm form) {
        Page<EmergencyAccess> own = accesses.list(caller, null, caller.userId(), 0, 50);
        model.addAttribute("rows", rows(caller, own.items()));
        model.addAttribute("form", form);
        model.addAttribute("policy", accesses.settings(caller));
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", FormErrors.NONE);
        }
        return "console/emergency-access/mine";
    }

    private String queuePage(Caller caller, EmergencyAccess.Status status, Model model) {
        Page<EmergencyAccess> found = accesses.list(caller, status, null, 0, 200);
        model.addAttribute("rows", rows(caller, found.items()));
        model.addAttribute("status", status.name());
        model.addAttribute("total", found.total());
        if (!model.containsAttribute("errors")) {
            model.addAttribute("errors", FormErrors.NONE);
        }
        return "console/emergency-access/queue";
    }

    private List<Row> rows(Caller caller, List<EmergencyAccess> items) {
        return items.stream().map(access -> new Row(access, accesses.username(caller, access.user()),
                accesses.isOpen(access), access.user().equals(caller.userId()),
                access.reviewedBy() == null ? null : accesses.username(caller, access.reviewedBy()))).toList();
    }

    private static EmergencyAccess.Status status(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return EmergencyAccess.Status.PENDING_REVIEW;
        }
        try {
            return EmergencyAccess.Status.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("status", "must be PENDING_REVIEW or REVIEWED");
        }
    }

    private static @Nullable String blankToNull(@Nullable String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
