package dev.gatehouse.server.accessreviews;

import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.Managers;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserRoleService;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Access review campaigns (issue 13; seed 000 "Access review scheduling"). A campaign snapshots
 * the assignments in its scope when it opens, one item per user × assignment, each routed to a
 * reviewer: the named person, or with {@code MANAGER} the user's manager ({@link Managers}); a
 * user without a manager, and anyone's own assignments, go to the campaign's creator, and the
 * creator's own to any other holder of {@value #MANAGE}. Nobody ever reviews their own access.
 *
 * <p>KEEP is recorded; REVOKE removes the assignment at once through the users feature (audited
 * ROLE_REVOKED, profiles invalidated on every node). At {@code dueAt} the unanswered items follow
 * the campaign's default decision, REVOKE unless the creator chose KEEP: access nobody vouched for
 * by the deadline is removed, which is what an auditor asks of a certification (docs/security.md,
 * "Access reviews"). A completed QUARTERLY campaign opens the next one, three months later.
 */
@Service
public class AccessReviews {

    /** The permission that creates campaigns, sees all of them and reads their reports. */
    public static final String MANAGE = "access_reviews.manage";
    static final String MANAGER = "MANAGER";
    static final String QUARTERLY = "QUARTERLY";
    static final Set<String> DECISIONS = Set.of("KEEP", "REVOKE");
    static final int MAX_NAME = 200;
    static final int MAX_NOTE = 2000;
    static final int MAX_SCOPE = 200;

    private final ReviewStore store;
    private final Access access;
    private final Actors actors;
    private final Assignments assignments;
    private final Members members;
    private final Managers managers;
    private final UserRoleService roles;
    private final AuditLog audit;
    private final Clock clock;

    AccessReviews(ReviewStore store, Access access, Actors actors, Assignments assignments,
            Members members, Managers managers, UserRoleService roles, AuditLog audit, Clock clock) {
        this.store = store;
        this.access = access;
        this.actors = actors;
        this.assignments = assignments;
        this.members = members;
        this.managers = managers;
        this.roles = roles;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public ReviewViews.ReviewDetail create(Caller caller, TenantId tenant, ReviewRequests.Create request,
            Origin origin) {
        access.require(caller, MANAGE, null);
        TenantPolicy policy = access.policy(tenant).orElseThrow(() -> ApiException.notFound("tenant"));
        Instant now = clock.instant();
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            errors.add(new FieldError("name", "is required, at most " + MAX_NAME + " characters"));
        }
        if (request.dueAt() == null) {
            errors.add(new FieldError("dueAt", "is required: when unanswered items follow the default decision"));
        } else if (!request.dueAt().isAfter(now)) {
            errors.add(new FieldError("dueAt", "must be in the future"));
        }
        String reviewer = reviewer(tenant, request.reviewer(), errors);
        if (request.recurrence() != null && !request.recurrence().equals(QUARTERLY)) {
            errors.add(new FieldError("recurrence", "must be QUARTERLY, or absent for a one-off campaign"));
        }
        String defaultDecision = request.defaultDecision() == null ? "REVOKE" : request.defaultDecision();
        if (!DECISIONS.contains(defaultDecision)) {
            errors.add(new FieldError("defaultDecision", "must be KEEP or REVOKE"));
        }
        List<String> locations = new ArrayList<>();
        List<String> scopeRoles = new ArrayList<>();
        ReviewRequests.Scope scope = request.scope();
        if (scope != null) {
            checkScope(policy, scope, locations, scopeRoles, errors);
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        ReviewStore.Review review = new ReviewStore.Review(tenant, UUID.randomUUID(), name, locations,
                scopeRoles, reviewer, java.util.Objects.requireNonNull(request.dueAt()), request.recurrence(),
                defaultDecision, "OPEN", caller.userId(), now, null, null, null);
        List<Assignments.Row> inScope = rows(policy, review);
        requireCovers(caller, inScope);
        int items = open(review, inScope);
        audit.record(tenant, "ACCESS_REVIEW_CREATED", actors.actor(caller), target(review), origin.ip(),
                origin.userAgent(), created(review, items));
        return detail(tenant, review, null);
    }

    /** The campaigns the caller may see: all with {@value #MANAGE}, else those with items for them. */
    @Transactional(readOnly = true)
    public Page<ReviewViews.ReviewView> list(Caller caller, TenantId tenant, @Nullable String status, int page,
            int size) {
        if (status != null && !status.equals("OPEN") && !status.equals("COMPLETED")) {
            throw ApiException.badRequest("status", "must be OPEN or COMPLETED");
        }
        UUID reviewer = access.allows(caller, MANAGE, null) ? null : caller.userId();
        return new Page<>(store.page(tenant, reviewer, status, page, size).stream().map(r -> view(tenant, r)).toList(),
                page, size, store.count(tenant, reviewer, status));
    }

    /** One campaign with its items: all for {@value #MANAGE}, else the caller's own items (404 when none). */
    @Transactional(readOnly = true)
    public ReviewViews.ReviewDetail get(Caller caller, TenantId tenant, UUID id) {
        ReviewStore.Review review = visible(caller, tenant, id);
        return detail(tenant, review, access.allows(caller, MANAGE, null) ? null : caller.userId());
    }

    /** The report: every item, its decision, who decided and when, the note and what came of it. */
    @Transactional(readOnly = true)
    public ReviewViews.Report report(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, MANAGE, null);
        ReviewStore.Review review = store.find(tenant, id).orElseThrow(() -> ApiException.notFound("access review " + id));
        List<ReviewViews.ItemView> items = items(tenant, review.id(), null);
        long kept = items.stream().filter(i -> "KEPT".equals(i.outcome())).count();
        long revoked = items.stream().filter(i -> "REVOKED".equals(i.outcome()) || "ALREADY_GONE".equals(i.outcome()))
                .count();
        long defaulted = items.stream().filter(ReviewViews.ItemView::defaulted).count();
        long notRevoked = items.stream().filter(i -> Outcome.NOT_REVOKED.name().equals(i.outcome())).count();
        long pending = items.stream().filter(i -> i.decision() == null).count();
        return new ReviewViews.Report(view(tenant, review), new ReviewViews.Summary(kept, revoked, defaulted,
                notRevoked, pending), items);
    }

    /**
     * A reviewer's decision on one of their items. REVOKE removes the assignment now; the last
     * administrator's admin role is refused (409) and the item stays open. The last decision
     * completes the campaign.
     */
    @Transactional
    public ReviewViews.ItemView decide(Caller caller, TenantScope.Scoped scoped, UUID reviewId, UUID itemId,
            ReviewRequests.Decide request, Origin origin) {
        TenantId tenant = scoped.id();
        List<FieldError> errors = new ArrayList<>();
        if (request.decision() == null || !DECISIONS.contains(request.decision())) {
            errors.add(new FieldError("decision", "must be KEEP or REVOKE"));
        }
        String note = request.note() == null || request.note().isBlank() ? null : request.note().strip();
        if (note != null && note.length() > MAX_NOTE) {
            errors.add(new FieldError("note", "must be at most " + MAX_NOTE + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        visible(caller, tenant, reviewId);
        ReviewStore.Review review = store.findForUpdate(tenant, reviewId).orElseThrow();
        ReviewStore.Item item = store.item(tenant, reviewId, itemId)
                .orElseThrow(() -> ApiException.notFound("item " + itemId));
        if (!mayDecide(caller, item)) {
            throw ApiException.forbidden("this item is not yours to review: it goes to "
                    + (item.reviewer() == null ? "a holder of " + MANAGE + " other than the user" : "its reviewer"));
        }
        if (!review.open()) {
            throw ApiException.conflict("the campaign is completed; its decisions are final");
        }
        if (item.decision() != null) {
            throw ApiException.conflict("this item was decided already (" + item.decision() + ")");
        }
        Instant now = clock.instant();
        AuditLog.Actor actor = actors.actor(caller);
        Outcome outcome = apply(scoped, review, item, request.decision(), actor, origin);
        if (outcome == Outcome.NOT_REVOKED) {
            throw ApiException.conflict("cannot revoke the role that makes " + item.username()
                    + " the tenant's last active administrator; make someone else administrator first");
        }
        store.decide(tenant, item.id(), request.decision(), caller.userId(), now, false, note, outcome.name());
        Map<String, Object> details = itemDetails(item);
        details.put("decision", request.decision());
        details.put("outcome", outcome.name());
        if (note != null) {
            details.put("note", note);
        }
        audit.record(tenant, "ACCESS_REVIEW_DECIDED", actor, target(review), origin.ip(), origin.userAgent(),
                details);
        if (store.counts(tenant, review.id()).pending() == 0) {
            complete(scoped, review, now, AuditLog.Actor.SYSTEM);
        }
        ReviewStore.Item decided = store.item(tenant, reviewId, itemId).orElseThrow();
        return itemViews(tenant, List.of(decided)).getFirst();
    }

    /**
     * The due date has come: every unanswered item follows the default decision (as the system),
     * the campaign completes, and a QUARTERLY one opens its successor. In the caller's transaction,
     * with the campaign row-locked by it.
     */
    void completeDue(TenantScope.Scoped tenant, ReviewStore.Review review) {
        Instant now = clock.instant();
        for (ReviewStore.Item item : store.items(tenant.id(), review.id(), null)) {
            if (item.decision() != null) {
                continue;
            }
            Outcome outcome = apply(tenant, review, item, review.defaultDecision(), AuditLog.Actor.SYSTEM,
                    new Origin(null, null));
            store.decide(tenant.id(), item.id(), review.defaultDecision(), null, now, true, null, outcome.name());
            Map<String, Object> details = itemDetails(item);
            details.put("decision", review.defaultDecision());
            details.put("defaulted", true);
            details.put("outcome", outcome.name());
            audit.record(tenant.id(), "ACCESS_REVIEW_DECIDED", AuditLog.Actor.SYSTEM, target(review), null, null,
                    details);
        }
        complete(tenant, review, now, AuditLog.Actor.SYSTEM);
    }

    /** What a decision came to. */
    enum Outcome { KEPT, REVOKED, ALREADY_GONE, NOT_REVOKED }

    private Outcome apply(TenantScope.Scoped tenant, ReviewStore.Review review, ReviewStore.Item item, String decision,
            AuditLog.Actor actor, Origin origin) {
        if (decision.equals("KEEP")) {
            return Outcome.KEPT;
        }
        return switch (roles.revokeReviewed(tenant, item.user(), item.assignment(), actor, origin, review.id())) {
            case REVOKED -> Outcome.REVOKED;
            case ALREADY_GONE -> Outcome.ALREADY_GONE;
            case LAST_ADMINISTRATOR -> Outcome.NOT_REVOKED;
        };
    }

    private void complete(TenantScope.Scoped tenant, ReviewStore.Review review, Instant now, AuditLog.Actor actor) {
        store.complete(tenant.id(), review.id(), now);
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, Long> outcomes = new LinkedHashMap<>();
        long defaulted = 0;
        for (ReviewStore.Item item : store.items(tenant.id(), review.id(), null)) {
            outcomes.merge(item.outcome() == null ? "NONE" : item.outcome(), 1L, Long::sum);
            defaulted += item.defaulted() ? 1 : 0;
        }
        details.put("outcomes", outcomes);
        details.put("defaulted", defaulted);
        UUID next = null;
        if (QUARTERLY.equals(review.recurrence())) {
            next = openNext(tenant.id(), review, now);
            details.put("next", next.toString());
        }
        audit.record(tenant.id(), "ACCESS_REVIEW_COMPLETED", actor, target(review), null, null, details);
    }

    /** The next quarter's campaign: same scope, reviewer, default and owner, due three months on. */
    private UUID openNext(TenantId tenant, ReviewStore.Review previous, Instant now) {
        Instant due = previous.dueAt();
        do {
            due = due.atOffset(ZoneOffset.UTC).plusMonths(3).toInstant();
        } while (!due.isAfter(now));
        ReviewStore.Review next = new ReviewStore.Review(tenant, UUID.randomUUID(), previous.name(),
                previous.locations(), previous.roles(), previous.reviewer(), due, previous.recurrence(),
                previous.defaultDecision(), "OPEN", previous.createdBy(), now, null, null, previous.id());
        TenantPolicy policy = access.policy(tenant).orElseThrow();
        int items = open(next, rows(policy, next));
        Map<String, Object> details = created(next, items);
        details.put("previous", previous.id().toString());
        audit.record(tenant, "ACCESS_REVIEW_CREATED", AuditLog.Actor.SYSTEM, target(next), null, null, details);
        return next.id();
    }

    /** Stores the campaign and its snapshot of items; answers how many. */
    /**
     * A campaign revokes what its reviewers say, with the campaign as the authority: so whoever opens
     * one must be able to take each assignment in it away themselves — cover its holder there (who
     * may act on whom, decided by the engine). Their own assignments are routed to someone else.
     */
    private void requireCovers(Caller caller, List<Assignments.Row> rows) {
        Set<String> asked = new HashSet<>();
        for (Assignments.Row row : rows) {
            if (!row.user().equals(caller.userId()) && asked.add(row.user() + "@" + row.location())) {
                access.requireCovers(caller, row.user(), row.location(), MANAGE,
                        "open an access review over the roles of");
            }
        }
    }

    /** The assignments in the campaign's scope as of its creation. */
    private List<Assignments.Row> rows(TenantPolicy policy, ReviewStore.Review review) {
        Set<String> where = new LinkedHashSet<>();
        for (String location : review.locations()) {
            if (policy.locations().contains(location)) {
                where.addAll(policy.locations().subtree(location));
            }
        }
        return review.locations().isEmpty() || !where.isEmpty()
                ? assignments.inScope(review.tenant(), where, review.roles(), review.createdAt()) : List.of();
    }

    /** Stores the campaign with one item per assignment of {@code rows}, routed to its reviewer. */
    private int open(ReviewStore.Review review, List<Assignments.Row> rows) {
        TenantId tenant = review.tenant();
        Map<UUID, String> names = new HashMap<>();
        Set<UUID> users = new HashSet<>();
        rows.forEach(row -> users.add(row.user()));
        members.named(tenant, users).forEach(named -> names.put(named.id(), named.username()));
        Map<UUID, Optional<UUID>> managerOf = new HashMap<>();
        List<ReviewStore.Item> items = new ArrayList<>();
        for (Assignments.Row row : rows) {
            UUID reviewer = reviewerOf(tenant, review, row.user(), managerOf);
            items.add(new ReviewStore.Item(UUID.randomUUID(), review.id(), row.user(),
                    names.getOrDefault(row.user(), row.user().toString()), row.id(), row.role(), row.location(),
                    row.startsAt(), row.expiresAt(), row.source(), reviewer, null, null, null, false, null, null));
        }
        store.insert(review);
        store.insertItems(tenant, items);
        return items.size();
    }

    /**
     * The item's reviewer: the named one, or the user's manager; the creator instead when there is
     * none or it would be the user; null (any other holder of {@value #MANAGE}) when that is the user too.
     */
    private @Nullable UUID reviewerOf(TenantId tenant, ReviewStore.Review review, UUID user,
            Map<UUID, Optional<UUID>> managerOf) {
        UUID chosen = review.reviewer().equals(MANAGER)
                ? managerOf.computeIfAbsent(user, u -> managers.of(tenant, u)).orElse(null)
                : Ids.parse(review.reviewer()).orElseThrow();
        if (chosen == null || chosen.equals(user)) {
            chosen = review.createdBy();
        }
        return chosen != null && chosen.equals(user) ? null : chosen;
    }

    private boolean mayDecide(Caller caller, ReviewStore.Item item) {
        if (caller.userId().equals(item.user())) {
            return false;
        }
        if (item.reviewer() != null) {
            return item.reviewer().equals(caller.userId());
        }
        return access.allows(caller, MANAGE, null);
    }

    /** The campaign when the caller may see it: with {@value #MANAGE}, or as the reviewer of one of its items. */
    private ReviewStore.Review visible(Caller caller, TenantId tenant, UUID id) {
        ReviewStore.Review review = store.find(tenant, id).orElseThrow(() -> ApiException.notFound("access review " + id));
        if (access.allows(caller, MANAGE, null) || !store.items(tenant, id, caller.userId()).isEmpty()) {
            return review;
        }
        throw ApiException.notFound("access review " + id);
    }

    private @Nullable String reviewer(TenantId tenant, @Nullable String reviewer, List<FieldError> errors) {
        if (reviewer == null || reviewer.isBlank()) {
            errors.add(new FieldError("reviewer", "is required: MANAGER or the id of a user of this tenant"));
            return MANAGER;
        }
        if (reviewer.equals(MANAGER)) {
            return MANAGER;
        }
        Optional<UUID> id = Ids.parse(reviewer.strip());
        if (id.isEmpty() || members.username(tenant, id.get()).isEmpty()) {
            errors.add(new FieldError("reviewer", "must be MANAGER or the id of a user of this tenant"));
            return MANAGER;
        }
        return id.get().toString();
    }

    private static void checkScope(TenantPolicy policy, ReviewRequests.Scope scope, List<String> locations,
            List<String> roles, List<FieldError> errors) {
        List<String> askedLocations = scope.locations() == null ? List.of() : scope.locations();
        List<String> askedRoles = scope.roles() == null ? List.of() : scope.roles();
        if (askedLocations.size() > MAX_SCOPE) {
            errors.add(new FieldError("scope.locations", "at most " + MAX_SCOPE + " locations"));
        }
        if (askedRoles.size() > MAX_SCOPE) {
            errors.add(new FieldError("scope.roles", "at most " + MAX_SCOPE + " roles"));
        }
        for (int i = 0; i < askedLocations.size() && i < MAX_SCOPE; i++) {
            String location = askedLocations.get(i) == null ? "" : Ids.canonical(askedLocations.get(i).strip());
            if (!policy.locations().contains(location)) {
                errors.add(new FieldError("scope.locations[" + i + "]", "unknown location"));
            } else if (!locations.contains(location)) {
                locations.add(location);
            }
        }
        for (int i = 0; i < askedRoles.size() && i < MAX_SCOPE; i++) {
            String role = askedRoles.get(i);
            if (role == null || role.length() > 64 || policy.role(role).isEmpty()) {
                errors.add(new FieldError("scope.roles[" + i + "]", "unknown role"));
            } else if (!roles.contains(role)) {
                roles.add(role);
            }
        }
    }

    private ReviewViews.ReviewDetail detail(TenantId tenant, ReviewStore.Review review, @Nullable UUID reviewer) {
        return new ReviewViews.ReviewDetail(view(tenant, review), items(tenant, review.id(), reviewer));
    }

    private ReviewViews.ReviewView view(TenantId tenant, ReviewStore.Review review) {
        ReviewStore.Counts counts = store.counts(tenant, review.id());
        return new ReviewViews.ReviewView(review.id().toString(), review.name(),
                new ReviewViews.ScopeView(review.locations(), review.roles()), review.reviewer(), review.dueAt(),
                review.recurrence(), review.defaultDecision(), review.status(), string(review.createdBy()),
                review.createdAt(), review.completedAt(), string(review.previousId()), counts.items(), counts.pending());
    }

    private List<ReviewViews.ItemView> items(TenantId tenant, UUID review, @Nullable UUID reviewer) {
        return itemViews(tenant, store.items(tenant, review, reviewer));
    }

    private List<ReviewViews.ItemView> itemViews(TenantId tenant, List<ReviewStore.Item> items) {
        Set<UUID> people = new HashSet<>();
        for (ReviewStore.Item item : items) {
            if (item.reviewer() != null) {
                people.add(item.reviewer());
            }
            if (item.decidedBy() != null) {
                people.add(item.decidedBy());
            }
        }
        Map<UUID, String> names = new HashMap<>();
        if (!people.isEmpty()) {
            members.named(tenant, people).forEach(named -> names.put(named.id(), named.username()));
        }
        return items.stream().map(item -> new ReviewViews.ItemView(item.id().toString(), item.user().toString(),
                item.username(), item.assignment().toString(), item.role(), item.location(), item.startsAt(),
                item.expiresAt(), item.source(), string(item.reviewer()),
                item.reviewer() == null ? null : names.get(item.reviewer()), item.decision(), string(item.decidedBy()),
                item.decidedBy() == null ? null : names.get(item.decidedBy()), item.decidedAt(), item.defaulted(),
                item.note(), item.outcome())).toList();
    }

    private static Map<String, Object> created(ReviewStore.Review review, int items) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", Map.of("locations", review.locations(), "roles", review.roles()));
        details.put("reviewer", review.reviewer());
        details.put("dueAt", review.dueAt().toString());
        details.put("recurrence", review.recurrence() == null ? "NONE" : review.recurrence());
        details.put("defaultDecision", review.defaultDecision());
        details.put("items", items);
        return details;
    }

    private static Map<String, Object> itemDetails(ReviewStore.Item item) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("item", item.id().toString());
        details.put("user", item.user().toString());
        details.put("username", item.username());
        details.put("assignmentId", item.assignment().toString());
        details.put("role", item.role());
        details.put("location", item.location() == null ? "tenant-wide" : item.location());
        return details;
    }

    private static AuditLog.Target target(ReviewStore.Review review) {
        return new AuditLog.Target("access_review", review.id().toString(), review.name());
    }

    private static @Nullable String string(@Nullable UUID id) {
        return id == null ? null : id.toString();
    }
}
