package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
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
 * <p>Refusals are recorded in their own transaction, so that the refusal (which rolls back the
 * request's own work) still leaves its audit event.
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
     * Refuses a sign-in from outside the networks that the account's tenant and roles allow, before
     * its password is checked. The answer is the 401 of every failed sign-in (and takes as long):
     * a distinct answer would tell someone outside the network that the account exists and which
     * rule it falls under. The audit event (SIGN_IN_REFUSED_IP) tells the tenant's admins.
     */
    void requireAllowedNetwork(Accounts.Account account, String password, HttpServletRequest request) {
        if (account.tenantSlug().equals(Caller.PLATFORM)) {
            return;
        }
        String ip = Origin.of(request).ip();
        if (sessions.rulesFor(account.tenant(), account.id(), clock.instant()).allows(ip)) {
            return;
        }
        refused(account.tenant(), "SIGN_IN_REFUSED_IP", account.id(), account.username(), null, ip,
                Origin.of(request).userAgent(), Map.of("ip", String.valueOf(ip)));
        passwords.matchesNothing(password);
        throw new ApiException(HttpStatus.UNAUTHORIZED, "Sign-in failed",
                "the tenant, username or password is not right", List.of());
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
