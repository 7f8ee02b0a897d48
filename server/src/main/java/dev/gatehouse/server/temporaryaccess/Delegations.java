package dev.gatehouse.server.temporaryaccess;

import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserAccount;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Lending a role ("Acting Manager", seed 000; docs/engine.md, "Delegation"). The lender is normally
 * the caller, who needs {@code roles.delegate}; an administrator may record one on someone's behalf
 * when they may give that role there ({@code roles.assign}, no escalation) and cover both people.
 * Either way the lender must hold the role, standing, at that location or above, now: nobody lends
 * what they do not have. The delegate gets an assignment with source {@code DELEGATION} whose
 * grantor is the lender; the engine lets it allow only while the lender, active, still holds the
 * role, so it stops at once on every node when they lose it, are locked or disabled.
 */
@Service
public class Delegations {

    private static final Logger log = LoggerFactory.getLogger(Delegations.class);

    static final String LEND = "roles.delegate";
    static final String ASSIGN = "roles.assign";
    /** Seed 000's acting manager covers a holiday or a leave: a month at most, then lend it again. */
    static final Duration MAX_LENGTH = Duration.ofDays(31);
    static final int MAX_REASON = 500;

    /** What a new delegation asks for, as sent (docs/api.md). */
    public record NewDelegation(@Nullable String from, @Nullable String to, @Nullable String role,
            @Nullable String location, @Nullable Instant startsAt, @Nullable Instant expiresAt,
            @Nullable String reason) {}

    /** A person, by id and username. */
    public record Person(String id, @Nullable String username) {}

    /**
     * A delegation as the API answers it. {@code status}: {@code SCHEDULED} (not started),
     * {@code ACTIVE}, {@code SUSPENDED} (the lender does not hold the role there now, so it allows
     * nothing, and its end is about to be recorded), {@code EXPIRED}, {@code ENDED} (deleted, or its
     * lender lost the role).
     */
    public record View(String id, Person from, Person to, String role, @Nullable String location,
            @Nullable Instant startsAt, Instant expiresAt, String reason, String status, @Nullable String assignmentId,
            Person createdBy, Instant createdAt, @Nullable Instant endedAt, @Nullable Person endedBy) {}

    private final DelegationStore store;
    private final Assignments assignments;
    private final Access access;
    private final AccessChanges changes;
    private final Actors actors;
    private final Members members;
    private final UserStore users;
    private final AuditLog audit;
    private final Clock clock;
    private final TransactionTemplate transactions;

    Delegations(DelegationStore store, Assignments assignments, Access access, AccessChanges changes, Actors actors,
            Members members, UserStore users, AuditLog audit, Clock clock, PlatformTransactionManager transactions) {
        // REQUIRES_NEW: a local change is heard after its commit, while its transaction's connection
        // may still be bound to the thread.
        this.transactions = new TransactionTemplate(transactions);
        this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.store = store;
        this.assignments = assignments;
        this.access = access;
        this.changes = changes;
        this.actors = actors;
        this.members = members;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public View create(Caller caller, TenantId tenant, NewDelegation request, Origin origin) {
        Instant now = clock.instant();
        TenantPolicy policy = access.policy(tenant).orElseThrow(() -> ApiException.notFound("tenant"));
        List<FieldError> errors = new ArrayList<>();
        UUID from = request.from() == null || request.from().isBlank() ? caller.userId()
                : userId(request.from(), "from");
        UUID to = userId(request.to(), "to");
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
        Instant start = request.startsAt() == null ? now : request.startsAt();
        if (request.expiresAt() == null) {
            errors.add(new FieldError("expiresAt", "is required: a delegation always ends"));
        } else if (!request.expiresAt().isAfter(now) || !request.expiresAt().isAfter(start)) {
            errors.add(new FieldError("expiresAt", "must be in the future and after startsAt"));
        } else if (request.expiresAt().isAfter(start.plus(MAX_LENGTH))) {
            errors.add(new FieldError("expiresAt", "must be at most " + MAX_LENGTH.toDays() + " days after the start"));
        }
        if (request.startsAt() != null && request.startsAt().isAfter(now.plus(MAX_LENGTH))) {
            errors.add(new FieldError("startsAt", "must be at most " + MAX_LENGTH.toDays() + " days ahead"));
        }
        String reason = request.reason() == null ? "" : request.reason().strip();
        if (reason.isEmpty() || reason.length() > MAX_REASON) {
            errors.add(new FieldError("reason", "is required, at most " + MAX_REASON + " characters"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        // Unknown or foreign people are 404 (never reveal another tenant's users), once the shape is right.
        UserAccount lender = users.find(tenant, from).orElseThrow(() -> ApiException.notFound("user " + from));
        UserAccount delegate = users.find(tenant, to).orElseThrow(() -> ApiException.notFound("user " + to));
        if (from.equals(to)) {
            errors.add(new FieldError("to", "is the lender: nobody lends a role to themselves"));
        }
        if (delegate.kind().equals("SERVICE")) {
            errors.add(new FieldError("to", "is a service account: a role is lent to a person; give an application"
                    + " its roles directly"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        Resource where = Resource.of("role", role).locatedAt(location);
        if (from.equals(caller.userId())) {
            access.require(caller, LEND, where);
        } else {
            // On someone's behalf: as giving the role there, and over both people.
            access.require(caller, ASSIGN, where);
            List<String> beyond = access.grantsBeyondCaller(caller, role, location);
            if (!beyond.isEmpty()) {
                throw ApiException.forbidden("you cannot record a delegation of " + role + ": it grants "
                        + String.join(", ", beyond.subList(0, Math.min(5, beyond.size()))) + " beyond your own access");
            }
            access.requireCovers(caller, from, location, ASSIGN, "lend a role of");
            access.requireCovers(caller, to, location, ASSIGN, "lend a role to");
        }
        Profile lenderProfile = access.profile(tenant, from).orElseThrow(() -> ApiException.notFound("user " + from));
        if (!lenderProfile.mayLend(role, location, now)) {
            throw new ApiException(org.springframework.http.HttpStatus.FORBIDDEN, "Forbidden", lender.username()
                    + " does not hold " + role + (location == null ? " tenant-wide" : " there")
                    + " as their own role now (an active account, not lent or elevated): nobody lends what they do"
                    + " not hold", List.of(new FieldError("role", "not held by the lender there")));
        }
        UUID assignment = assignments.insert(tenant, to, role, location == null ? null : Ids.parse(location).orElseThrow(),
                request.startsAt(), request.expiresAt(), "DELEGATION", from);
        DelegationStore.Delegation delegation = new DelegationStore.Delegation(UUID.randomUUID(), from, to, role,
                location, request.startsAt(), request.expiresAt(), reason, assignment, caller.userId(), now, null, null);
        store.insert(tenant, delegation);
        Map<String, Object> details = details(delegation, lender.username(), delegate.username());
        audit.record(tenant, "DELEGATION_CREATED", actors.actor(caller), target(delegate), origin.ip(),
                origin.userAgent(), details);
        changes.subjectChanged(tenant, to);
        return views(tenant, List.of(delegation)).getFirst();
    }

    /**
     * The delegations the caller may see, newest first: those they lent or were lent; with
     * {@code roles.assign} anywhere, every one of the tenant. {@code user} keeps those of one person.
     */
    @Transactional(readOnly = true)
    public List<View> list(Caller caller, TenantId tenant, @Nullable UUID user, @Nullable String status) {
        boolean all = access.allows(caller, ASSIGN, null);
        List<DelegationStore.Delegation> visible = store.list(tenant, all ? user : caller.userId()).stream()
                .filter(d -> user == null || d.from().equals(user) || d.to().equals(user))
                .toList();
        return views(tenant, visible).stream().filter(v -> status == null || v.status().equals(status)).toList();
    }

    /** Ends a delegation at once: by its lender, its delegate (giving it back), who recorded it, or an admin over the delegate. */
    @Transactional
    public void end(Caller caller, TenantId tenant, UUID id, Origin origin) {
        DelegationStore.Delegation delegation = store.findForUpdate(tenant, id)
                .filter(d -> mayRead(caller, d))
                .orElseThrow(() -> ApiException.notFound("delegation " + id));
        if (delegation.endedAt() != null) {
            return;
        }
        UUID me = caller.userId();
        if (!me.equals(delegation.from()) && !me.equals(delegation.to()) && !me.equals(delegation.createdBy())) {
            access.require(caller, ASSIGN, Resource.of("role", delegation.role()).locatedAt(delegation.location()));
            access.requireCovers(caller, delegation.to(), delegation.location(), ASSIGN, "end a delegation to");
        }
        Instant now = clock.instant();
        if (delegation.assignment() != null) {
            assignments.delete(tenant, delegation.assignment());
        }
        store.end(tenant, id, now, me);
        Map<String, Object> details = details(delegation, members.username(tenant, delegation.from()).orElse(null),
                members.username(tenant, delegation.to()).orElse(null));
        details.put("endedEarly", now.isBefore(delegation.expiresAt()));
        audit.record(tenant, "DELEGATION_ENDED", actors.actor(caller),
                new AuditLog.Target("user", delegation.to().toString(),
                        members.username(tenant, delegation.to()).orElse(null)),
                origin.ip(), origin.userAgent(), details);
        changes.subjectChanged(tenant, delegation.to());
    }

    /**
     * A lent role ends for good once its lender no longer holds it there (docs/api.md: "ends when
     * {@code from} loses it"): the engine already stopped it allowing, on every node, the moment the
     * change arrived; this records the end, as {@code DELEGATION_ENDED} by the system with the reason
     * {@code LENDER_LOST_ROLE}, so regaining the role later does not bring the delegation back. Every
     * node hears of the change; the row lock and the ended check let one of them record it.
     */
    @EventListener
    void lenderChanged(AccessChanged.Subject change) {
        if (change.created()) {
            return; // a user created this moment has lent nothing (issue 17: no read on every creation)
        }
        endLapsed(change.tenant(), change.user());
    }

    /** A role edit or a moved location may take a lent role from its lender too. */
    @EventListener
    void policyChanged(AccessChanged.Policy change) {
        endLapsed(change.tenant(), null);
    }

    private void endLapsed(TenantId tenant, @Nullable UUID lender) {
        try {
            Instant now = clock.instant();
            for (DelegationStore.Delegation delegation : store.lentBy(tenant, lender, now)) {
                if (!mayStillLend(tenant, delegation, now)) {
                    transactions.executeWithoutResult(status -> recordLapse(tenant, delegation.id(), now));
                }
            }
        } catch (RuntimeException e) {
            // Nothing allows through it meanwhile (the engine checks the lender at every decision);
            // the next change of the lender or the tenant records the end.
            log.warn("Recording the end of lapsed delegations of tenant {} failed: {}", tenant.value(), e.toString());
        }
    }

    private boolean mayStillLend(TenantId tenant, DelegationStore.Delegation delegation, Instant now) {
        return access.profile(tenant, delegation.from())
                .map(lender -> lender.mayLend(delegation.role(), delegation.location(), now)).orElse(false);
    }

    /** Ends one lapsed delegation, under its row lock, unless another node or a change got there first. */
    private void recordLapse(TenantId tenant, UUID id, Instant now) {
        Optional<DelegationStore.Delegation> locked = store.findForUpdate(tenant, id);
        if (locked.isEmpty() || locked.get().endedAt() != null || mayStillLend(tenant, locked.get(), now)) {
            return;
        }
        DelegationStore.Delegation delegation = locked.get();
        if (delegation.assignment() != null) {
            assignments.delete(tenant, delegation.assignment());
        }
        store.end(tenant, id, now, null);
        Map<String, Object> details = details(delegation, members.username(tenant, delegation.from()).orElse(null),
                members.username(tenant, delegation.to()).orElse(null));
        details.put("endedEarly", now.isBefore(delegation.expiresAt()));
        details.put("why", "LENDER_LOST_ROLE");
        audit.record(tenant, "DELEGATION_ENDED", AuditLog.Actor.SYSTEM,
                new AuditLog.Target("user", delegation.to().toString(),
                        members.username(tenant, delegation.to()).orElse(null)),
                null, null, details);
        changes.subjectChanged(tenant, delegation.to());
    }

    private boolean mayRead(Caller caller, DelegationStore.Delegation delegation) {
        UUID me = caller.userId();
        return me.equals(delegation.from()) || me.equals(delegation.to()) || me.equals(delegation.createdBy())
                || access.allows(caller, ASSIGN, null);
    }

    private List<View> views(TenantId tenant, List<DelegationStore.Delegation> delegations) {
        Instant now = clock.instant();
        Map<UUID, String> names = new HashMap<>();
        List<UUID> people = new ArrayList<>();
        for (DelegationStore.Delegation d : delegations) {
            people.add(d.from());
            people.add(d.to());
            people.add(d.createdBy());
            if (d.endedBy() != null) {
                people.add(d.endedBy());
            }
        }
        members.named(tenant, people.stream().distinct().toList()).forEach(n -> names.put(n.id(), n.username()));
        Map<UUID, Optional<Profile>> lenders = new HashMap<>();
        return delegations.stream().map(d -> {
            String status;
            if (d.endedAt() != null) {
                status = "ENDED";
            } else if (!now.isBefore(d.expiresAt())) {
                status = "EXPIRED";
            } else if (d.startsAt() != null && now.isBefore(d.startsAt())) {
                status = "SCHEDULED";
            } else {
                Optional<Profile> lender = lenders.computeIfAbsent(d.from(), from -> access.profile(tenant, from));
                status = lender.isPresent() && lender.get().mayLend(d.role(), d.location(), now) ? "ACTIVE"
                        : "SUSPENDED";
            }
            return new View(d.id().toString(), person(d.from(), names), person(d.to(), names), d.role(), d.location(),
                    d.startsAt(), d.expiresAt(), d.reason(), status,
                    d.assignment() == null ? null : d.assignment().toString(), person(d.createdBy(), names),
                    d.createdAt(), d.endedAt(), d.endedBy() == null ? null : person(d.endedBy(), names));
        }).toList();
    }

    private static Person person(UUID id, Map<UUID, String> names) {
        return new Person(id.toString(), names.get(id));
    }

    private static UUID userId(@Nullable String text, String field) {
        if (text == null || text.isBlank()) {
            throw ApiException.badRequest(field, "is required: a user id");
        }
        // Not an id at all is bad input; an id of nobody here is a 404 (see create).
        return Ids.parse(text.strip()).orElseThrow(() -> ApiException.badRequest(field, "is not a user id"));
    }

    private static Map<String, Object> details(DelegationStore.Delegation d, @Nullable String fromName,
            @Nullable String toName) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("delegation", d.id().toString());
        details.put("from", d.from().toString());
        details.put("fromUsername", String.valueOf(fromName));
        details.put("to", d.to().toString());
        details.put("toUsername", String.valueOf(toName));
        details.put("role", d.role());
        details.put("location", d.location() == null ? "tenant-wide" : d.location());
        details.put("startsAt", d.startsAt() == null ? "now" : d.startsAt().toString());
        details.put("expiresAt", d.expiresAt().toString());
        details.put("reason", d.reason());
        if (d.assignment() != null) {
            details.put("assignment", d.assignment().toString());
        }
        return details;
    }

    private static AuditLog.Target target(UserAccount user) {
        return new AuditLog.Target("user", user.id().toString(), user.username());
    }
}
