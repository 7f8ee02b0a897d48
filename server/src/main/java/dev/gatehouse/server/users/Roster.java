package dev.gatehouse.server.users;

import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.audit.TrailCounts;
import dev.gatehouse.server.secrets.SealedCursor;
import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.authentication.PasswordPolicy;
import dev.gatehouse.server.authentication.Passwords;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.AccountClosed;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import dev.gatehouse.server.usertypes.UserType;
import dev.gatehouse.server.usertypes.UserTypes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * The people and service accounts on a tenant's roster: adding them with their roles and an
 * invitation or an admin-set password (a service account with neither, issue 12), finding and
 * listing them, editing their details and clinical profile, and the guarded delete (seeds 000, 003
 * and 004), which tells the features holding the user's credentials ({@link AccountClosed}). Their
 * status and credentials are the {@link AccountLifecycle}'s. Each change and its audit event commit
 * together, and tell the access caches.
 */
@Service
public class Roster {

    /**
     * The list counts this many matching users and no further (issue 17): beyond it {@code total} is a
     * lower bound, said with {@code totalIsLowerBound}, and the console shows "10,000+".
     */
    public static final int COUNTED_AT_MOST = 10_000;

    private static final Set<String> STATUSES = Set.of("INVITED", "ACTIVE", "DISABLED", "LOCKED");
    private static final String SERVICE = "SERVICE";
    private static final Set<String> KINDS = Set.of("HUMAN", SERVICE);
    /** Issue 12: the clinical profile, photo and weekly hours describe a person who sees patients. */
    static final String NO_PROFILE = "a service account has no clinical profile: it is an application, not a person"
            + " who treats patients";

    public record RoleRequest(@Nullable String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt) {}

    public record ProfileRequest(@Nullable String npi, @Nullable String dea, @Nullable String stateLicense,
            @Nullable String primaryLicense, @Nullable String secondaryLicense, @Nullable String nadean,
            @Nullable List<String> credentials, @Nullable List<String> specialties, @Nullable String bio) {}

    /**
     * Issue 13: {@code expiresAt} ends a contractor's account; {@code managerId} is whom they report to.
     * Issue 16 (seed 003): {@code userType}, a key of the tenant's user types, whose base roles come
     * with it; {@code status: "INACTIVE"} (or {@code "DISABLED"}) or {@code active: false} creates the
     * account disabled ("Initial Status: Active/Inactive").
     */
    public record CreateRequest(@Nullable String username, @Nullable String firstName, @Nullable String lastName,
            @Nullable String email, @Nullable String phone, @Nullable String kind, @Nullable String password,
            @Nullable Boolean invite, @Nullable Boolean hidden, @Nullable List<RoleRequest> roles,
            @Nullable ProfileRequest profile, @Nullable Instant expiresAt, @Nullable UUID managerId,
            @Nullable String userType, @Nullable String status, @Nullable Boolean active) {

        /** Without a user type or initial status: a type-less account, active (or invited). */
        public CreateRequest(@Nullable String username, @Nullable String firstName, @Nullable String lastName,
                @Nullable String email, @Nullable String phone, @Nullable String kind, @Nullable String password,
                @Nullable Boolean invite, @Nullable Boolean hidden, @Nullable List<RoleRequest> roles,
                @Nullable ProfileRequest profile, @Nullable Instant expiresAt, @Nullable UUID managerId) {
            this(username, firstName, lastName, email, phone, kind, password, invite, hidden, roles, profile, expiresAt,
                    managerId, null, null, null);
        }

        /** Without account terms: an account that does not expire, with no manager. */
        public CreateRequest(@Nullable String username, @Nullable String firstName, @Nullable String lastName,
                @Nullable String email, @Nullable String phone, @Nullable String kind, @Nullable String password,
                @Nullable Boolean invite, @Nullable Boolean hidden, @Nullable List<RoleRequest> roles,
                @Nullable ProfileRequest profile) {
            this(username, firstName, lastName, email, phone, kind, password, invite, hidden, roles, profile, null,
                    null, null, null, null);
        }
    }

    public record Created(UUID id, String username, String kind, String status, @Nullable String invitationUrl) {}

    /**
     * What the caller may do to one user, by the same engine decisions the actions make, so that a
     * screen offers only the actions that would be allowed; {@code self} marks the caller's own
     * account, which they may not lock, disable, reset, delete or re-role (seed 004); {@code covers}
     * whether the caller holds everything the user holds, without which no credential or lifecycle
     * action is theirs to take (docs/security.md, "Who may act on whom").
     */
    public record Allowed(boolean edit, boolean assignRoles, boolean delete, boolean self, boolean covers) {}

    /** The list filters as given; checked here against the tenant. */
    public record Filter(@Nullable String q, @Nullable String status, @Nullable String role, @Nullable String location,
            @Nullable String hidden, @Nullable String kind, @Nullable String withoutRole, @Nullable String userType) {

        /** Without the issue 16 filters (users without a role, of a user type). */
        public Filter(@Nullable String q, @Nullable String status, @Nullable String role, @Nullable String location,
                @Nullable String hidden, @Nullable String kind) {
            this(q, status, role, location, hidden, kind, null, null);
        }
    }

    private final UserStore users;
    private final UserAssignments held;
    private final Assignments assignments;
    private final UserTokens tokens;
    private final Passwords passwords;
    private final PasswordPolicy passwordPolicy;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;
    private final UserGuard guard;
    private final TenantScope scope;
    private final AccountMails mails;
    private final Clock clock;
    private final Reauthentication reauthentication;
    private final LastAdministrator lastAdministrator;
    private final TrailCounts trail;
    private final Sessions sessions;
    private final ApplicationEventPublisher events;
    private final Managers managers;
    private final UserTypes userTypes;
    private final TypeRoles typeRoles;
    private final SecretBox box;

    Roster(UserStore users, UserAssignments held, Assignments assignments, UserTokens tokens, Passwords passwords,
            PasswordPolicy passwordPolicy, AuditLog audit, AccessChanges changes, Access access, UserGuard guard,
            TenantScope scope, AccountMails mails, Clock clock, Reauthentication reauthentication,
            LastAdministrator lastAdministrator, TrailCounts trail, Sessions sessions, ApplicationEventPublisher events,
            Managers managers, UserTypes userTypes, TypeRoles typeRoles, SecretBox box) {
        this.box = box;
        this.userTypes = userTypes;
        this.typeRoles = typeRoles;
        this.managers = managers;
        this.events = events;
        this.trail = trail;
        this.sessions = sessions;
        this.users = users;
        this.held = held;
        this.assignments = assignments;
        this.tokens = tokens;
        this.passwords = passwords;
        this.passwordPolicy = passwordPolicy;
        this.audit = audit;
        this.changes = changes;
        this.access = access;
        this.guard = guard;
        this.scope = scope;
        this.mails = mails;
        this.clock = clock;
        this.reauthentication = reauthentication;
        this.lastAdministrator = lastAdministrator;
    }

    @Transactional
    public Created create(Caller caller, TenantScope.Scoped tenant, CreateRequest request, Origin origin) {
        guard.requireAnywhere(caller, "users.create");
        TenantPolicy policy = policy(tenant);
        AccountFields fields = new AccountFields();
        String username = fields.username("username", request.username());
        String firstName = fields.name("firstName", request.firstName());
        String lastName = fields.name("lastName", request.lastName());
        String email = fields.email("email", request.email());
        String phone = fields.phone("phone", request.phone());
        String kind = fields.kind("kind", request.kind());
        boolean service = kind.equals(SERVICE);
        ClinicalProfile profile = profile(fields, request.profile());
        List<UserGuard.NewAssignment> roles = roles(policy, fields, request.roles());
        // Issue 12: a service account is made active with no credential of its own; it calls with API
        // keys or an OAuth client's tokens, so nothing that would sign it in or mail it a link is taken.
        boolean inactive = inactive(fields, request.status(), request.active());
        // seed 003: a placeholder or inactive user is made without being invited; enabling them later
        // makes them INVITED (no password yet) and POST …/invitation sends the link.
        boolean invite = !service && request.password() == null && !inactive;
        if (service) {
            refuseForService(fields, request);
        } else if (request.password() != null && Boolean.TRUE.equals(request.invite())) {
            fields.reject("invite", "an invitation and an admin-set password exclude each other; send one");
        } else if (inactive && Boolean.TRUE.equals(request.invite())) {
            fields.reject("invite", "an inactive account gets no invitation: enable it, then send one");
        }
        UserType type = null;
        if (request.userType() != null) {
            type = userTypes.find(tenant.id(), request.userType().strip()).orElse(null);
            if (type == null) {
                fields.reject("userType", "is not a user type of this tenant");
            }
        }
        if (request.managerId() != null) {
            managers.serialiseChanges(tenant.id());
        }
        AccountTerms.check(managers, tenant.id(), null, request.expiresAt(), request.managerId(), null, clock.instant(),
                fields);
        fields.throwIfAny();
        TenantScope.Rules rules = scope.rules(tenant.id());
        if (request.password() != null) {
            passwordPolicy.requireForNewUser("password", request.password(), tenant.id(), tenant.slug(), tenant.name(),
                    username, email);
        }
        // The new user will be wherever their roles hold; creating them there, and giving each role
        // there, are the caller's to do (seed 000: a manager "cannot ... change roles").
        for (Resource where : UserGuard.resourcesOfNew(roles)) {
            guard.require(caller, "users.create", where);
        }
        for (UserGuard.NewAssignment role : roles) {
            guard.requireAssign(caller, role.role(), role.location());
        }
        List<String> typeRoleKeys = type == null ? List.of() : type.baseRoles();
        userTypes.requireGivable(caller, typeRoleKeys);
        if (rules.singleRolePerUser() && roles.size() + typeRoleKeys.size() > 1) {
            throw ApiException.conflict("this tenant allows one role per user (singleRolePerUser)");
        }
        if (request.password() != null) {
            // Before the hash, so that a taken name or address costs no hash.
            refuseIfTaken(tenant.id(), username, email);
        }
        String hash = request.password() == null ? null : passwords.hash(request.password());
        Instant now = clock.instant();
        String status = inactive ? "DISABLED" : invite ? "INVITED" : "ACTIVE";
        // Issue 17: the invitation's link and mail are made first and written by the user's own insert.
        UserTokens.FirstLink link = invite
                ? tokens.first(UserTokens.Purpose.INVITATION, rules.invitationValidity(), now) : null;
        // Issue 17: the insert itself finds a taken username or address (the table's unique indexes), and
        // only then is asked which it was: no query of its own before every creation. It also announces the
        // creation to every node (the access change log's row and its NOTIFY): no statement of its own either.
        UUID id = UUID.randomUUID();
        AccessChanges.Creation announced = new AccessChanges.Creation(tenant.id(), id);
        if (users.insertUnlessTaken(tenant.id(), id, new UserStore.NewUser(username, firstName, lastName, email, phone,
                kind, status, hash,
                // seed 001: a password set by someone else is changed at first sign-in.
                hash == null ? List.of() : List.of("CHANGE_PASSWORD")),
                profile, Boolean.TRUE.equals(request.hidden()), type == null ? null : type.key(), now, link,
                link == null ? null : mails.invitationRow(tenant, email, username, link.url(), link.expiresAt()),
                announced) == null) {
            refuseIfTaken(tenant.id(), username, email);
            // Taken by a creation that was then undone: as taken as before, and worth a retry.
            throw ApiException.conflict("the username " + username + " or its e-mail address was being taken in this"
                    + " tenant; try again");
        }
        changes.subjectCreated(announced);
        if (hash != null) {
            passwordPolicy.recordFirst(tenant.id(), id, hash, now);
        }
        Map<String, Object> created = new LinkedHashMap<>(Map.of("roles", UserGuard.describe(roles), "invited", invite,
                "kind", kind, "status", status));
        if (type != null) {
            created.put("userType", type.key());
        }
        if (request.expiresAt() != null || request.managerId() != null) {
            users.setTerms(tenant.id(), id, request.expiresAt(), request.managerId());
            if (request.expiresAt() != null) {
                created.put("expiresAt", request.expiresAt().toString());
            }
            if (request.managerId() != null) {
                created.put("managerId", request.managerId().toString());
            }
        }
        AuditLog.Actor actor = guard.actor(caller);
        AuditLog.Target target = UserEvents.target(id, username);
        // Issue 17: the creation's events are appended together at the end, in one round trip and
        // under one short hold of the tenant's chain head, still in the creation's transaction.
        List<AuditLog.Entry> events = new ArrayList<>();
        events.add(new AuditLog.Entry("USER_CREATED", actor, target, origin.ip(), origin.userAgent(), created));
        for (UserGuard.NewAssignment role : roles) {
            UUID assignment = assignments.insert(tenant.id(), id, role.role(), role.locationId(), role.startsAt(),
                    role.expiresAt(), invite ? "INVITE" : "DIRECT", caller.userId());
            events.add(new AuditLog.Entry("ROLE_ASSIGNED", actor, target, origin.ip(), origin.userAgent(),
                    UserEvents.assignmentDetails(assignment, role.role(), role.location(), role.startsAt(), role.expiresAt())));
        }
        if (type != null) {
            // The type's roles record their own events: the creation's come first.
            audit.recordAll(tenant.id(), events);
            events.clear();
            typeRoles.align(tenant.id(), id, username, type.baseRoles(), caller.userId(), actor, origin);
        }
        if (link != null) {
            events.add(new AuditLog.Entry("INVITATION_SENT", actor, target, origin.ip(), origin.userAgent(),
                    Map.of("expiresAt", link.expiresAt().toString())));
        }
        // Last: from here to the commit the tenant's chain head is locked, and every other change of
        // the tenant that records an event waits.
        audit.recordAll(tenant.id(), events);
        return new Created(id, username, kind, status, link == null ? null : link.url());
    }

    /** 409 naming the username or the e-mail address another user of the tenant has. */
    private void refuseIfTaken(TenantId tenant, String username, @Nullable String email) {
        UserStore.Taken taken = users.taken(tenant, username, email);
        if (taken.username()) {
            throw ApiException.conflict("the username " + username + " is taken in this tenant");
        }
        if (taken.email()) {
            throw ApiException.conflict("the e-mail address " + email + " belongs to another user of this tenant");
        }
    }

    /**
     * seed 003, "Initial Status: Active/Inactive": {@code status} as seed 003 names it (ACTIVE,
     * INACTIVE) or as this API does (DISABLED), or {@code active}; both given must agree.
     */
    static boolean inactive(AccountFields fields, @Nullable String status, @Nullable Boolean active) {
        Boolean fromStatus = null;
        if (status != null) {
            switch (status.strip()) {
                case "ACTIVE" -> fromStatus = Boolean.FALSE;
                case "INACTIVE", "DISABLED" -> fromStatus = Boolean.TRUE;
                default -> fields.reject("status", "must be ACTIVE or INACTIVE (DISABLED) at creation; INVITED follows"
                        + " from sending an invitation, LOCKED from POST …/lock");
            }
        }
        Boolean fromActive = active == null ? null : !active;
        if (fromStatus != null && fromActive != null && !fromStatus.equals(fromActive)) {
            fields.reject("active", "contradicts status");
        }
        return Boolean.TRUE.equals(fromStatus) || Boolean.TRUE.equals(fromActive);
    }

    /** What a service account refuses at creation, each named: a password, an invitation, an address to mail one to. */
    static void refuseForService(AccountFields fields, CreateRequest request) {
        if (request.password() != null) {
            fields.reject("password", "a service account has no password: it never signs in interactively, and calls"
                    + " with an API key or an OAuth client's token instead");
        }
        if (Boolean.TRUE.equals(request.invite())) {
            fields.reject("invite", "a service account gets no invitation: nobody accepts it, it is active at once");
        }
        if (request.email() != null) {
            fields.reject("email", "a service account has no e-mail address: no invitation or password link is ever"
                    + " mailed to it");
        }
        if (request.profile() != null) {
            fields.reject("profile", NO_PROFILE);
        }
    }

    @Transactional(readOnly = true)
    public UserAccount get(Caller caller, TenantScope.Scoped tenant, UUID id) {
        guard.requireReadAnywhere(caller, id);
        UserAccount user = users.find(tenant.id(), id).orElseThrow(() -> ApiException.notFound("user " + id));
        guard.requireRead(caller, id);
        return user;
    }

    /** Which actions on {@code id} the caller holds the permissions for; each action still checks itself. */
    @Transactional(readOnly = true)
    public Allowed allowed(Caller caller, TenantScope.Scoped tenant, UUID id) {
        get(caller, tenant, id);
        return new Allowed(guard.allows(caller, "users.edit", id), guard.allows(caller, "roles.assign", id),
                guard.allows(caller, "users.delete", id), caller.userId().equals(id), guard.covers(caller, id));
    }

    /**
     * The roster. Seed 003: hidden users do not appear in user lists, so by default the list holds
     * the visible ones; {@code hidden=true} lists only hidden users, {@code hidden=any} everyone.
     * A reader whose {@code users.read} reaches only some locations sees the users with a current or
     * coming role there and none tenant-wide: exactly those they could open one by one.
     */
    @Transactional(readOnly = true)
    public ListPage list(Caller caller, TenantScope.Scoped tenant, Filter filter, int page, int size) {
        return list(caller, tenant, filter, page, null, size);
    }

    /**
     * A page of the roster (docs/api.md, conventions: {@code items, page, size, total}) and the cursors of the
     * pages beside it: {@code next} and {@code previous}, absent at either end. A page is asked for by number
     * ({@code page × size} rows skipped, read past on every request) or by a {@code cursor} of an earlier
     * page's, which starts just beside the user it was taken at, so it costs the same at any depth and
     * neither repeats nor skips anyone when users are added or removed before it (issue 17). A cursor's page has
     * no number: {@code page} is left out.
     *
     * @throws ApiException 400 naming {@code cursor} for one not given by this tenant's list, {@code page} for
     *     a page number beside a cursor
     */
    @Transactional(readOnly = true)
    public ListPage list(Caller caller, TenantScope.Scoped tenant, Filter filter, int page, @Nullable String cursor,
            int size) {
        UserStore.Query query = query(caller, tenant, filter);
        @Nullable SealedCursor place = SealedCursor.read(box, cursorPurpose(tenant.id()), cursor, page);
        long total = users.count(tenant.id(), query, COUNTED_AT_MOST + 1);
        UserStore.Start start = place == null ? new UserStore.Start.Skipping((long) page * size)
                : new UserStore.Start.Beside(place);
        List<UserAccount> found = users.page(tenant.id(), query, start, size + 1);
        SealedCursor.Window<UserAccount> window = place == null ? SealedCursor.Window.numbered(found, size, page > 0)
                : place.window(found, size);
        List<UserAccount> items = window.items();
        SealedCursor.Beside beside = SealedCursor.beside(box, cursorPurpose(tenant.id()), place,
                items.isEmpty() ? null : Usernames.normalize(items.getFirst().username()),
                items.isEmpty() ? null : Usernames.normalize(items.getLast().username()), window.moreBefore(),
                window.moreAfter());
        return new ListPage(items, place == null ? page : null, size, total, total > COUNTED_AT_MOST, beside.next(),
                beside.previous());
    }

    /**
     * What the list's cursors are sealed for: the tenant, so that another tenant's does not open here. No filter:
     * the same place in another filter's list is a place there too.
     */
    private static String cursorPurpose(TenantId tenant) {
        return "users list cursor v1 " + tenant.value();
    }

    /** {@link #list}'s answer: a {@link Page} with the cursors beside it, and no page number when a cursor placed it. */
    public record ListPage(List<UserAccount> items, @Nullable Integer page, int size, long total,
            boolean totalIsLowerBound, @Nullable String next, @Nullable String previous) {

        public ListPage {
            items = List.copyOf(items);
        }
    }

    /**
     * The list's query for {@code filter}: the users the caller may read, as {@link #list} pages them.
     *
     * @throws dev.gatehouse.server.shared.ApiException 403 without users.read, 400 naming each bad filter
     */
    UserStore.Query query(Caller caller, TenantScope.Scoped tenant, Filter filter) {
        guard.requireAnywhere(caller, "users.read");
        TenantPolicy policy = policy(tenant);
        AccountFields fields = new AccountFields();
        String text = filter.q() == null || filter.q().isBlank() ? null : filter.q().strip();
        if (text != null && text.length() > 200) {
            fields.reject("q", "must be at most 200 characters");
        }
        if (filter.status() != null && !STATUSES.contains(filter.status())) {
            fields.reject("status", "must be one of INVITED, ACTIVE, DISABLED, LOCKED");
        }
        if (filter.kind() != null && !KINDS.contains(filter.kind())) {
            fields.reject("kind", "must be HUMAN or SERVICE");
        }
        if (filter.role() != null && policy.role(filter.role()).isEmpty()) {
            fields.reject("role", "unknown role");
        }
        if (filter.location() != null && !policy.locations().contains(filter.location())) {
            fields.reject("location", "unknown location");
        }
        Boolean hidden = switch (filter.hidden() == null ? "false" : filter.hidden()) {
            case "false" -> Boolean.FALSE;
            case "true" -> Boolean.TRUE;
            case "any" -> null;
            default -> {
                fields.reject("hidden", "must be true, false or any");
                yield Boolean.FALSE;
            }
        };
        Boolean withoutRole = null;
        if (filter.withoutRole() != null) {
            switch (filter.withoutRole()) {
                case "true" -> withoutRole = Boolean.TRUE;
                case "false" -> withoutRole = Boolean.FALSE;
                default -> fields.reject("withoutRole", "must be true or false");
            }
        }
        if (filter.userType() != null && userTypes.find(tenant.id(), filter.userType()).isEmpty()) {
            fields.reject("userType", "is not a user type of this tenant");
        }
        fields.throwIfAny();
        List<String> at = filter.location() == null ? null : policy.locations().subtree(filter.location());
        return new UserStore.Query(text, filter.status(), filter.kind(), filter.role(), at, hidden,
                visibleLocations(caller, policy), clock.instant(), withoutRole, filter.userType());
    }

    /** Null: every user; otherwise the locations (with everything below them) where the caller reads users. */
    private @Nullable List<String> visibleLocations(Caller caller, TenantPolicy policy) {
        EffectivePermission read = access.effectivePermissions(caller, null).stream()
                .filter(p -> p.permission().equals("users.read")).findFirst().orElse(null);
        if (read != null && read.everywhere()) {
            return null;
        }
        Set<String> visible = new LinkedHashSet<>();
        if (read != null && read.scope() == Scope.LOCATION) {
            for (String location : read.locations()) {
                visible.addAll(policy.locations().subtree(location));
            }
        }
        return List.copyOf(visible);
    }

    @Transactional
    public UserAccount update(Caller caller, TenantScope.Scoped tenant, UUID id,
            JsonNode body, Origin origin) {
        guard.requireAnywhere(caller, "users.edit");
        UserAccount current = users.findForUpdate(tenant.id(), id)
                .orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.edit", id);
        UserAccount.Editable before = current.editable();
        // Every other field is checked first, so an unknown one is named whatever the type says.
        UserAccount.Editable after = UserPatch.apply(before,
                body.isObject() && body.has("userType") ? withoutUserType(body) : body);
        TypeChange typeChange = typeChange(tenant, current, body);
        if (current.kind().equals(SERVICE) && after.email() != null
                && !after.email().equalsIgnoreCase(Objects.toString(before.email(), ""))) {
            throw ApiException.badRequest("email", "a service account has no e-mail address: no invitation or"
                    + " password link is ever mailed to it");
        }
        if (current.member() && !Objects.equals(after.email(), before.email())) {
            MemberAccounts.refuseCredentials(current, "an e-mail change");
        }
        // Clearing one (made before service accounts refused it) is allowed; setting one is not.
        if (current.kind().equals(SERVICE) && !after.profile().equals(before.profile())
                && !after.profile().equals(ClinicalProfile.EMPTY)) {
            throw ApiException.badRequest("profile", NO_PROFILE);
        }
        if (!Usernames.normalize(after.username()).equals(Usernames.normalize(before.username()))
                && users.usernameTakenByAnother(tenant.id(), after.username(), id)) {
            throw ApiException.conflict("the username " + after.username() + " is taken in this tenant");
        }
        if (after.email() != null && !after.email().equalsIgnoreCase(Objects.toString(before.email(), ""))
                && users.emailTakenByAnother(tenant.id(), after.email(), id)) {
            throw ApiException.conflict("the e-mail address " + after.email()
                    + " belongs to another user of this tenant");
        }
        Map<String, Object> diff = new LinkedHashMap<>(UserPatch.diff(before, after));
        if (typeChange != null) {
            // Giving or taking a type gives or takes its base roles: acting on the user's roles, so never
            // one's own (seed 004), only over someone the caller covers, and only roles they may give.
            UserGuard.notSelf(caller, id, "change the user type of");
            guard.requireCovers(caller, "users.edit", id, "change the user type of");
            userTypes.requireGivable(caller, typeChange.touchedRoles());
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("from", current.userType());
            change.put("to", typeChange.to() == null ? null : typeChange.to().key());
            diff.put("userType", change);
        }
        if (diff.isEmpty()) {
            return current;
        }
        if (diff.containsKey("expiresAt") || diff.containsKey("managerId")) {
            // Issue 13: when an account ends and whose reviews and approvals reach whom is acting on
            // that person's access: never one's own, and only over someone the caller covers.
            UserGuard.notSelf(caller, id, "change the account expiry or manager of");
            guard.requireCovers(caller, "users.edit", id, "change the account expiry or manager of");
            AccountFields terms = new AccountFields();
            if (diff.containsKey("managerId")) {
                managers.serialiseChanges(tenant.id());
            }
            AccountTerms.check(managers, tenant.id(), id, after.expiresAt(), after.managerId(), before, clock.instant(),
                    terms);
            terms.throwIfAny();
        }
        // Who may act on whom: the e-mail address is where reset links go and the username is the
        // sign-in name, so changing them is taking over the account unless the caller holds all it holds.
        if (diff.containsKey("email") || diff.containsKey("username")) {
            guard.requireCovers(caller, "users.edit", id, "change the e-mail address or username of");
        }
        // ASVS 7.5.1: changing your own e-mail (where reset links go) needs a recent proof of a factor.
        if (caller.userId().equals(id) && diff.containsKey("email")) {
            reauthentication.require(caller);
        }
        users.update(tenant.id(), id, after, clock.instant());
        AuditLog.Actor actor = guard.actor(caller);
        audit.record(tenant.id(), "USER_UPDATED", actor, UserEvents.target(id, after.username()), origin.ip(),
                origin.userAgent(), Map.of("changes", diff));
        if (typeChange != null) {
            lastAdministratorKeeps(tenant, id, typeChange.to() == null ? List.of() : typeChange.to().baseRoles());
            users.setUserType(tenant.id(), id, typeChange.to() == null ? null : typeChange.to().key(), clock.instant());
            typeRoles.align(tenant.id(), id, after.username(),
                    typeChange.to() == null ? List.of() : typeChange.to().baseRoles(), caller.userId(), actor, origin);
        }
        changes.subjectChanged(tenant.id(), id);
        return users.find(tenant.id(), id).orElseThrow();
    }

    /** A PATCH's {@code userType}: from the user's current type to {@code to} (null: none). */
    private record TypeChange(@Nullable UserType from, @Nullable UserType to) {

        /** The roles given or taken by the change: in one type's base roles and not the other's. */
        List<String> touchedRoles() {
            List<String> before = from == null ? List.of() : from.baseRoles();
            List<String> after = to == null ? List.of() : to.baseRoles();
            Set<String> touched = new LinkedHashSet<>();
            before.stream().filter(role -> !after.contains(role)).forEach(touched::add);
            after.stream().filter(role -> !before.contains(role)).forEach(touched::add);
            return List.copyOf(touched);
        }
    }

    private @Nullable TypeChange typeChange(TenantScope.Scoped tenant, UserAccount current, JsonNode body) {
        if (!body.isObject() || !body.has("userType")) {
            return null;
        }
        JsonNode node = body.get("userType");
        if (!node.isNull() && !node.isString()) {
            throw ApiException.badRequest("userType", "must be the key of a user type, or null for none");
        }
        String key = node.isNull() ? null : node.asString().strip();
        if (Objects.equals(key, current.userType())) {
            return null;
        }
        UserType to = key == null ? null : userTypes.find(tenant.id(), key)
                .orElseThrow(() -> ApiException.badRequest("userType", "is not a user type of this tenant"));
        UserType from = current.userType() == null ? null : userTypes.find(tenant.id(), current.userType()).orElse(null);
        return new TypeChange(from, to);
    }

    private static JsonNode withoutUserType(JsonNode body) {
        tools.jackson.databind.node.ObjectNode copy = (tools.jackson.databind.node.ObjectNode) body.deepCopy();
        copy.remove("userType");
        return copy;
    }

    /** Losing a type must not take the tenant's last administrator's admin role with it. */
    private void lastAdministratorKeeps(TenantScope.Scoped tenant, UUID id, List<String> keptRoles) {
        for (UserAssignments.Held assignment : held.of(tenant.id(), id)) {
            if (assignment.source().equals(TypeRoles.SOURCE) && !keptRoles.contains(assignment.role())) {
                lastAdministrator.protectRevoking(tenant, id, assignment);
            }
        }
    }

    /**
     * Deleting is for mistakes only: by the tenant owner, and only for an account nothing is
     * attributed to. seed 004: offboarding locks, so that every prior action stays attributed.
     */
    @Transactional
    public void delete(Caller caller, TenantScope.Scoped tenant, UUID id, Origin origin) {
        guard.requireAnywhere(caller, "users.delete");
        UserGuard.notSelf(caller, id, "delete");
        UserAccount user = users.findForUpdate(tenant.id(), id)
                .orElseThrow(() -> ApiException.notFound("user " + id));
        guard.require(caller, "users.delete", id);
        guard.requireCovers(caller, "users.delete", id, "delete");
        Instant now = clock.instant();
        boolean owner = tenant.adminRole() != null && held.of(tenant.id(), caller.userId()).stream()
                .anyMatch(a -> a.role().equals(tenant.adminRole()) && a.location() == null && a.validAt(now));
        if (!owner) {
            throw ApiException.forbidden("only the tenant owner (holding " + tenant.adminRole()
                    + " tenant-wide) deletes users");
        }
        lastAdministrator.protect(tenant, id, "delete");
        if (trail.hasActed(tenant.id(), id) || sessions.anyOf(tenant.id(), id)) {
            throw ApiException.conflict("user " + user.username() + " has recorded activity; deleting them would"
                    + " orphan their history, so lock the account instead (POST …/users/" + id + "/lock)");
        }
        List<String> roles = held.of(tenant.id(), id).stream()
                .map(a -> a.location() == null ? a.role() : a.role() + "@" + a.location()).toList();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("username", user.username());
        details.put("status", user.status());
        details.put("roles", roles);
        audit.record(tenant.id(), "USER_DELETED", guard.actor(caller), UserEvents.target(id, user.username()), origin.ip(),
                origin.userAgent(), details);
        // Before the row goes, in this transaction: the features holding the user's credentials (API
        // keys, OAuth clients) end them and audit it with the delete, or the delete does not happen.
        events.publishEvent(new AccountClosed(tenant.id(), id, user.kind(), "DELETED", caller, origin));
        users.delete(tenant.id(), id);
        changes.subjectChanged(tenant.id(), id);
    }

    private TenantPolicy policy(TenantScope.Scoped tenant) {
        return access.policy(tenant.id()).orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
    }

    static ClinicalProfile profile(AccountFields fields, @Nullable ProfileRequest request) {
        if (request == null) {
            return ClinicalProfile.EMPTY;
        }
        return new ClinicalProfile(fields.npi("profile.npi", request.npi()), fields.dea("profile.dea", request.dea()),
                fields.license("profile.stateLicense", request.stateLicense()),
                fields.license("profile.primaryLicense", request.primaryLicense()),
                fields.license("profile.secondaryLicense", request.secondaryLicense()),
                fields.license("profile.nadean", request.nadean()),
                fields.list("profile.credentials", request.credentials(), AccountFields.MAX_CREDENTIAL),
                fields.list("profile.specialties", request.specialties(), AccountFields.MAX_SPECIALTY),
                fields.bio("profile.bio", request.bio()));
    }

    static List<UserGuard.NewAssignment> roles(TenantPolicy policy, AccountFields fields,
            @Nullable List<RoleRequest> requested) {
        List<UserGuard.NewAssignment> roles = new ArrayList<>();
        if (requested == null) {
            return roles;
        }
        if (requested.size() > 50) {
            fields.reject("roles", "may hold at most 50 assignments");
            return roles;
        }
        for (int i = 0; i < requested.size(); i++) {
            RoleRequest role = requested.get(i);
            String prefix = "roles[" + i + "].";
            if (role == null) {
                fields.reject("roles[" + i + "]", "must be an object");
                continue;
            }
            UserGuard.NewAssignment checked = UserGuard.validate(policy, fields, prefix, role.role(), role.location(),
                    role.startsAt(), role.expiresAt());
            if (checked == null) {
                continue;
            }
            if (roles.contains(checked)) {
                fields.reject("roles[" + i + "]", "repeats an earlier assignment");
                continue;
            }
            roles.add(checked);
        }
        return roles;
    }

}
