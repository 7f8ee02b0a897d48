package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tenant's IP allowlist (seed 000, "IP rules"; ASVS 8.3) at sign-in and on every API call of
 * the tenant's users; platform operators are outside tenants and outside their rules.
 *
 * <p>The client address is the request's remote address. Behind a proxy or load balancer that is
 * the proxy's, unless {@code server.forward-headers-strategy} is set (NATIVE or FRAMEWORK), in which
 * case Spring takes it from {@code X-Forwarded-For} / {@code Forwarded}; set that only when the
 * proxy overwrites those headers, since a client can send them too.
 *
 * <p>A request's refusal is recorded in its own transaction, so that the refusal (which rolls back the
 * request's own work) still leaves its audit event; a sign-in's, in the sign-in's, which commits it.
 */
@Component
class NetworkRules {

    private final Sessions sessions;
    private final Passwords passwords;
    private final AuditLog audit;
    private final TransactionTemplate separately;
    private final Clock clock;
    private final Access access;

    NetworkRules(Sessions sessions, Passwords passwords, AuditLog audit, PlatformTransactionManager transactions,
            Clock clock, Access access) {
        this.access = access;
        this.sessions = sessions;
        this.passwords = passwords;
        this.audit = audit;
        this.separately = new TransactionTemplate(transactions);
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.clock = clock;
    }

    /**
     * Whether a sign-in from {@code origin} is outside the networks that the account's tenant and roles
     * allow (seed 000, "IP rules"), asked before its password is checked. A refusal is recorded
     * (SIGN_IN_REFUSED_IP, which tells the tenant's admins) in the sign-in's transaction, which commits
     * it, and takes the time of a comparison: the caller answers the 401 of every failed sign-in, since
     * a distinct answer would tell someone outside the network that the account exists and which rule
     * it falls under.
     */
    boolean refusesSignIn(Accounts.Account account, String password, Origin origin) {
        if (account.tenantSlug().equals(Caller.PLATFORM)) {
            return false;
        }
        String ip = origin.ip();
        if (sessions.rulesFor(account.tenant(), account.id(), clock.instant()).allows(ip)) {
            return false;
        }
        audit.record(account.tenant(), "SIGN_IN_REFUSED_IP", new AuditLog.Actor(account.id(), account.username(),
                access.rolesHeld(account.tenant(), account.id())), new AuditLog.Target("user",
                account.id().toString(), account.username()), ip, origin.userAgent(), Map.of("ip", String.valueOf(ip)));
        passwords.matchesNothing(password);
        return true;
    }

    /** Whether a request of a signed-in session may go on; records the refusal when not. */
    boolean allowsRequest(Sessions.Live session, HttpServletRequest request) {
        String ip = Origin.of(request).ip();
        if (permits(session, ip)) {
            return true;
        }
        refused(session.tenant(), "REQUEST_REFUSED_IP", session.userId(), session.username(), session.impersonatedBy(), ip,
                Origin.of(request).userAgent(), Map.of("ip", String.valueOf(ip), "method", request.getMethod(),
                        "path", request.getRequestURI(), "session", session.id().toString()));
        return false;
    }

    /** Whether a signed-in session may make requests from {@code ip}; records nothing. */
    boolean permits(Sessions.Live session, @Nullable String ip) {
        return session.isPlatformOperator() || session.rules().allows(ip);
    }

    private void refused(TenantId tenant, String action, UUID user, String username,
            @Nullable Impersonator impersonatedBy, @Nullable String ip, @Nullable String userAgent,
            Map<String, String> details) {
        separately.executeWithoutResult(status -> audit.record(tenant, action,
                new AuditLog.Actor(user, username, access.rolesHeld(tenant, user), impersonatedBy),
                new AuditLog.Target("user", user.toString(), username), ip, userAgent, details));
    }
}
