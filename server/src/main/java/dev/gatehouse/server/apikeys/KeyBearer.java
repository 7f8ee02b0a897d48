package dev.gatehouse.server.apikeys;

import dev.gatehouse.engine.Profile;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.CredentialNetworks;
import dev.gatehouse.server.authentication.Credentials;
import dev.gatehouse.server.shared.BearerCredentials;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Credential;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.throttling.CredentialLimits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * API keys as a kind of bearer credential: tokens spelled {@code ghk_…}. A key is live while it is
 * neither revoked nor expired, a replaced secret only until its rotation's overlap ends, and only
 * while its owner is active (not locked, not disabled); then it is refused while its owner, a
 * person, has required actions pending (403: an admin-set password to change, a second factor to
 * set up — as the person's own sessions are confined to doing that, their keys do nothing until
 * it is done), and, like a session, from outside the tenant's IP allowlist (403) and over its own
 * rate limit (429 with Retry-After, recorded on the trail at most once a minute per key).
 *
 * <p>After the first use on a node, a key is resolved from {@link KeyCache} and the access caches:
 * no database round trip on the request: the rate limit is spent from the node's view of its bucket and
 * written back in the background ({@link CredentialLimits}).
 * A request is charged once, whichever path resolves it first: the check API's lean path and, when
 * that hands over, the security chain (a request attribute carries what the first found).
 */
@Component
@Order(10)
class KeyBearer implements BearerCredentials {

    /** What this request's key was charged: 0 when admitted and counted, else nanoseconds until it may be. */
    private static final String CHARGED = KeyBearer.class.getName() + ".charged";
    /** A key refused by its rate limit is recorded on the trail at most this often. */
    static final Duration RATE_LIMITED_AUDIT_EVERY = Duration.ofMinutes(1);

    private final KeyStore keys;
    private final KeyCache cache;
    private final KeyUsage usage;
    private final Access access;
    private final Credentials credentials;
    private final TenantDirectory tenants;
    private final CredentialLimits limits;
    private final CredentialNetworks networks;
    private final Clock clock;
    private final Counter throttled;
    private final AuditLog audit;
    private final TransactionTemplate separately;

    KeyBearer(KeyStore keys, KeyCache cache, KeyUsage usage, Access access, Credentials credentials, TenantDirectory tenants,
            CredentialLimits limits, CredentialNetworks networks, Clock clock, MeterRegistry meters, AuditLog audit,
            PlatformTransactionManager transactions) {
        this.audit = audit;
        this.separately = new TransactionTemplate(transactions);
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.keys = keys;
        this.cache = cache;
        this.usage = usage;
        this.access = access;
        this.credentials = credentials;
        this.tenants = tenants;
        this.limits = limits;
        this.networks = networks;
        this.clock = clock;
        this.throttled = Counter.builder("gatehouse.api_keys.throttled")
                .description("Requests with an API key refused by the key's rate limit").register(meters);
    }

    @Override
    public boolean claims(String token) {
        return KeySecrets.spelled(token);
    }

    @Override
    public Resolution resolve(String token, HttpServletRequest request) {
        Optional<KeyCache.Entry> live = live(token);
        if (live.isEmpty()) {
            return new Dead();
        }
        KeyCache.Entry entry = live.get();
        if (!entry.ownerRequiredActions().isEmpty()) {
            return new Refused(403, "required-actions", "Required actions pending", "the key's owner must first"
                    + " complete their required actions (" + String.join(", ", entry.ownerRequiredActions())
                    + ") by signing in; the key works again once they are done", null);
        }
        String ip = Origin.of(request).ip();
        if (!networks.allowsRequest(entry.key().tenant(), entry.key().owner(), entry.ownerName(), request,
                Map.of("apiKey", entry.key().prefix()))) {
            return new Refused(403, "ip-not-allowed", "Network not allowed",
                    "your tenant does not allow requests from this address (ipAllowlist)", null);
        }
        long wait = charge(entry, request, ip);
        if (wait > 0) {
            throttled.increment();
            recordThrottled(entry, request, ip);
            long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
            return new Refused(429, "too-many-requests", "Too many requests", "this API key's rate limit ("
                    + entry.key().rateRequests() + " requests per " + entry.key().rateSeconds()
                    + " seconds) is spent; try again in " + seconds + " seconds", Duration.ofSeconds(seconds));
        }
        return new Live(caller(entry));
    }

    @Override
    public Optional<Caller> resolveQuietly(String token, HttpServletRequest request) {
        String ip = Origin.of(request).ip();
        return live(token).filter(entry -> entry.ownerRequiredActions().isEmpty())
                .filter(entry -> networks.permits(entry.key().tenant(), entry.key().owner(), ip))
                .filter(entry -> charge(entry, request, ip) == 0)
                .map(KeyBearer::caller);
    }

    /** The key of this token when it works now: known, not revoked or expired, its owner active. */
    private Optional<KeyCache.Entry> live(String token) {
        Instant now = clock.instant();
        byte[] hash = KeySecrets.hash(token);
        return cache.find(hash, () -> load(hash)).filter(entry -> works(entry, now));
    }

    private Optional<KeyCache.Entry> load(byte[] hash) {
        return keys.findByHash(hash).flatMap(found -> credentials.byId(found.key().tenant(), found.key().owner())
                .map(owner -> new KeyCache.Entry(found.key(), found.previous(), tenants.slug(found.key().tenant()),
                        owner.username(), owner.isService() ? List.of() : owner.requiredActions())));
    }

    private boolean works(KeyCache.Entry entry, Instant now) {
        KeyStore.Key key = entry.key();
        if (key.revokedAt() != null || !now.isBefore(key.expiresAt())) {
            return false;
        }
        if (entry.previous() && (key.previousUntil() == null || !now.isBefore(key.previousUntil()))) {
            return false;
        }
        Optional<Profile> owner = access.profile(key.tenant(), key.owner());
        if (owner.isEmpty()) {
            return false;
        }
        // Its tenant not suspended (issue 16); active, not locked out, and not past a contractor's account expiry (issue 13).
        return owner.get().policy().active() && owner.get().subject().isActiveAt(now);
    }

    /** Charges the request to the key's rate limit and usage, once per request. */
    private long charge(KeyCache.Entry entry, HttpServletRequest request, String ip) {
        if (request.getAttribute(CHARGED) instanceof Long charged) {
            return charged;
        }
        KeyStore.Key key = entry.key();
        long wait = limits.spend(key.id().toString(), key.rateRequests(), Duration.ofSeconds(key.rateSeconds()));
        request.setAttribute(CHARGED, wait);
        if (wait == 0) {
            usage.used(key.tenant(), key.id(), ip);
        }
        return wait;
    }

    /**
     * Records a refusal by the key's rate limit on the tenant's trail ({@code API_KEY_RATE_LIMITED}),
     * at most once a minute per key on all nodes together (a bucket of one a minute in the shared
     * buckets): a flooded key must not flood the trail, and the admin still learns of it. In a
     * transaction of its own, as the request is refused.
     */
    private void recordThrottled(KeyCache.Entry entry, HttpServletRequest request, String ip) {
        KeyStore.Key key = entry.key();
        if (limits.spend("api-key-rate-limited-audit:" + key.id(), 1, RATE_LIMITED_AUDIT_EVERY) > 0) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("prefix", key.prefix());
        details.put("rateLimit", Map.of("requests", key.rateRequests(), "perSeconds", key.rateSeconds()));
        details.put("method", request.getMethod());
        details.put("path", request.getRequestURI());
        details.put("recordedAtMostEvery", RATE_LIMITED_AUDIT_EVERY.toString());
        List<String> roles = access.rolesHeld(key.tenant(), key.owner());
        separately.executeWithoutResult(status -> audit.record(key.tenant(), "API_KEY_RATE_LIMITED",
                new AuditLog.Actor(key.owner(), entry.ownerName(), roles),
                new AuditLog.Target("apiKey", key.id().toString(), key.prefix()), ip, Origin.of(request).userAgent(),
                details));
    }

    private static Caller caller(KeyCache.Entry entry) {
        KeyStore.Key key = entry.key();
        return new Caller(key.tenant(), entry.tenantSlug(), key.owner(), entry.ownerName(), null, List.of(), null,
                new Credential.ApiKey(key.id(), key.prefix(), key.scopes(), key.locations()));
    }
}
