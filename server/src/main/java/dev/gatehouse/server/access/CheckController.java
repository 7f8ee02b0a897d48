package dev.gatehouse.server.access;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionView;
import dev.gatehouse.engine.FieldDecisions;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.secrets.SealedCursor;
import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.DoorTenant;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.shared.Usernames;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The decision API (docs/api.md, "Decisions"): the tenant's applications ask whether a user may,
 * and who may. One check answers functional, widget and page permissions alike (seed 003).
 *
 * <p>Who may ask: any signed-in user about themselves; about another user, or who-can, only a
 * holder of {@code access.check}. A user the tenant does not have is a 404 naming {@code user}; an
 * unknown permission is an ordinary deny ({@code UNKNOWN_PERMISSION}), since applications ask
 * freely. In a batch, bad input fails the whole batch with a 400 naming {@code checks[i].field},
 * while an unknown user is answered in place as {@code {error: {status: 404, detail}}}.
 *
 * <p>After warm-up a check reads nothing but the caches: the caller's tenant comes from the
 * session, the user's profile and the tenant's policy from {@link AccessCache}. Most single checks
 * reach {@link #check} through {@link LeanCheckFilter}, ahead of the security chain and MVC; this
 * mapping answers the rest and describes the operation in /v3/api-docs.
 */
@RestController
class CheckController {

    static final String ASK_ABOUT_OTHERS = "access.check";
    static final int MAX_BATCH = 1_000;
    static final int MAX_GUEST_BATCH = 100;

    record Batch(@Nullable List<CheckRequest> checks, @Nullable Boolean audit) {}

    record BatchResults(List<Object> results) {}

    /** A batch item that could not be decided. */
    record ItemError(Problem error) {
        record Problem(int status, String detail) {}
    }

    record UserRef(String id, String username) {}

    record HolderView(UserRef user, DecisionView.Via via) {}

    /**
     * A page of who-can: the list convention's fields (docs/api.md) and the cursors of the pages beside it,
     * absent at either end; {@code page} absent when a cursor placed the page (issue 17), as the users list answers.
     */
    record HolderList(List<HolderView> items, @Nullable Integer page, int size, long total, boolean totalIsLowerBound,
            @Nullable String next, @Nullable String previous) {}

    /**
     * A decision for the tenant's guest: the check API's answer and {@code principal: "guest"}, so an
     * application never mistakes it for a decision about a signed-in user.
     */
    record GuestDecision(boolean allowed, Map<String, Object> reason, DecisionView.@Nullable Via via,
            DecisionView.@Nullable FieldsView fields, String principal) {
        static GuestDecision of(DecisionView view) {
            return new GuestDecision(view.allowed(), view.reason(), view.via(), view.fields(), Access.GUEST_SUBJECT);
        }
    }

    private final Access access;
    private final DenialAudit denials;
    private final Clock clock;
    /** Absent when no feature admits guests: an anonymous check is then a 401, as any anonymous request. */
    private final ObjectProvider<GuestAdmission> guests;

    /** The caller's own tenant from the path; any other, existing or not, and any for operators: 404. */
    private final TenantPaths paths;

    /** Seals who-can's cursors for the tenant and the question. */
    private final SecretBox box;

    CheckController(Access access, DenialAudit denials, Clock clock, TenantPaths paths,
            ObjectProvider<GuestAdmission> guests, SecretBox box) {
        this.access = access;
        this.box = box;
        this.guests = guests;
        this.paths = paths;
        this.denials = denials;
        this.clock = clock;
    }

    @Operation(summary = "May this user do this?", description = """
            Answers {allowed, reason: {code, explanation, ...the reason's fields}, via?} for a user of the tenant, \
            named by id or username. Functional, widget and page permissions are asked alike. context.time asks \
            about another moment (ISO-8601 with an offset). An unknown permission is allowed=false with \
            UNKNOWN_PERMISSION; an unknown user is a 404 naming `user`. Anyone may ask about themselves; about \
            another user only with access.check. "audit": true records a deny as PERMISSION_DENIED. \
            fields: ["ssn", "insurance"] decides each field as the permission <permission>.<field> on the same \
            resource, only when the permission is allowed, and answers fields: {allowed, denied, reasons}; a field \
            the catalog does not list is denied. context.ip is the client's address for conditions on request.ip; \
            asking about yourself it defaults to the request's address, about another user to none. \
            Without credentials, in a tenant whose settings say guestAccess: true, the check is answered for the \
            tenant's guest (the pack's GUEST role, tenant-wide; `user` absent or "guest") with principal: "guest", \
            rate-limited per address; otherwise it is a 401.""")
    @PostMapping("/api/v1/tenants/{tenant}/check")
    Object check(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @RequestBody CheckRequest body, @PathTenant(PathTenant.For.GUEST) DoorTenant door,
            HttpServletRequest request) {
        if (caller == null) {
            // Admitted first: an anonymous caller learns nothing, not even about its input, where guests are not let in.
            return guestAnswer(admitGuest(door, request), parsedOrRefused(body, ""), request);
        }
        return Objects.requireNonNull(answer(caller, tenant, body, request, true));
    }

    /** The tenant when it answers anonymous checks; else the 401 every anonymous request gets. */
    private TenantId admitGuest(DoorTenant tenant, HttpServletRequest request) {
        GuestAdmission admission = guests.getIfAvailable();
        if (admission == null) {
            throw GuestAdmission.unauthorized();
        }
        return admission.admit(tenant, Origin.of(request));
    }

    private static CheckRequest.Question parsedOrRefused(CheckRequest body, String prefix) {
        List<FieldError> errors = new ArrayList<>();
        CheckRequest.Question question = body.parse(prefix, false, true, errors);
        if (question == null) {
            throw ApiException.badRequest(errors);
        }
        return question;
    }

    private GuestDecision guestAnswer(TenantId tenant, CheckRequest.Question question, HttpServletRequest request) {
        FieldDecisions decisions = decideAsGuest(tenant, question, request);
        if (question.audit() && !decisions.decision().allowed()) {
            denials.recordGuest(tenant, List.of(new DenialAudit.GuestDenial(question, decisions.decision())),
                    Origin.of(request));
        }
        return GuestDecision.of(question.fields() == null ? DecisionView.of(decisions.decision())
                : DecisionView.of(decisions));
    }

    private FieldDecisions decideAsGuest(TenantId tenant, CheckRequest.Question question, HttpServletRequest request) {
        Instant at = question.at() == null ? clock.instant() : question.at();
        // The guest is the client: its address is the one conditions on request.ip read.
        RequestContext context = question.context().ip() == null
                ? new RequestContext(Origin.of(request).ip(), question.context().attributes()) : question.context();
        if (question.fields() == null) {
            return new FieldDecisions(access.decideAsGuest(tenant, question.permission(), question.resource(), at,
                    context), Map.of());
        }
        return access.decideFieldsAsGuest(tenant, question.permission(), question.fields(), question.resource(), at,
                context);
    }

    /**
     * The lean path's answer ({@link LeanCheckFilter}): null, recording nothing, where {@link #check}
     * would refuse the caller, so that the full stack, asked next, records the refusal once.
     */
    @Nullable DecisionView answerUnlessRefused(Caller caller, String tenant, CheckRequest body,
            HttpServletRequest request) {
        return answer(caller, tenant, body, request, false);
    }

    private @Nullable DecisionView answer(Caller caller, String tenant, CheckRequest body, HttpServletRequest request,
            boolean refuse) {
        TenantId tenantId = paths.own(caller, tenant);
        List<FieldError> errors = new ArrayList<>();
        CheckRequest.Question question = body.parse("", false, false, errors);
        if (question == null) {
            throw ApiException.badRequest(errors);
        }
        if (!isSelf(caller, question.user())) {
            if (refuse) {
                access.require(caller, ASK_ABOUT_OTHERS, null);
            } else if (!access.allows(caller, ASK_ABOUT_OTHERS, null)) {
                return null;
            }
        }
        UUID user = access.findUser(tenantId, question.user(), question.resource())
                .orElseThrow(() -> unknownUser("user", question.user()));
        FieldDecisions decisions = decide(tenantId, user, question, caller, request);
        Decision decision = decisions.decision();
        if (question.audit() && !decision.allowed()) {
            denials.record(caller, List.of(new DenialAudit.Denial(user, question, decision)), Origin.of(request).ip(),
                    Origin.of(request).userAgent());
        }
        return question.fields() == null ? DecisionView.of(decision) : DecisionView.of(decisions);
    }

    @Operation(summary = "Many checks at once", description = """
            Up to 1000 checks, answered in order as {results: [...]}. Bad input in any check fails the batch with a \
            400 naming checks[i].field; a user the tenant does not have is answered in place as \
            {error: {status: 404, detail}}. A top-level "audit": true applies to every check that does not say \
            otherwise. Asking about anyone but yourself needs access.check.""")
    @PostMapping("/api/v1/tenants/{tenant}/check/batch")
    BatchResults batch(@AuthenticationPrincipal @Nullable Caller caller, @PathVariable String tenant,
            @RequestBody Batch body, @PathTenant(PathTenant.For.GUEST) DoorTenant door, HttpServletRequest request) {
        TenantId tenantId = caller == null ? admitGuest(door, request) : paths.own(caller, tenant);
        if (body.checks() == null) {
            throw ApiException.badRequest("checks", "is required");
        }
        // A guest's batch is bounded tighter: one token of its address limit must not buy a thousand decisions.
        int most = caller == null ? MAX_GUEST_BATCH : MAX_BATCH;
        if (body.checks().size() > most) {
            throw ApiException.badRequest("checks", "at most " + most + " checks per batch");
        }
        boolean auditByDefault = Boolean.TRUE.equals(body.audit());
        List<FieldError> errors = new ArrayList<>();
        List<CheckRequest.Question> questions = new ArrayList<>(body.checks().size());
        for (int i = 0; i < body.checks().size(); i++) {
            CheckRequest check = body.checks().get(i);
            if (check == null) {
                errors.add(new FieldError("checks[" + i + "]", "must be an object"));
                continue;
            }
            questions.add(check.parse("checks[" + i + "].", auditByDefault, caller == null, errors));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        if (caller == null) {
            return guestBatch(tenantId, questions, request);
        }
        if (questions.stream().anyMatch(question -> !isSelf(caller, question.user()))) {
            access.require(caller, ASK_ABOUT_OTHERS, null);
        }
        List<Object> results = new ArrayList<>(questions.size());
        List<DenialAudit.Denial> denied = new ArrayList<>();
        for (CheckRequest.Question question : questions) {
            Optional<UUID> user = access.findUser(tenantId, question.user(), question.resource());
            if (user.isEmpty()) {
                results.add(new ItemError(new ItemError.Problem(HttpStatus.NOT_FOUND.value(),
                        "user " + question.user() + " does not exist in this tenant")));
                continue;
            }
            FieldDecisions decisions = decide(tenantId, user.get(), question, caller, request);
            Decision decision = decisions.decision();
            if (question.audit() && !decision.allowed()) {
                denied.add(new DenialAudit.Denial(user.get(), question, decision));
            }
            results.add(question.fields() == null ? DecisionView.of(decision) : DecisionView.of(decisions));
        }
        denials.record(caller, denied, Origin.of(request).ip(), Origin.of(request).userAgent());
        return new BatchResults(results);
    }

    private BatchResults guestBatch(TenantId tenant, List<CheckRequest.Question> questions,
            HttpServletRequest request) {
        List<Object> results = new ArrayList<>(questions.size());
        List<DenialAudit.GuestDenial> denied = new ArrayList<>();
        for (CheckRequest.Question question : questions) {
            FieldDecisions decisions = decideAsGuest(tenant, question, request);
            if (question.audit() && !decisions.decision().allowed()) {
                denied.add(new DenialAudit.GuestDenial(question, decisions.decision()));
            }
            results.add(GuestDecision.of(question.fields() == null ? DecisionView.of(decisions.decision())
                    : DecisionView.of(decisions)));
        }
        denials.recordGuest(tenant, denied, Origin.of(request));
        return new BatchResults(results);
    }

    /**
     * Who-can counts this many holders and no further, as the user list does (issue 17): beyond it
     * {@code total} is a lower bound, said with {@code totalIsLowerBound}.
     */
    static final int COUNTED_AT_MOST = 10_000;

    /**
     * The users who may do {@code permission} (at {@code location}, or anywhere), with how: seed 003's
     * agent lists are who-can on {@code tickets.act_as_agent}. Needs {@code access.check}.
     */
    @Operation(summary = "Who may do this here?", description = """
            The tenant's users who may do `permission` at `location` (a location id; anywhere when absent) now, each \
            with the role, assignment and grant that allow it: {items: [{user: {id, username}, via}], page, size, \
            total, next?, previous?}, by username; beyond 10,000 holders the count stops and totalIsLowerBound: true \
            says so. Paged by `page` or by `cursor`: `next` and `previous` (absent at either end) go on just after \
            (before) the page's last (first) holder at any depth for the same cost; a cursor works only for the \
            question and tenant that gave it (400 naming `cursor` otherwise), `page` beside it is a 400 naming \
            `page`, and a page placed by a cursor has no `page`. Needs access.check. An unknown permission or \
            location is a 400, unlike in a check.""")
    @GetMapping("/api/v1/tenants/{tenant}/who-can")
    HolderList whoCan(@AuthenticationPrincipal Caller caller, @PathVariable String tenant,
            @RequestParam String permission, @RequestParam(required = false) @Nullable String location,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        TenantId tenantId = paths.own(caller, tenant);
        access.require(caller, ASK_ABOUT_OTHERS, null);
        TenantPolicy policy = access.policy(tenantId).orElseThrow(() -> ApiException.notFound("tenant " + tenant));
        // Unlike a check, who-can is an administrator's question: a key or place that does not exist is a mistake.
        String key = permission.strip();
        if (!policy.catalog().contains(key)) {
            throw ApiException.badRequest("permission", "is not in this tenant's permission catalog");
        }
        String place = null;
        if (location != null && !location.isBlank()) {
            place = CheckRequest.canonicalId(location.strip());
            if (!policy.locations().contains(place)) {
                throw ApiException.badRequest("location", "is not a location of this tenant");
            }
        }
        String purpose = cursorPurpose(tenantId, key, place);
        SealedCursor beside = SealedCursor.read(box, purpose, cursor, page);
        Access.HolderPage holders = beside == null
                ? access.holders(tenantId, key, place, clock.instant(), page, size, COUNTED_AT_MOST)
                : access.holdersBeside(tenantId, key, place, clock.instant(), beside, size, COUNTED_AT_MOST);
        List<HolderView> items = holders.items().stream()
                .map(holder -> new HolderView(new UserRef(holder.id().toString(), holder.username()),
                        DecisionView.of(holder.decision()).via()))
                .toList();
        SealedCursor.Beside cursors = SealedCursor.beside(box, purpose, beside,
                items.isEmpty() ? null : Usernames.normalize(items.getFirst().user().username()),
                items.isEmpty() ? null : Usernames.normalize(items.getLast().user().username()), holders.moreBefore(),
                holders.moreAfter());
        return new HolderList(items, beside == null ? page : null, size, holders.total(), holders.totalIsLowerBound(),
                cursors.next(), cursors.previous());
    }

    /**
     * What who-can's cursors are sealed for: the tenant and the question (permission and location), so that a
     * cursor opens only for the question that gave it: replayed on another, it is a 400 and tells nothing.
     */
    private static String cursorPurpose(TenantId tenant, String permission, @Nullable String location) {
        return "who-can cursor v1 " + tenant.value() + "\n" + permission + "\n" + (location == null ? "" : location);
    }

    private FieldDecisions decide(TenantId tenant, UUID user, CheckRequest.Question question, Caller caller,
            HttpServletRequest request) {
        Instant at = question.at() == null ? clock.instant() : question.at();
        RequestContext context = question.context();
        if (context.ip() == null && user.equals(caller.userId())) {
            // Asking about yourself, you are the client: your address is the one conditions read. Asking about
            // someone else (an application for its user), the request's address is the application's, not the
            // user's, so nothing is assumed and a condition on request.ip is unevaluable (docs/engine.md).
            context = new RequestContext(Origin.of(request).ip(), context.attributes());
        }
        if (question.fields() == null) {
            return new FieldDecisions(access.decide(tenant, user, question.permission(), question.resource(), at,
                    context), Map.of());
        }
        return access.decideFields(tenant, user, question.permission(), question.fields(), question.resource(), at,
                context);
    }

    /** Whether {@code user} names the caller, by id or by username. */
    private static boolean isSelf(Caller caller, String user) {
        return user.equalsIgnoreCase(caller.userId().toString())
                || Usernames.normalize(user).equals(Usernames.normalize(caller.username()));
    }

    /** A 404 naming {@code field}, as every decision endpoint answers for a user the tenant does not have. */
    static ApiException unknownUser(String field, String user) {
        return new ApiException(HttpStatus.NOT_FOUND, "Not found", "user " + user + " does not exist in this tenant",
                List.of(new FieldError(field, "no such user in this tenant")));
    }
}
