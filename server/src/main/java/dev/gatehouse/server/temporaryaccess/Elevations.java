package dev.gatehouse.server.temporaryaccess;

import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.access.Structure;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.MailTemplates;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.Managers;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Elevation requests (issue 13; seed 000: separation of duties, time-bound access, approval
 * chains): a person holding {@code elevation.request} asks for a role for some minutes with a
 * reason; someone else who may give that role there — {@code roles.assign}, nothing beyond their
 * own access (the engine's no-escalation rule), and covering the requester — approves or denies it.
 * The requester never decides their own request. An approval is an {@code ELEVATION} assignment
 * from now for the minutes asked; a one-time one is used up by the first allowed check through it
 * ({@link ElevationUses}). Approvers hear of a request, and the requester of the decision, by mail
 * through the outbox: the approval chain first (seed 000, "Manager manages certain staff"), so a
 * requester whose manager may decide it is asked through that manager alone, and otherwise everyone
 * who may. A request nobody decides within {@link #PENDING} expires.
 */
@Service
public class Elevations {

    static final String REQUEST = "elevation.request";
    static final String ASSIGN = "roles.assign";
    /** Eight hours: a shift. Longer needs an ordinary, reviewed assignment. */
    static final int MAX_MINUTES = 480;
    /** A request is about today's work: undecided after a day, it has lapsed. */
    static final Duration PENDING = Duration.ofHours(24);
    static final int MAX_REASON = 500;
    /** Whom a new request is mailed to, at most: the first of those who may decide it. */
    static final int MAX_NOTIFIED = 20;
    /** How many of the tenant's latest requests a list looks through. */
    static final int LIST_WINDOW = 2_000;

    public record NewRequest(@Nullable String role, @Nullable String location, @Nullable String reason,
            @Nullable Integer minutes, @Nullable Boolean oneTime) {}

    public record Decision(@Nullable String note) {}

    /**
     * A request as the API answers it. {@code status}: {@code PENDING}, {@code APPROVED} (its
     * assignment holds until {@code expiresAt}), {@code DENIED}, {@code EXPIRED} (undecided in time,
     * or approved and over), {@code USED} (one-time, consumed). {@code mayDecide}: whether the caller
     * may approve or deny it now.
     */
    public record View(String id, String status, Delegations.Person requester, String role, @Nullable String location,
            String reason, int minutes, boolean oneTime, Instant createdAt, Instant pendingUntil,
            Delegations.@Nullable Person decidedBy, @Nullable Instant decidedAt, @Nullable String note,
            @Nullable String assignmentId, @Nullable Instant expiresAt, @Nullable Instant usedAt, boolean mayDecide) {}

    private final ElevationStore store;
    private final Assignments assignments;
    private final Access access;
    private final AccessChanges changes;
    private final Actors actors;
    private final Members members;
    private final UserStore users;
    private final AuditLog audit;
    private final Outbox outbox;
    private final MailTemplates mails;
    private final Structure structure;
    private final Managers managers;
    private final Clock clock;

    Elevations(ElevationStore store, Assignments assignments, Access access, AccessChanges changes, Actors actors,
            Members members, UserStore users, AuditLog audit, Outbox outbox, MailTemplates mails, Structure structure,
            Managers managers, Clock clock) {
        this.structure = structure;
        this.managers = managers;
        this.store = store;
        this.assignments = assignments;
        this.access = access;
        this.changes = changes;
        this.actors = actors;
        this.members = members;
        this.users = users;
        this.audit = audit;
        this.outbox = outbox;
        this.mails = mails;
        this.clock = clock;
    }

    @Transactional
    public View request(Caller caller, TenantId tenant, NewRequest request, Origin origin) {
        caller.requireSession("ask for an elevation");
        TenantPolicy policy = access.policy(tenant).orElseThrow(() -> ApiException.notFound("tenant"));
        List<FieldError> errors = new ArrayList<>();
        String role = request.role() == null ? "" : request.role().strip();
        if (role.isEmpty()) {
            errors.add(new FieldError("role", "is required"));
        } else if (policy.role(role).isEmpty()) {
            errors.add(new FieldError("role", "unknown role"));
        }
        String location = request.location() == null || request.location().isBlank() ? null
                : Ids.canonical(request.location().strip());
        if (location != null && !policy.locations().contains(location)) {
            errors.add(new FieldError("location", "unknown location"));
        }
        String reason = request.reason() == null ? "" : request.reason().strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
            errors.add(new FieldError("reason", "is required, at most " + MAX_REASON + " characters"));
        }
        if (request.minutes() == null || request.minutes() < 1 || request.minutes() > MAX_MINUTES) {
            errors.add(new FieldError("minutes", "must be between 1 and " + MAX_MINUTES));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        access.require(caller, REQUEST, null);
        Instant now = clock.instant();
        ElevationStore.Request stored = new ElevationStore.Request(UUID.randomUUID(), caller.userId(), role, location,
                reason, request.minutes(), Boolean.TRUE.equals(request.oneTime()), "PENDING", now, now.plus(PENDING),
                null, null, null, null, null, null);
        store.insert(tenant, stored);
        audit.record(tenant, "ELEVATION_REQUESTED", actors.actor(caller), target(tenant, stored), origin.ip(),
                origin.userAgent(), details(stored));
        List<UUID> approvers = approvers(tenant, caller.userId(), role, location, now);
        for (String email : approvers.isEmpty() ? List.<String>of() : users.activeEmails(tenant, approvers)) {
            outbox.enqueue(tenant, mails.elevationRequested(tenant, email, caller.username(), role,
                    location == null ? null : placeName(tenant, location), stored.minutes(), stored.oneTime(), reason));
        }
        return views(caller, tenant, List.of(stored)).getFirst();
    }

    /**
     * Whom a new request is mailed to: the requester's manager when they may decide it, else everyone
     * who may (never one who would be refused: a role beyond their own, someone they do not cover).
     */
    private List<UUID> approvers(TenantId tenant, UUID requester, String role, @Nullable String location,
            Instant now) {
        Optional<UUID> manager = managers.of(tenant, requester)
                .filter(id -> mayDecide(tenant, id, requester, role, location, now));
        if (manager.isPresent()) {
            return List.of(manager.get());
        }
        return access.holders(tenant, ASSIGN, location, now).stream().map(Access.Holder::id)
                .filter(id -> mayDecide(tenant, id, requester, role, location, now)).limit(MAX_NOTIFIED).toList();
    }

    /**
     * {@link #mayDecide(Caller, ElevationStore.Request)} for someone who is not the caller, asked of
     * the engine directly: {@link Access#decide} would spend a one-time elevation of theirs.
     */
    private boolean mayDecide(TenantId tenant, UUID decider, UUID requester, String role, @Nullable String location,
            Instant now) {
        Optional<TenantPolicy> policy = access.policy(tenant);
        Optional<Profile> theirs = access.profile(tenant, decider);
        Optional<Profile> asking = access.profile(tenant, requester);
        if (decider.equals(requester) || policy.isEmpty() || theirs.isEmpty() || asking.isEmpty()
                || policy.get().role(role).isEmpty()) {
            return false;
        }
        TenantPolicy engine = policy.get();
        return engine.check(theirs.get(), ASSIGN, Resource.of("role", role).locatedAt(location), now,
                        RequestContext.EMPTY).allowed()
                && engine.grantsBeyond(theirs.get(), engine.flattenedGrants(role), location, now).isEmpty()
                && engine.covers(theirs.get(), asking.get(), now, location).allowed();
    }

    /**
     * The requests the caller may see, newest first: their own, and those they may decide;
     * {@code status} keeps one state.
     */
    @Transactional(readOnly = true)
    public List<View> list(Caller caller, TenantId tenant, @Nullable String status) {
        boolean approver = access.allows(caller, ASSIGN, null);
        List<ElevationStore.Request> visible = store.recent(tenant, LIST_WINDOW).stream()
                .filter(r -> r.requester().equals(caller.userId()) || approver && mayDecide(caller, r))
                .toList();
        return views(caller, tenant, visible).stream().filter(v -> status == null || v.status().equals(status)).toList();
    }

    @Transactional(readOnly = true)
    public View get(Caller caller, TenantId tenant, UUID id) {
        ElevationStore.Request request = store.find(tenant, id).filter(r -> visible(caller, r))
                .orElseThrow(() -> ApiException.notFound("elevation request " + id));
        return views(caller, tenant, List.of(request)).getFirst();
    }

    @Transactional
    public View approve(Caller caller, TenantId tenant, UUID id, @Nullable Decision decision, Origin origin) {
        ElevationStore.Request request = decidable(caller, tenant, id, "approve");
        Instant now = clock.instant();
        Instant until = now.plus(Duration.ofMinutes(request.minutes()));
        UUID assignment = assignments.insert(tenant, request.requester(), request.role(),
                request.location() == null ? null : Ids.parse(request.location()).orElseThrow(), now, until,
                "ELEVATION", caller.userId());
        String note = note(decision);
        store.approve(tenant, id, caller.userId(), now, note, assignment, until);
        ElevationStore.Request approved = store.find(tenant, id).orElseThrow();
        Map<String, Object> details = details(approved);
        details.put("assignment", assignment.toString());
        details.put("expiresAt", until.toString());
        record(caller, tenant, "ELEVATION_APPROVED", approved, details, note, origin);
        changes.subjectChanged(tenant, request.requester());
        notifyRequester(tenant, approved, "approved", caller.username(), note);
        return views(caller, tenant, List.of(approved)).getFirst();
    }

    @Transactional
    public View deny(Caller caller, TenantId tenant, UUID id, @Nullable Decision decision, Origin origin) {
        ElevationStore.Request request = decidable(caller, tenant, id, "deny");
        String note = note(decision);
        store.deny(tenant, id, caller.userId(), clock.instant(), note);
        ElevationStore.Request denied = store.find(tenant, id).orElseThrow();
        record(caller, tenant, "ELEVATION_DENIED", denied, details(denied), note, origin);
        notifyRequester(tenant, request, "denied", caller.username(), note);
        return views(caller, tenant, List.of(denied)).getFirst();
    }

    /**
     * The request, locked, when the caller may decide it now; otherwise 404 (not theirs to see),
     * 403 (their own: separation of duties; or a role beyond what they may give) or 409 (decided,
     * expired).
     */
    private ElevationStore.Request decidable(Caller caller, TenantId tenant, UUID id, String what) {
        caller.requireSession(what + " an elevation");
        ElevationStore.Request request = store.findForUpdate(tenant, id).filter(r -> visible(caller, r))
                .orElseThrow(() -> ApiException.notFound("elevation request " + id));
        if (request.requester().equals(caller.userId())) {
            throw ApiException.forbidden("you cannot " + what + " your own elevation request: someone else who may"
                    + " give role " + request.role() + " must decide it (separation of duties)");
        }
        Resource where = Resource.of("role", request.role()).locatedAt(request.location());
        access.require(caller, ASSIGN, where);
        List<String> beyond = access.grantsBeyondCaller(caller, request.role(), request.location());
        if (!beyond.isEmpty()) {
            throw ApiException.forbidden("you cannot " + what + " an elevation to " + request.role()
                    + (request.location() == null ? " tenant-wide" : " there") + ": it grants "
                    + String.join(", ", beyond.subList(0, Math.min(5, beyond.size()))) + " beyond your own access");
        }
        access.requireCovers(caller, request.requester(), request.location(), ASSIGN, what + " an elevation of");
        String status = status(request, clock.instant());
        if (!status.equals("PENDING")) {
            throw ApiException.conflict("the request is " + status.toLowerCase(java.util.Locale.ROOT)
                    + "; only a pending request is decided");
        }
        return request;
    }

    /** Whether the caller may see a request: their own, or one they could decide. */
    private boolean visible(Caller caller, ElevationStore.Request request) {
        return request.requester().equals(caller.userId()) || access.allows(caller, ASSIGN, null)
                && (mayDecide(caller, request) || isDecider(caller, request));
    }

    private static boolean isDecider(Caller caller, ElevationStore.Request request) {
        return caller.userId().equals(request.decidedBy());
    }

    /** Whether the caller, not the requester, may give the role there and covers the requester. */
    private boolean mayDecide(Caller caller, ElevationStore.Request request) {
        if (request.requester().equals(caller.userId())) {
            return false;
        }
        return access.allows(caller, ASSIGN, Resource.of("role", request.role()).locatedAt(request.location()))
                && access.grantsBeyondCaller(caller, request.role(), request.location()).isEmpty()
                && access.covers(caller, request.requester(), request.location()).allowed();
    }

    static String status(ElevationStore.Request request, Instant now) {
        return switch (request.status()) {
            case "PENDING" -> now.isBefore(request.pendingUntil()) ? "PENDING" : "EXPIRED";
            case "APPROVED" -> request.expiresAt() != null && !now.isBefore(request.expiresAt()) ? "EXPIRED"
                    : "APPROVED";
            default -> request.status();
        };
    }

    private List<View> views(Caller caller, TenantId tenant, List<ElevationStore.Request> requests) {
        Instant now = clock.instant();
        Map<UUID, String> names = new HashMap<>();
        List<UUID> people = new ArrayList<>();
        requests.forEach(r -> {
            people.add(r.requester());
            if (r.decidedBy() != null) {
                people.add(r.decidedBy());
            }
        });
        members.named(tenant, people.stream().distinct().toList()).forEach(n -> names.put(n.id(), n.username()));
        return requests.stream().map(r -> {
            String status = status(r, now);
            return new View(r.id().toString(), status, new Delegations.Person(r.requester().toString(),
                    names.get(r.requester())), r.role(), r.location(), r.reason(), r.minutes(), r.oneTime(),
                    r.createdAt(), r.pendingUntil(), r.decidedBy() == null ? null
                            : new Delegations.Person(r.decidedBy().toString(), names.get(r.decidedBy())),
                    r.decidedAt(), r.note(), r.assignment() == null ? null : r.assignment().toString(), r.expiresAt(),
                    r.usedAt(), status.equals("PENDING") && mayDecide(caller, r));
        }).toList();
    }

    private void record(Caller caller, TenantId tenant, String action, ElevationStore.Request request,
            Map<String, Object> details, @Nullable String note, Origin origin) {
        if (note != null) {
            details.put("note", note);
        }
        audit.record(tenant, action, actors.actor(caller), target(tenant, request), origin.ip(), origin.userAgent(), details);
    }

    private void notifyRequester(TenantId tenant, ElevationStore.Request request, String outcome, String decider,
            @Nullable String note) {
        for (String email : users.activeEmails(tenant, List.of(request.requester()))) {
            outbox.enqueue(tenant, mails.elevationDecided(tenant, email, request.role(),
                    request.location() == null ? null : placeName(tenant, request.location()), outcome, decider,
                    request.minutes(), request.oneTime(), note));
        }
    }

    private String placeName(TenantId tenant, String location) {
        return structure.locations(tenant).stream().filter(place -> place.id().equals(location))
                .map(Structure.Place::name).findFirst().orElse(location);
    }

    private static @Nullable String note(@Nullable Decision decision) {
        if (decision == null || decision.note() == null || decision.note().isBlank()) {
            return null;
        }
        String note = decision.note().strip();
        if (note.length() > MAX_REASON) {
            throw ApiException.badRequest("note", "at most " + MAX_REASON + " characters");
        }
        return note;
    }

    private AuditLog.Target target(TenantId tenant, ElevationStore.Request request) {
        return new AuditLog.Target("user", request.requester().toString(),
                members.username(tenant, request.requester()).orElse(null));
    }

    static Map<String, Object> details(ElevationStore.Request request) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", request.id().toString());
        details.put("requester", request.requester().toString());
        details.put("role", request.role());
        details.put("location", request.location() == null ? "tenant-wide" : request.location());
        details.put("minutes", request.minutes());
        details.put("oneTime", request.oneTime());
        details.put("reason", request.reason());
        return details;
    }
}
