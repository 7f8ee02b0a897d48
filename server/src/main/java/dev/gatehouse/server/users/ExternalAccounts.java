package dev.gatehouse.server.users;

import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Accounts that an identity provider or a directory vouches for (issue 15): made just in time on a
 * first sign-in (active, no password: they sign in through the provider), their names kept as the
 * provider says, their SSO-sourced role assignments set to exactly what the provider's mappings give
 * (DIRECT ones are never touched), and disabled or enabled as a directory says. No caller is asked:
 * the provider's configuration, saved by someone allowed to grant every mapped role, is the
 * authority. Every change is audited in the caller's transaction, with {@code source SSO} and the provider.
 */
@Service
public class ExternalAccounts {

    /** What a provider says about a new account. */
    public record NewAccount(String username, @Nullable String firstName, @Nullable String lastName,
            @Nullable String email) {}

    /** A role a mapping gives, tenant-wide (location null) or at a location id. */
    public record MappedRole(String role, @Nullable String location) {}

    /** The provider on whose word a change is made, for the audit trail. */
    public record Provider(UUID id, String name) {
        Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("source", "SSO");
            details.put("provider", id.toString());
            details.put("providerName", name);
            return details;
        }
    }

    private static final Pattern USERNAME_UNSAFE = Pattern.compile("[\\p{javaWhitespace}\\p{Cntrl}]+");
    private static final String SSO = "SSO";

    private final UserStore users;
    private final Assignments assignments;
    private final UserAssignments held;
    private final Access access;
    private final AccessChanges changes;
    private final AuditLog audit;
    private final Sessions sessions;
    private final LastAdministrator lastAdministrator;
    private final TenantDirectory tenants;
    private final JdbcClient jdbc;
    private final Clock clock;

    ExternalAccounts(UserStore users, Assignments assignments, UserAssignments held, Access access,
            AccessChanges changes, AuditLog audit, Sessions sessions, LastAdministrator lastAdministrator,
            TenantDirectory tenants, JdbcClient jdbc, Clock clock) {
        this.users = users;
        this.assignments = assignments;
        this.held = held;
        this.access = access;
        this.changes = changes;
        this.audit = audit;
        this.sessions = sessions;
        this.lastAdministrator = lastAdministrator;
        this.tenants = tenants;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Optional<UserAccount> find(TenantId tenant, UUID user) {
        return users.find(tenant, user);
    }

    /** The tenant's account with this e-mail address (compared as stored, normalised), if any. */
    public Optional<UserAccount> byEmail(TenantId tenant, String email) {
        return jdbc.sql("select id from users where tenant_id = :tenant and email_normalized = :email")
                .param("tenant", tenant.value()).param("email", Usernames.normalize(email))
                .query(UUID.class).optional().flatMap(id -> users.find(tenant, id));
    }

    /** The tenant's account with this username, if any. */
    public Optional<UserAccount> byUsername(TenantId tenant, String username) {
        return jdbc.sql("select id from users where tenant_id = :tenant and username_normalized = :username")
                .param("tenant", tenant.value()).param("username", Usernames.normalize(username))
                .query(UUID.class).optional().flatMap(id -> users.find(tenant, id));
    }

    /**
     * Makes an active person with no password, audited USER_CREATED by the new user themselves (their
     * sign-in through the provider made it) with {@code source SSO} and the provider. A username taken
     * in the tenant gets a number (never the other account: accounts are linked by verified e-mail
     * with consent only); an e-mail address taken is not given to the new account.
     */
    @Transactional
    public UUID create(TenantId tenant, NewAccount account, Provider provider, Origin origin) {
        String username = freeUsername(tenant, account.username());
        String email = account.email() == null || account.email().isBlank() || account.email().length() > 320
                || users.emailTaken(tenant, account.email()) ? null : account.email().strip();
        String firstName = name(account.firstName(), username);
        String lastName = name(account.lastName(), "");
        UUID id = users.insert(tenant, new UserStore.NewUser(username, firstName, lastName, email, null, "HUMAN",
                "ACTIVE", null, List.of()));
        Map<String, Object> details = provider.details();
        details.put("invited", false);
        details.put("roles", List.of());
        audit.record(tenant, "USER_CREATED", new AuditLog.Actor(id, username, List.of()),
                UserEvents.target(id, username), origin.ip(), origin.userAgent(), details);
        changes.subjectChanged(tenant, id);
        return id;
    }

    /** Keeps the account's names as the provider says them; audited USER_UPDATED when they changed. */
    @Transactional
    public void updateNames(TenantId tenant, UUID user, @Nullable String firstName, @Nullable String lastName,
            Provider provider, Origin origin) {
        UserAccount current = users.findForUpdate(tenant, user).orElseThrow(() -> ApiException.notFound("user " + user));
        String first = firstName == null || firstName.isBlank() ? current.firstName() : name(firstName, "");
        String last = lastName == null || lastName.isBlank() ? current.lastName() : name(lastName, "");
        if (first.equals(current.firstName()) && last.equals(current.lastName())) {
            return;
        }
        UserAccount.Editable before = current.editable();
        UserAccount.Editable after = new UserAccount.Editable(before.username(), first, last, before.email(),
                before.phone(), before.hidden(), before.profile(), before.expiresAt(), before.managerId());
        users.update(tenant, user, after, clock.instant());
        Map<String, Object> details = provider.details();
        details.put("changes", UserPatch.diff(before, after));
        audit.record(tenant, "USER_UPDATED", new AuditLog.Actor(user, current.username(), List.of()),
                UserEvents.target(user, current.username()), origin.ip(), origin.userAgent(), details);
        changes.subjectChanged(tenant, user);
    }

    /**
     * Sets the user's SSO-sourced assignments to exactly {@code mapped}: adds those missing, removes
     * those no longer mapped (never the tenant's last administrator's admin role), leaves every other
     * source alone. Roles or locations the tenant no longer has are skipped. Audited ROLE_ASSIGNED and
     * ROLE_REVOKED with {@code source SSO} and the provider.
     *
     * @return whether anything changed
     */
    @Transactional
    public boolean setMappedRoles(TenantId tenant, UUID user, Set<MappedRole> mapped, Provider provider,
            Origin origin) {
        UserAccount account = users.findForUpdate(tenant, user).orElseThrow(() -> ApiException.notFound("user " + user));
        TenantPolicy policy = access.policy(tenant).orElseThrow(() -> ApiException.notFound("tenant " + tenant));
        Set<MappedRole> wanted = new LinkedHashSet<>();
        for (MappedRole role : mapped) {
            String location = role.location() == null ? null : Ids.canonical(role.location());
            if (policy.role(role.role()).isPresent() && (location == null || policy.locations().contains(location))) {
                wanted.add(new MappedRole(role.role(), location));
            }
        }
        List<UserAssignments.Held> current = held.of(tenant, user).stream()
                .filter(assignment -> assignment.source().equals(SSO)).toList();
        AuditLog.Actor actor = new AuditLog.Actor(user, account.username(), List.of());
        boolean changed = false;
        Set<MappedRole> kept = new LinkedHashSet<>();
        for (UserAssignments.Held assignment : current) {
            MappedRole as = new MappedRole(assignment.role(), assignment.location());
            if (wanted.contains(as) && kept.add(as)) {
                continue;
            }
            if (lastAdministratorsRole(tenant, user, assignment)) {
                continue;
            }
            held.delete(tenant, assignment.id());
            Map<String, Object> details = new LinkedHashMap<>(UserEvents.assignmentDetails(assignment.id(),
                    assignment.role(), assignment.location(), assignment.startsAt(), assignment.expiresAt()));
            details.putAll(provider.details());
            audit.record(tenant, "ROLE_REVOKED", actor, UserEvents.target(user, account.username()), origin.ip(),
                    origin.userAgent(), details);
            changed = true;
        }
        for (MappedRole role : wanted) {
            if (kept.contains(role)) {
                continue;
            }
            UUID location = role.location() == null ? null : Ids.parse(role.location()).orElseThrow();
            UUID id = assignments.insert(tenant, user, role.role(), location, null, null, SSO, null);
            Map<String, Object> details = new LinkedHashMap<>(UserEvents.assignmentDetails(id, role.role(),
                    role.location(), null, null));
            details.putAll(provider.details());
            audit.record(tenant, "ROLE_ASSIGNED", actor, UserEvents.target(user, account.username()), origin.ip(),
                    origin.userAgent(), details);
            changed = true;
        }
        if (changed) {
            changes.subjectChanged(tenant, user);
        }
        return changed;
    }

    /**
     * Gives a new account the role a domain mapping places its address with (issue 16: SSO sign-ups land
     * as self-registrations do, {@link RegistrationDesk}): the mapping's role, or the pack's default role,
     * at its location or tenant-wide. Source INVITE, as a self-registration's, so that the provider's
     * mappings ({@link #setMappedRoles}, source SSO) never take it back. Audited ROLE_ASSIGNED by the new
     * user, with the provider and {@code via}.
     */
    @Transactional
    public void assignPlaced(TenantId tenant, UUID user, RegistrationDesk.Placement placement, Provider provider,
            Origin origin) {
        UserAccount account = users.find(tenant, user).orElseThrow(() -> ApiException.notFound("user " + user));
        String role = placement.role() != null ? placement.role()
                : dev.gatehouse.engine.packs.RolePacks.builtIn(tenants.named(tenant).orElseThrow()
                        .pack()).defaultRole();
        UUID id = assignments.insert(tenant, user, role, placement.location(), null, null, "INVITE", null);
        Map<String, Object> details = new LinkedHashMap<>(UserEvents.assignmentDetails(id, role,
                placement.location() == null ? null : placement.location().toString(), null, null));
        details.putAll(provider.details());
        details.put("via", placement.via());
        audit.record(tenant, "ROLE_ASSIGNED", new AuditLog.Actor(user, account.username(), List.of()),
                UserEvents.target(user, account.username()), origin.ip(), origin.userAgent(), details);
        changes.subjectChanged(tenant, user);
    }

    /**
     * A directory's word on whether the account is active: a person it lists as inactive is disabled
     * (their sessions end; never the tenant's last administrator), one it lists again is enabled.
     * Audited USER_DISABLED or USER_ENABLED by the system with reason {@code directory}.
     *
     * @return whether the status changed
     */
    @Transactional
    public boolean setActive(TenantId tenant, UUID user, boolean active, Provider provider, Origin origin) {
        UserAccount account = users.findForUpdate(tenant, user).orElseThrow(() -> ApiException.notFound("user " + user));
        Instant now = clock.instant();
        Map<String, Object> details = provider.details();
        details.put("reason", "directory");
        if (!active && !account.status().equals("DISABLED")) {
            try {
                lastAdministrator.protect(scoped(tenant), user, "disable");
            } catch (ApiException lastAdministrator) {
                return false;
            }
            users.setStatus(tenant, user, "DISABLED", now);
            details.put("previousStatus", account.status());
            details.put("sessionsEnded", sessions.endAll(tenant, user, null, now, "USER_DISABLED"));
            audit.record(tenant, "USER_DISABLED", AuditLog.Actor.SYSTEM, UserEvents.target(user, account.username()),
                    origin.ip(), origin.userAgent(), details);
        } else if (active && account.status().equals("DISABLED")) {
            users.setStatus(tenant, user, "ACTIVE", now);
            details.put("status", "ACTIVE");
            audit.record(tenant, "USER_ENABLED", AuditLog.Actor.SYSTEM, UserEvents.target(user, account.username()),
                    origin.ip(), origin.userAgent(), details);
        } else {
            return false;
        }
        changes.subjectChanged(tenant, user);
        return true;
    }

    private boolean lastAdministratorsRole(TenantId tenant, UUID user, UserAssignments.Held assignment) {
        try {
            lastAdministrator.protectRevoking(scoped(tenant), user, assignment);
            return false;
        } catch (ApiException lastAdministratorsRole) {
            return true;
        }
    }

    private TenantScope.Scoped scoped(TenantId tenant) {
        TenantDirectory.Named named = tenants.named(tenant).orElseThrow();
        return TenantScope.of(tenant, named.slug(), named.pack());
    }

    /**
     * A new account as a self-registration's applicant (for the approval queue, issue 16): the username
     * made valid as {@link #create} makes it (not numbered: the approver learns if it is taken), the names
     * or the username in their place.
     */
    public static SelfRegistration.Applicant applicant(NewAccount account, String email) {
        String username = valid(account.username());
        return new SelfRegistration.Applicant(email, username, name(account.firstName(), username),
                name(account.lastName(), ""));
    }

    /** The wanted username made valid (3 to 64 characters, no spaces), numbered when taken. */
    private String freeUsername(TenantId tenant, String wanted) {
        String base = valid(wanted);
        String candidate = base;
        for (int n = 2; users.usernameTaken(tenant, candidate); n++) {
            candidate = base + n;
        }
        return candidate;
    }

    private static String valid(String wanted) {
        String base = USERNAME_UNSAFE.matcher(wanted.strip()).replaceAll("-");
        if (base.length() > 60) {
            base = base.substring(0, 60);
        }
        while (base.length() < 3) {
            base = base + "_";
        }
        return base;
    }

    private static String name(@Nullable String given, String fallback) {
        String name = given == null ? "" : given.strip().replaceAll("\\p{Cntrl}", "");
        if (name.isEmpty()) {
            name = fallback;
        }
        return name.length() > AccountFields.MAX_NAME ? name.substring(0, AccountFields.MAX_NAME) : name;
    }
}
