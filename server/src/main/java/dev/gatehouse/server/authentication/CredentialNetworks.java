package dev.gatehouse.server.authentication;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tenant's IP allowlist (seed 000, "IP rules") for a credential other than a session — an API
 * key, an access token of one of the tenant's applications — so that it reaches the API only from
 * where its user's own sessions may: the rules of the roles the user holds now. A refusal is
 * recorded on the tenant's trail as a session's is ({@code REQUEST_REFUSED_IP}), in a transaction of
 * its own.
 */
@Component
public class CredentialNetworks {

    private final Access access;
    private final AuditLog audit;
    private final TransactionTemplate separately;
    /**
     * Each tenant's settings for at most a second: a key or token on the check path costs no
     * database round trip, and a changed allowlist applies within a second on every node. Read again
     * in the background half-way (issue 12: every request with a key waited on the one that read them
     * once a second), so only a tenant's first request after a quiet second waits on the read.
     */
    private final LoadingCache<TenantId, TenantSettings> recent;

    CredentialNetworks(TenantSettingsStore settings, Access access, AuditLog audit,
            PlatformTransactionManager transactions, CacheRefreshes refreshes) {
        this.recent = Caffeine.newBuilder().maximumSize(10_000).executor(refreshes)
                .expireAfterWrite(Duration.ofSeconds(1)).refreshAfterWrite(Duration.ofMillis(500)).build(settings::of);
        this.access = access;
        this.audit = audit;
        this.separately = new TransactionTemplate(transactions);
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Whether {@code user}'s requests may come from {@code ip}; records nothing. */
    public boolean permits(TenantId tenant, UUID user, String ip) {
        TenantSettings settings = recent.get(tenant);
        // No allowlist in the tenant (most tenants): every address passes, whatever roles the user holds.
        return !SessionRules.anyNetworkRule(settings) || IpRules.admit(settings, access.rolesHeld(tenant, user), ip);
    }

    /**
     * Whether this request of {@code user} may go on; records the refusal when not, with
     * {@code credential} (e.g. {@code apiKey: prefix}) among its details.
     */
    public boolean allowsRequest(TenantId tenant, UUID user, String username, HttpServletRequest request,
            Map<String, String> credential) {
        String ip = Origin.of(request).ip();
        if (permits(tenant, user, ip)) {
            return true;
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("ip", String.valueOf(ip));
        details.put("method", request.getMethod());
        details.put("path", request.getRequestURI());
        details.putAll(credential);
        List<String> roles = access.rolesHeld(tenant, user);
        separately.executeWithoutResult(status -> audit.record(tenant, "REQUEST_REFUSED_IP",
                new AuditLog.Actor(user, username, roles), new AuditLog.Target("user", user.toString(), username), ip,
                Origin.of(request).userAgent(), details));
        return false;
    }
}
