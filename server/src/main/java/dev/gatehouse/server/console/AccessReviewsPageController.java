package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.accessreviews.AccessReviews;
import dev.gatehouse.server.accessreviews.ReportCsv;
import dev.gatehouse.server.accessreviews.ReviewRequests;
import dev.gatehouse.server.accessreviews.ReviewViews;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.TenantScope;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
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
 * Access reviews in the console (issue 13). {@code /console/access-reviews} is the section of those
 * who run them ({@code access_reviews.manage}): the campaigns, a form to open one, each campaign
 * with all its items and, once completed, its report. {@code /console/reviews} is every reviewer's:
 * the campaigns with items for them and a keep/revoke form per item. Every action goes through
 * {@link AccessReviews}, the API's own rules (a reviewer decides only their items).
 */
@Controller
class AccessReviewsPageController {

    static final String SECTION = "/console/access-reviews";
    static final String MINE = "/console/reviews";

    /**
     * The new-campaign form: locations and roles picked (none: everything), reviewer {@code MANAGER}
     * or a username, the due date (the end of that day, UTC).
     */
    record CampaignForm(@Nullable String name, @Nullable List<String> locations, @Nullable List<String> roles,
            @Nullable String reviewer, @Nullable String reviewerUser, @Nullable String dueDate,
            @Nullable String recurrence, @Nullable String defaultDecision) {

        static final CampaignForm EMPTY = new CampaignForm(null, List.of(), List.of(), "MANAGER", null, null, null,
                "REVOKE");
    }

    private final AccessReviews reviews;
    private final UserDirectory directory;
    private final Access access;
    private final TenantScope scope;

    AccessReviewsPageController(AccessReviews reviews, UserDirectory directory,
            Access access, TenantScope scope) {
        this.scope = scope;
        this.reviews = reviews;
        this.directory = directory;
        this.access = access;
    }

    @GetMapping(SECTION)
    String campaigns(@AuthenticationPrincipal Caller caller, Model model) {
        return campaigns(caller, model, CampaignForm.EMPTY);
    }

    @PostMapping(SECTION)
    String open(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") CampaignForm form, Model model,
            Origin origin, HttpServletResponse response) {
        try {
            ReviewViews.ReviewDetail opened = reviews.create(caller, caller.tenant(), request(caller, form), origin);
            return "redirect:" + SECTION + "/" + opened.review().id();
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            model.addAttribute("errors", FormErrors.of(e));
            response.setStatus(e.status().value());
            return campaigns(caller, model, form);
        }
    }

    @GetMapping(SECTION + "/{id}")
    String campaign(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model) {
        UUID review = Ids.inPath(id, "access review");
        ReviewViews.ReviewDetail detail = reviews.get(caller, caller.tenant(), review);
        model.addAttribute("detail", detail);
        model.addAttribute("labels", labels(caller, detail.items()));
        model.addAttribute("managing", true);
        model.addAttribute("decidable", detail.items().stream().filter(item -> decidable(caller, item)
                || (item.decision() == null && item.reviewer() == null && !caller.userId().toString().equals(item.user())))
                .map(ReviewViews.ItemView::id).toList());
        if (!detail.review().status().equals("OPEN")) {
            model.addAttribute("report", reviews.report(caller, caller.tenant(), review));
        }
        return "console/access-reviews/campaign";
    }

    @GetMapping(SECTION + "/{id}/report.csv")
    org.springframework.http.ResponseEntity<byte[]> reportCsv(@AuthenticationPrincipal Caller caller,
            @PathVariable String id) {
        UUID review = Ids.inPath(id, "access review");
        ReviewViews.Report report = reviews.report(caller, caller.tenant(), review);
        return org.springframework.http.ResponseEntity.ok()
                .contentType(new org.springframework.http.MediaType("text", "csv",
                        java.nio.charset.StandardCharsets.UTF_8))
                .header(org.springframework.http.HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"access-review-" + review + ".csv\"")
                .body(ReportCsv.of(report).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @GetMapping(MINE)
    String mine(@AuthenticationPrincipal Caller caller, Model model) {
        reviewer(caller);
        model.addAttribute("campaigns", reviews.list(caller, caller.tenant(), null, 0, 200).items());
        return "console/access-reviews/mine";
    }

    @GetMapping(MINE + "/{id}")
    String myItems(@AuthenticationPrincipal Caller caller, @PathVariable String id, Model model) {
        reviewer(caller);
        UUID review = Ids.inPath(id, "access review");
        ReviewViews.ReviewDetail detail = reviews.get(caller, caller.tenant(), review);
        // A holder of access_reviews.manage sees every item here too; the page keeps to their own.
        List<ReviewViews.ItemView> own = detail.items().stream().filter(item -> decidable(caller, item)
                || caller.userId().toString().equals(item.decidedBy())).toList();
        model.addAttribute("detail", new ReviewViews.ReviewDetail(detail.review(), own));
        model.addAttribute("labels", labels(caller, own));
        model.addAttribute("managing", false);
        model.addAttribute("decidable", own.stream().filter(item -> decidable(caller, item))
                .map(ReviewViews.ItemView::id).toList());
        return "console/access-reviews/campaign";
    }

    /** A reviewer's keep or revoke; back to the page it came from. */
    @PostMapping(MINE + "/{id}/items/{item}")
    String decide(@AuthenticationPrincipal Caller caller, @PathVariable String id, @PathVariable String item,
            @RequestParam(required = false) @Nullable String decision, @RequestParam(required = false) @Nullable String note,
            @RequestParam(required = false) @Nullable String from, Origin origin) {
        reviewer(caller);
        UUID review = Ids.inPath(id, "access review");
        reviews.decide(caller, scope.resolve(caller, caller.tenantSlug()), review, Ids.inPath(item, "item"),
                new ReviewRequests.Decide(decision, note), origin);
        return "redirect:" + ("section".equals(from) ? SECTION : MINE) + "/" + review + "?decided";
    }

    /**
     * Reviews are per tenant, as the campaigns' section is ({@link Section.Reach#TENANT_MEMBERS}): the
     * platform's operators review no one's access here, so they are told so instead of shown the
     * platform tenant's empty list.
     *
     * @throws ApiException 403 for a platform operator, worded as {@link SectionGuard} words its sections'
     */
    private static void reviewer(Caller caller) {
        if (caller.isPlatformOperator()) {
            throw ApiException.forbidden("platform operators do not review access here: access reviews are per"
                    + " tenant, and a tenant's own managers and reviewers decide them");
        }
    }

    /** Each item's assignment as the user page names it ("Manager @ Downtown"), by item id. */
    private java.util.Map<String, String> labels(Caller caller, List<ReviewViews.ItemView> items) {
        UserDirectory.Names names = directory.of(caller);
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        items.forEach(item -> labels.put(item.id(), names.assignment(item.role(), item.location())));
        return labels;
    }

    /** Whether the page offers the caller keep/revoke on {@code item}, by the service's own rule. */
    static boolean decidable(Caller caller, ReviewViews.ItemView item) {
        return item.decision() == null && !caller.userId().toString().equals(item.user())
                && caller.userId().toString().equals(item.reviewer());
    }

    private String campaigns(Caller caller, Model model, CampaignForm form) {
        model.addAttribute("campaigns", reviews.list(caller, caller.tenant(), null, 0, 200).items());
        model.addAttribute("names", directory.of(caller));
        model.addAttribute("form", form);
        return "console/access-reviews/list";
    }

    private ReviewRequests.Create request(Caller caller, CampaignForm form) {
        String reviewer = form.reviewer();
        if ("USER".equals(reviewer)) {
            String name = form.reviewerUser() == null ? "" : form.reviewerUser().strip();
            reviewer = access.findUser(caller.tenant(), name).map(UUID::toString)
                    .orElseThrow(() -> ApiException.badRequest("reviewer", "no user " + name + " in this organisation"));
        }
        Instant due = null;
        if (form.dueDate() != null && !form.dueDate().isBlank()) {
            try {
                // The last second of the day: the database keeps microseconds, so LocalTime.MAX would round up.
                due = LocalDate.parse(form.dueDate().strip()).atTime(LocalTime.of(23, 59, 59)).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("dueAt", "must be a date");
            }
        }
        return new ReviewRequests.Create(form.name(),
                new ReviewRequests.Scope(form.locations(), form.roles()), reviewer,
                due, form.recurrence() == null || form.recurrence().isBlank() ? null : form.recurrence(),
                form.defaultDecision());
    }
}
