package dev.gatehouse.server.platform;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.ImpersonatedSessions;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A platform operator acts as a tenant's user (seed 001, "platform admin impersonation";
 * docs/access-model.md): a session of the user for at most 30 minutes, opened with a reason and
 * recorded in the tenant's own trail as {@code IMPERSONATION_STARTED}, shown in the user's session
 * lists, and endable by the tenant's admins like any other session. Through it the operator is the
 * user, except for what only the user may do (their password, second factor, recovery codes,
 * re-authentication, another impersonation); every event it writes names the operator.
 *
 * <p>Only an active account can be impersonated. A lock, a lockout after failed sign-ins, a
 * disabled or a not yet accepted account is refused (409): impersonation is no way round what keeps
 * an account shut. Seed 001's locked-out TENANT_ADMIN is helped by break-glass ({@link BreakGlass}),
 * which unlocks once, audibly, and makes them set a new password.
 */
@Service
class Impersonation {

    /** What the operator gets: the session's token (shown once), its id and end, and whom it acts as. */
    record Started(String token, String sessionId, Instant expiresAt, Map<String, String> user) {}

    private final OperatorReach reach;
    private final UserStore users;
    private final ImpersonatedSessions sessions;
    private final Actors actors;
    private final AuditLog audit;
    private final Clock clock;

    Impersonation(OperatorReach reach, UserStore users, ImpersonatedSessions sessions, Actors actors, AuditLog audit,
            Clock clock) {
        this.reach = reach;
        this.users = users;
        this.sessions = sessions;
        this.actors = actors;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @throws ApiException 404 for anyone but an operator (403 for a tenant's user naming their own
     *     tenant), an unknown tenant or user; 403 without
     *     {@code platform.impersonate}, without a recent proof of the operator's factor, from an
     *     impersonated session, or on the platform tenant; 400 naming {@code reason}; 409 for an
     *     account that is not active or is locked out, and for a service account
     */
    @Transactional
    public Started start(Caller caller, TenantPaths.TenantRef tenant, String user, @Nullable String body, Origin origin) {
        OperatorReach.Reached reached = reach.reach(caller, "platform.impersonate", "start an impersonation", tenant,
                user, body);
        TenantId tenantId = reached.tenant().id();
        UserAccount account = users.findForUpdate(tenantId, reached.user())
                .orElseThrow(() -> ApiException.notFound("user " + user));
        refuseUnlessActive(account);
        Impersonator operator = new Impersonator(caller.userId(), caller.username());
        AuditLog.Actor actor = actors.actor(caller);
        ImpersonatedSessions.Opened opened = sessions.open(tenantId, account.id(), caller.tenant(), operator,
                caller.requireSession("start an impersonation"), origin.ip(), origin.userAgent());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", reached.reason());
        details.put("sessionId", opened.sessionId().toString());
        details.put("expiresAt", opened.expiresAt().toString());
        audit.record(tenantId, "IMPERSONATION_STARTED", actor,
                new AuditLog.Target("user", account.id().toString(), account.username()), origin.ip(),
                origin.userAgent(), details);
        return new Started(opened.token(), opened.sessionId().toString(), opened.expiresAt(),
                Map.of("id", account.id().toString(), "username", account.username()));
    }

    private void refuseUnlessActive(UserAccount account) {
        String name = account.username();
        if (account.kind().equals("SERVICE")) {
            // Issue 12: a service account never has an interactive session, an operator's included.
            throw ApiException.conflict("user " + name + " is a service account, which never signs in interactively;"
                    + " there is no session to act in (its calls carry its own API keys or OAuth tokens)");
        }
        switch (account.status()) {
            case "DISABLED" -> throw ApiException.conflict("user " + name + " is disabled; a disabled account"
                    + " cannot be impersonated (a tenant admin enables it)");
            case "LOCKED" -> throw ApiException.conflict("user " + name + " is locked by an administrator;"
                    + " impersonation does not get round a lock: a tenant admin unlocks them, or use break-glass"
                    + " (POST …/users/" + account.id() + "/break-glass)");
            case "INVITED" -> throw ApiException.conflict("user " + name + " has not accepted their invitation yet;"
                    + " there is no account to act in");
            default -> { }
        }
        Instant now = clock.instant();
        boolean lockedOut = account.lockedUntil() != null && account.lockedUntil().isAfter(now);
        if (lockedOut) {
            throw ApiException.conflict("user " + name + " is locked out after failed sign-ins; impersonation does"
                    + " not get round a lockout: use break-glass (POST …/users/" + account.id() + "/break-glass),"
                    + " which unlocks once and has them set a new password");
        }
    }
}
