package dev.gatehouse.server.signup;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.Roster;
import dev.gatehouse.server.users.SelfRegistration;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserRoleService;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The approval queue (issue 16): self-registrations waiting for approval (a domain mapping in APPROVAL
 * mode, or {@code registration.approval}) and members' requests for a requestable role (seed 002:
 * "provider role assignment through approval process"). Deciding needs {@code registrations.approve};
 * approving a role request also goes through the users API's assignment rules (roles.assign there,
 * nothing beyond the approver's own access, covering the requester, never one's own request: 403).
 * Every request, approval and rejection is audited in the tenant's trail, in the transaction of the
 * change, and the person is told by mail.
 */
@Service
public class Approvals {

    /** A request as the API shows it; {@code user} is the requester (ROLE) or the account made on approval. */
    public record View(String id, String kind, String status, @Nullable String email, @Nullable String username,
            @Nullable String firstName, @Nullable String lastName, @Nullable String user, String role,
            @Nullable String location, @Nullable String note, String via, Instant createdAt, @Nullable String decidedBy,
            @Nullable Instant decidedAt, @Nullable String decisionNote) {}

    /** A member's request for a role: {@code role} one of {@code registration.requestableRoles}, {@code note} why. */
    public record RoleRequest(@Nullable String role, @Nullable String note) {}

    /** An approval or rejection, with an optional note for the person. */
    public record Decision(@Nullable String note) {}

    static final String APPROVE = "registrations.approve";
    static final Set<String> STATUSES = Set.of("PENDING", "APPROVED", "REJECTED");
    static final int MAX_NOTE = 1000;

    private final SignupRequestStore store;
    private final Access access;
    private final Actors actors;
    private final AuditLog audit;
    private final Outbox outbox;
    private final TenantDirectory directory;
    private final TenantSettingsStore settings;
    private final SelfRegistration registration;
    private final UserRoleService roles;
    private final UserStore users;
    private final ApprovalNotices notices;
    private final Clock clock;

    Approvals(SignupRequestStore store, Access access, Actors actors, AuditLog audit, Outbox outbox,
            TenantDirectory directory, TenantSettingsStore settings, SelfRegistration registration, UserRoleService roles,
            UserStore users, ApprovalNotices notices, Clock clock) {
        this.notices = notices;
        this.store = store;
        this.access = access;
        this.actors = actors;
        this.audit = audit;
        this.outbox = outbox;
        this.directory = directory;
        this.settings = settings;
        this.registration = registration;
        this.roles = roles;
        this.users = users;
        this.clock = clock;
    }

    /** How many requests wait in {@code tenant}'s queue (for the console's home page). */
    @Transactional(readOnly = true)
    public long pendingCount(TenantId tenant) {
        return store.count(tenant, "PENDING");
    }

    /** The queue, newest first; {@code status} PENDING, APPROVED, REJECTED or null for all. */
    @Transactional(readOnly = true)
    public Page<View> list(Caller caller, TenantId tenant, @Nullable String status, int page, int size) {
        access.require(caller, APPROVE, null);
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("status", "must be PENDING, APPROVED or REJECTED");
        }
        return new Page<>(store.page(tenant, status, page, size).stream().map(r -> view(tenant, r)).toList(), page,
                size, store.count(tenant, status));
    }

    @Transactional(readOnly = true)
    public View get(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, APPROVE, null);
        return view(tenant, store.find(tenant, id).orElseThrow(() -> ApiException.notFound("registration " + id)));
    }

    /**
     * A signed-in member asks for a requestable role.
     *
     * @throws ApiException 400 for a role that is not requestable here, 409 when they hold it or asked already
     */
    @Transactional
    public View requestRole(Caller caller, TenantId tenant, @Nullable RoleRequest request, Origin origin) {
        caller.requireSession("ask for a role");
        caller.refuseIfImpersonated("ask for a role");
        if (request == null) {
            throw ApiException.badRequest("body", "must be a JSON object {role, note?}");
        }
        List<String> requestable = settings.of(tenant).registration().requestableRoles();
        if (request.role() == null || !requestable.contains(request.role())
                || access.policy(tenant).flatMap(policy -> policy.role(request.role())).isEmpty()) {
            throw ApiException.badRequest("role", requestable.isEmpty() ? "no role can be asked for here"
                    : "must be one of " + requestable);
        }
        String note = note(request.note(), "note");
        if (access.rolesHeld(tenant, caller.userId()).contains(request.role())) {
            throw ApiException.conflict("you hold " + request.role() + " already");
        }
        UUID id = UUID.randomUUID();
        boolean inserted = store.insert(tenant, new SignupRequestStore.Request(id, "ROLE", "PENDING", null, null, null,
                null, caller.userId(), request.role(), null, note, "role-request", clock.instant(), null, null, null));
        if (!inserted) {
            throw ApiException.conflict("your request for " + request.role() + " waits for an administrator already");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", id.toString());
        details.put("role", request.role());
        if (note != null) {
            details.put("note", note);
        }
        audit.record(tenant, "ROLE_REQUESTED", actors.actor(caller),
                new AuditLog.Target("user", caller.userId().toString(), caller.username()), origin.ip(),
                origin.userAgent(), details);
        notices.requested(tenant);
        return view(tenant, store.find(tenant, id).orElseThrow());
    }

    /** The caller's own role requests, newest first. */
    @Transactional(readOnly = true)
    public List<View> mine(Caller caller, TenantId tenant) {
        return store.ofUser(tenant, caller.userId()).stream().map(r -> view(tenant, r)).toList();
    }

    /**
     * Approves a pending request: a registration becomes an invited account (the invitation mailed to the
     * address), a role request an assignment.
     *
     * @throws ApiException 404 unknown here, 403 without registrations.approve or for one's own request, 409
     *     when no longer pending or the username or address was taken meanwhile
     */
    @Transactional
    public View approve(Caller caller, TenantId tenant, UUID id, @Nullable Decision decision, Origin origin) {
        SignupRequestStore.Request request = decidable(caller, tenant, id);
        String note = note(decision == null ? null : decision.note(), "note");
        Instant now = clock.instant();
        Map<String, Object> details = details(request, note);
        UUID user = request.user();
        if (request.kind().equals("REGISTRATION")) {
            Map<String, String> via = new LinkedHashMap<>();
            via.put("via", request.via());
            via.put("approvedRequest", request.id().toString());
            user = registration.invite(tenant, new SelfRegistration.Applicant(String.valueOf(request.email()),
                            String.valueOf(request.username()), String.valueOf(request.firstName()),
                            String.valueOf(request.lastName())), request.role(), request.location(), via,
                    actors.actor(caller), origin.ip(), origin.userAgent())
                    .orElseThrow(() -> ApiException.conflict("the username or e-mail address is taken in this tenant by"
                            + " now; reject this registration"));
            details.put("user", user.toString());
            store.decide(tenant, id, "APPROVED", caller.userId(), now, note, user);
            audit.record(tenant, "REGISTRATION_APPROVED", actors.actor(caller), target(request), origin.ip(),
                    origin.userAgent(), details);
        } else {
            TenantDirectory.Named named = directory.named(tenant).orElseThrow();
            roles.assign(caller, TenantScope.of(tenant, named.slug(), named.pack()), java.util.Objects.requireNonNull(user),
                    new Roster.RoleRequest(request.role(), request.location() == null ? null
                            : request.location().toString(), null, null), origin);
            store.decide(tenant, id, "APPROVED", caller.userId(), now, note, null);
            audit.record(tenant, "ROLE_REQUEST_APPROVED", actors.actor(caller), target(request), origin.ip(),
                    origin.userAgent(), details);
            tellRequester(tenant, user, "Your request for " + request.role() + " was approved",
                    "your request for the role " + request.role() + " was approved: you hold it from now on.", note);
        }
        return view(tenant, store.find(tenant, id).orElseThrow());
    }

    /**
     * Rejects a pending request; the person is told by mail (with the note, if any).
     *
     * @throws ApiException as {@link #approve}
     */
    @Transactional
    public View reject(Caller caller, TenantId tenant, UUID id, @Nullable Decision decision, Origin origin) {
        SignupRequestStore.Request request = decidable(caller, tenant, id);
        String note = note(decision == null ? null : decision.note(), "note");
        store.decide(tenant, id, "REJECTED", caller.userId(), clock.instant(), note, null);
        String name = directory.name(tenant);
        if (request.kind().equals("REGISTRATION")) {
            audit.record(tenant, "REGISTRATION_REJECTED", actors.actor(caller), target(request), origin.ip(),
                    origin.userAgent(), details(request, note));
            outbox.enqueue(tenant, new Outbox.Message(String.valueOf(request.email()), "Your registration at " + name,
                    "Hello " + request.firstName() + ",\n\nyour registration at " + name + " was not approved."
                            + (note == null ? "" : "\n\n" + note) + "\n", Outbox.Kind.NOTICE));
        } else {
            audit.record(tenant, "ROLE_REQUEST_REJECTED", actors.actor(caller), target(request), origin.ip(),
                    origin.userAgent(), details(request, note));
            tellRequester(tenant, java.util.Objects.requireNonNull(request.user()),
                    "Your request for " + request.role() + " was not approved",
                    "your request for the role " + request.role() + " was not approved.", note);
        }
        return view(tenant, store.find(tenant, id).orElseThrow());
    }

    private SignupRequestStore.Request decidable(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, APPROVE, null);
        SignupRequestStore.Request request = store.findForUpdate(tenant, id)
                .orElseThrow(() -> ApiException.notFound("registration " + id));
        if (caller.userId().equals(request.user())) {
            throw ApiException.forbidden("you cannot decide your own request; another administrator must do it");
        }
        if (!request.status().equals("PENDING")) {
            throw ApiException.conflict("this request was " + request.status().toLowerCase(java.util.Locale.ROOT)
                    + " already");
        }
        return request;
    }

    private void tellRequester(TenantId tenant, UUID user, String subject, String text, @Nullable String note) {
        UserAccount account = users.find(tenant, user).orElse(null);
        if (account == null || account.email() == null) {
            return;
        }
        outbox.enqueue(tenant, new Outbox.Message(account.email(), subject, "Hello " + account.firstName() + ",\n\n"
                + text + (note == null ? "" : "\n\n" + note) + "\n", Outbox.Kind.NOTICE));
    }

    private static @Nullable String note(@Nullable String note, String field) {
        if (note == null || note.isBlank()) {
            return null;
        }
        if (note.length() > MAX_NOTE) {
            throw ApiException.badRequest(field, "at most " + MAX_NOTE + " characters");
        }
        return note.strip();
    }

    private static AuditLog.Target target(SignupRequestStore.Request request) {
        return request.kind().equals("REGISTRATION")
                ? new AuditLog.Target("registration", request.id().toString(), request.username())
                : new AuditLog.Target("user", String.valueOf(request.user()), null);
    }

    private static Map<String, Object> details(SignupRequestStore.Request request, @Nullable String note) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("request", request.id().toString());
        details.put("kind", request.kind());
        details.put("role", request.role());
        if (note != null) {
            details.put("note", note);
        }
        return details;
    }

    private View view(TenantId tenant, SignupRequestStore.Request r) {
        String username = r.username() != null ? r.username()
                : r.user() == null ? null : users.username(tenant, r.user()).orElse(null);
        String decidedBy = r.decidedBy() == null ? null : users.username(tenant, r.decidedBy()).orElse(null);
        return new View(r.id().toString(), r.kind(), r.status(), r.email(), username, r.firstName(), r.lastName(),
                r.user() == null ? null : r.user().toString(), r.role(), r.location() == null ? null
                        : r.location().toString(), r.note(), r.via(), r.createdAt(), decidedBy, r.decidedAt(),
                r.decisionNote());
    }
}
