package dev.gatehouse.server.throttling;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ServiceUnavailable;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.shared.Unavailability;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rate limits on the doors anyone may knock on without a session (docs/security.md, "Throttling"):
 * per client address, per account and per tenant, in buckets shared by every node
 * ({@link ThrottleBuckets}). A door asks {@link #enter} before it does any work; a refusal is a
 * {@link TooManyRequests} (429 with Retry-After), recorded once per limit and window as
 * {@code REQUEST_THROTTLED} and counted in {@code gatehouse_throttle_refusals_total}.
 *
 * <p>The account is counted whether or not it exists, so a refusal tells nothing about it. Doors
 * whose honest traffic is mostly successful (sign-in, the second factor) give their tokens back
 * when the attempt succeeds ({@link Permit#succeeded}): the buckets then weigh failures, and a
 * clinic's whole staff signing in from one NAT address at 8 am spends nothing.
 *
 * <p>The per-address limits are the operator's (server properties {@code gatehouse.throttle.address.*}):
 * an address is not any one tenant's. The per-account and per-tenant limits are the tenant's
 * settings ({@code throttling}): their defaults are {@code settings.TenantSettings.Throttling.DEFAULTS},
 * their reasons are said beside each {@link Door}.
 */
@Service
public class Throttle {

    /** Which limit refused: a Prometheus tag value and the audit event's {@code limit}; never an address or a name. */
    enum Scope { ADDRESS, ACCOUNT, TENANT }

    /**
     * The throttled doors, with their settings name, their server property and their default address
     * limit. Why each default (the tenant settings' too) is what it is, is said beside it and on the
     * console's Security screen.
     */
    public enum Door {
        /**
         * Address: 30 failures a minute. An office behind one NAT address mistypes a few passwords
         * at 8 am, not 30 a minute; a guessing script from one machine is down to one try every two
         * seconds. Account: 100 in 15 minutes: the lockout (5) stops guessing long before; this bounds
         * what attempts on a locked account cost (each still spends a hash's time) without ever being
         * reached by a person. Tenant: 300 failures a minute: password spraying over a tenant's
         * accounts from many addresses, slowed without a clinic's ordinary failures coming near it.
         */
        SIGN_IN("signIn", "sign-in", "30/PT1M"),
        /**
         * Wrong codes weigh like wrong passwords, and every e-mailed code counts (a mail each). Account:
         * 10 in 15 minutes: two or three mistyped codes and a resend are normal; ten are not.
         */
        SECOND_FACTOR("secondFactor", "second-factor", "30/PT1M"),
        /**
         * Every request counts: each may send a mail. Address: 10 a minute. Account: 5 an hour, on
         * top of at most one link a minute; Tenant: 100 a minute, far above a clinic's morning.
         */
        FORGOT_PASSWORD("forgotPassword", "forgot-password", "10/PT1M"),
        /**
         * Every request counts: each may create an account and send an invitation. Account (the
         * e-mail address): 3 an hour. Tenant (the e-mail domain): 100 an hour, a new clinic's staff
         * registering on their first morning.
         */
        REGISTRATION("registration", "registration", "10/PT1M"),
        /**
         * Redeeming an invitation or reset link: the link is unguessable, so the address limit is
         * against scanning; the account's, a person retrying refused passwords on their link.
         */
        TOKEN_REDEMPTION("tokenRedemption", "token-redemption", "30/PT1M"),
        /**
         * The operator's metrics scrape token ({@code edge.MetricsAccess}): address only, failures
         * only. A scraper presents the right token every 15 to 60 seconds and spends nothing; 10
         * wrong ones a minute from one address is someone guessing, not a misconfigured scraper
         * retrying.
         */
        METRICS("metrics", "metrics", "10/PT1M"),
        /**
         * Bearer credentials the API does not know (a session token, API key or access token that
         * is unknown, ended, revoked or expired): address only, failures only, spent after the
         * lookup failed, so a known credential costs nothing here. Guessing a 256-bit secret is
         * hopeless; what this bounds is the database lookups a flood of made-up tokens costs. 300 a
         * minute is far above an application retrying a stale token; once spent, the address is
         * refused before any lookup until the window refills.
         */
        BEARER("bearer", "bearer", "300/PT1M"),
        /**
         * Home-realm discovery ({@code GET /api/v1/auth/discover}, issue 15): address only, every
         * request counts. It answers by e-mail domain only, never about an account; what this bounds
         * is a script walking domains to learn which use single sign-on. 120 a minute is a clinic's
         * whole morning shift signing in from one NAT address within the minute.
         */
        DISCOVERY("discovery", "discovery", "120/PT1M"),
        /**
         * Checks sent without credentials and answered for a tenant's guest (seed 002 §2, issue 16):
         * address only, every request counts. A public booking page asks a handful of checks per page
         * view, in one batch; 300 a minute is a busy waiting room behind one NAT address, while a
         * script probing the catalog or flooding the denial log is slowed to five a second.
         */
        GUEST_CHECK("guestCheck", "guest-check", "300/PT1M");

        private final String setting;
        private final String property;
        private final String addressDefault;

        Door(String setting, String property, String addressDefault) {
            this.setting = setting;
            this.property = property;
            this.addressDefault = addressDefault;
        }

        /** The name under {@code throttling} in the tenant settings, and the Prometheus tag. */
        public String setting() {
            return setting;
        }
    }

    /** The tenant a request names: by slug (sign-in, forgot-password), by id (a link, a challenge), or nothing known. */
    public sealed interface Tenant {
        record Slug(String slug) implements Tenant {}

        record Id(TenantId id) implements Tenant {}

        /** No tenant is known: {@code name} (an e-mail domain, an unknown slug) is counted with the default limits. */
        record Unknown(String name) implements Tenant {}
    }

    /**
     * One attempt at a door: from {@code address}, naming {@code tenant} and, within it, {@code account}
     * (a normalised username or e-mail, or a user id) when the request names one.
     */
    public record Attempt(Door door, @Nullable String address, @Nullable Tenant tenant, @Nullable String account,
            @Nullable String userAgent) {}

    /** The tokens an allowed attempt spent; {@link #succeeded} gives them back where only failures weigh. */
    public static final class Permit {

        private final ThrottleBuckets buckets;
        private List<ThrottleBuckets.Bucket> spent;

        private Permit(ThrottleBuckets buckets, List<ThrottleBuckets.Bucket> spent) {
            this.buckets = buckets;
            this.spent = spent;
        }

        /** The attempt succeeded: its tokens go back, so only failures are counted. */
        public void succeeded() {
            giveBack();
        }

        /**
         * Runs the door's work. When it ends in overload (503: the database busy or restarting), the
         * credentials were never weighed, so the tokens go back: a clinic's staff signing in through a
         * database restart must not find their address throttled afterwards.
         */
        public <T> T during(Supplier<T> work) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (Unavailability.answer(e) != null) {
                    giveBack();
                }
                throw e;
            }
        }

        /** Every token once, in one statement; a refund the database cannot take now is dropped. */
        private void giveBack() {
            List<ThrottleBuckets.Bucket> tokens = spent;
            spent = List.of();
            buckets.giveBack(tokens);
        }
    }

    /** The settings of a tenant a request named, when it exists. */
    private record Known(@Nullable TenantId id, String key, TenantSettings.Throttling settings) {}

    private final ThrottleBuckets buckets;
    private final TenantDirectory tenants;
    private final TenantSettingsStore settings;
    private final AuditLog audit;
    private final TransactionTemplate separately;
    private final MeterRegistry meters;
    private final Map<Door, Limit> addressLimits = new EnumMap<>(Door.class);
    private volatile @Nullable TenantId platform;

    /**
     * Buckets this node found empty, with when a token will be back (System.nanoTime). Bounded: a
     * flood over many keys evicts the oldest, which then cost one more database round each.
     */
    private final Cache<String, Long> recentlyRefused = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(Duration.ofHours(1)).build();

    Throttle(ThrottleBuckets buckets, TenantDirectory tenants, TenantSettingsStore settings, AuditLog audit,
            PlatformTransactionManager transactions, MeterRegistry meters, Environment environment) {
        this.buckets = buckets;
        this.tenants = tenants;
        this.settings = settings;
        this.audit = audit;
        this.meters = meters;
        this.separately = new TransactionTemplate(transactions);
        this.separately.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        for (Door door : Door.values()) {
            String property = "gatehouse.throttle.address." + door.property;
            addressLimits.put(door, Limit.parse(property, environment.getProperty(property, door.addressDefault)));
        }
    }

    /**
     * Spends one token from each limit that applies, all in one statement (issue 17), before the door
     * does any work. The limits are weighed address first: the first without a token refuses.
     *
     * @throws TooManyRequests when a limit is spent; nothing is then spent from the others
     * @throws ServiceUnavailable when the buckets' database cannot be reached now
     */
    public Permit enter(Attempt attempt) {
        List<ThrottleBuckets.Bucket> wanted = new ArrayList<>(3);
        List<Scope> scopes = new ArrayList<>(3);
        Known tenant = null;
        for (Scope scope : Scope.values()) {
            if (scope != Scope.ADDRESS && attempt.tenant() == null) {
                break;
            }
            if (scope == Scope.ACCOUNT && attempt.account() == null) {
                continue;
            }
            if (scope == Scope.ADDRESS && attempt.address() == null) {
                continue;
            }
            if (tenant == null && scope != Scope.ADDRESS) {
                tenant = resolve(attempt.tenant());
            }
            Limit limit = limit(attempt.door(), scope, tenant);
            String subject = switch (scope) {
                case ADDRESS -> attempt.address();
                case ACCOUNT -> tenant.key() + "\n" + attempt.account().strip().toLowerCase(Locale.ROOT);
                case TENANT -> tenant.key();
            };
            String id = bucketId(attempt.door(), scope, limit, subject);
            long waitNanos = refusedHere(id);
            if (waitNanos > 0) {
                // This node saw the bucket empty moments ago: refuse without asking the database again, so a
                // flood from one address or on one account costs one row lock per node and window, not one each.
                throw refusal(attempt, scope, limit, id, tenant, waitNanos);
            }
            wanted.add(new ThrottleBuckets.Bucket(id, limit));
            scopes.add(scope);
        }
        ThrottleBuckets.Taken taken = buckets.take(wanted);
        if (!taken.allowed()) {
            ThrottleBuckets.Bucket empty = wanted.get(taken.refused());
            recentlyRefused.put(empty.id(), System.nanoTime() + taken.waitNanos());
            throw refusal(attempt, scopes.get(taken.refused()), empty.limit(), empty.id(), tenant, taken.waitNanos());
        }
        return new Permit(buckets, wanted);
    }

    /**
     * The refusal of {@code door}'s address limit when this node saw it spent moments ago, asking
     * no database: for a door whose work (a lookup) costs more than the question. Records nothing;
     * the refusal that spent it was recorded.
     */
    public Optional<TooManyRequests> spentHere(Door door, @Nullable String address) {
        if (address == null) {
            return Optional.empty();
        }
        String id = bucketId(door, Scope.ADDRESS, addressLimits.get(door), address);
        long waitNanos = refusedHere(id);
        return waitNanos == 0 ? Optional.empty()
                : Optional.of(new TooManyRequests(Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L)));
    }

    /** The bucket of one limit of a door for one subject (an address, an account, a tenant), hashed. */
    private static String bucketId(Door door, Scope scope, Limit limit, String subject) {
        return door.setting + ":" + scope.name().toLowerCase(Locale.ROOT) + ":" + limit.key() + ":" + digest(subject);
    }

    /** How long this node saw bucket {@code id} empty for, from now; 0 when it did not. */
    private long refusedHere(String id) {
        Long until = recentlyRefused.getIfPresent(id);
        long left = until == null ? 0 : until - System.nanoTime();
        if (until != null && left <= 0) {
            recentlyRefused.invalidate(id);
        }
        return Math.max(0, left);
    }

    private TooManyRequests refusal(Attempt attempt, Scope scope, Limit limit, String id, @Nullable Known tenant,
            long waitNanos) {
        long retryAfter = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        refused(attempt, scope, limit, id, tenant, retryAfter);
        return new TooManyRequests(retryAfter);
    }

    private Limit limit(Door door, Scope scope, @Nullable Known tenant) {
        if (scope == Scope.ADDRESS) {
            return addressLimits.get(door);
        }
        TenantSettings.Door limits = tenant.settings().door(door.setting);
        TenantSettings.Limit limit = scope == Scope.ACCOUNT ? limits.perAccount() : limits.perTenant();
        return new Limit(limit.requests(), limit.perMinutes());
    }

    private Known resolve(Tenant tenant) {
        return switch (tenant) {
            case Tenant.Slug slug -> {
                String name = slug.slug().strip().toLowerCase(Locale.ROOT);
                yield tenants.idOf(name)
                        .map(id -> new Known(id, "tenant " + id.value(), settings.of(id).throttling()))
                        .orElseGet(() -> new Known(null, "unknown " + name, TenantSettings.Throttling.DEFAULTS));
            }
            case Tenant.Id id -> new Known(id.id(), "tenant " + id.id().value(), settings.of(id.id()).throttling());
            case Tenant.Unknown unknown -> new Known(null, "unknown " + unknown.name().strip().toLowerCase(Locale.ROOT),
                    TenantSettings.Throttling.DEFAULTS);
        };
    }

    /**
     * Counts the refusal and, the first time this limit refuses in its window, records it: a flood
     * of refused requests is one event per limit and window, not one per request. The record is
     * written in a transaction of its own, the only write a refused request makes.
     */
    private void refused(Attempt attempt, Scope scope, Limit limit, String id, @Nullable Known tenant,
            long retryAfter) {
        Counter.builder("gatehouse.throttle.refusals")
                .description("Requests refused by a rate limit, by door and by which limit refused")
                .tag("door", attempt.door().setting).tag("limit", scope.name().toLowerCase(Locale.ROOT))
                .register(meters).increment();
        // One token per window: the first refusal takes it and is recorded; the rest of the window finds none.
        if (!firstInWindow(id, limit)) {
            return;
        }
        // On the trail of the tenant the request named, so its admins see it; else on the platform's.
        Known named = tenant == null && attempt.tenant() != null ? resolve(attempt.tenant()) : tenant;
        TenantId trail = named != null && named.id() != null ? named.id() : platformTenant().orElse(null);
        if (trail == null) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("door", attempt.door().setting);
        details.put("limit", scope.name());
        details.put("requests", limit.requests());
        details.put("perMinutes", limit.perMinutes());
        details.put("retryAfterSeconds", retryAfter);
        separately.executeWithoutResult(status -> audit.record(trail, "REQUEST_THROTTLED", AuditLog.Actor.SYSTEM,
                null, attempt.address(), attempt.userAgent(), details));
    }

    /** Requests naming no tenant (an unknown slug, an invalid link) are recorded on the platform's own trail. */
    private Optional<TenantId> platformTenant() {
        TenantId known = platform;
        if (known == null) {
            known = tenants.idOf("platform").orElse(null);
            platform = known;
        }
        return Optional.ofNullable(known);
    }

    /**
     * Whether this is the first refusal of the limit's window, which is recorded. When the buckets'
     * database cannot say (overload), the refusal is answered all the same and left unrecorded; it is
     * still counted in the metrics.
     */
    private boolean firstInWindow(String id, Limit limit) {
        try {
            return buckets.take(List.of(new ThrottleBuckets.Bucket("recorded:" + id, new Limit(1, limit.perMinutes()))))
                    .allowed();
        } catch (ServiceUnavailable e) {
            return false;
        }
    }

    /** SHA-256, so the bucket table holds no address, username or e-mail address. */
    private static String digest(String subject) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(subject.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
