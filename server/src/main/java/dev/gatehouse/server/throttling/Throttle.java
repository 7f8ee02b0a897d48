package dev.gatehouse.server.throttling;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ServiceUnavailable;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.shared.Unavailability;
import io.github.bucket4j.BucketExceptions;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
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
import java.util.function.LongFunction;
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
 * ({@link RateLimitBuckets}). A door asks {@link #enter} before it does any work; a refusal is a
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

    /**
     * The limits an allowed attempt passed. From {@link #enter}, each spent a token, which
     * {@link #succeeded} gives back where only failures weigh. From {@link #enterWeighingFailures},
     * a limit far from empty was passed on this node's view without spending ({@link BucketView}):
     * {@link #failed} spends it then, and the caller must end the permit with one of the two.
     */
    public static final class Permit {

        /** One limit passed: {@code reserved} when its token is spent already; {@code view} for a door weighing failures. */
        private record Held(BucketProxy bucket, @Nullable BucketView view, boolean reserved) {}

        private final List<Held> held;
        private boolean ended;

        private Permit(List<Held> held) {
            this.held = held;
        }

        /** The attempt succeeded: its tokens go back, so only failures are counted. */
        public synchronized void succeeded() {
            if (!ended) {
                ended = true;
                release(held);
            }
        }

        /**
         * The attempt failed: the limits passed without spending spend their token now. A bucket
         * found empty meanwhile (another node spent it) is charged all the same, ignoring its limit:
         * the overdraft is owed, and refused attempts wait until it is repaid.
         */
        public synchronized void failed() {
            if (!ended) {
                ended = true;
                weigh(held);
            }
        }

        /**
         * Runs the door's work. When it ends in overload (503: the database busy or restarting), the
         * credentials were never weighed, so the tokens go back: a clinic's staff signing in through a
         * database restart must not find their address throttled afterwards. Any other exception is a
         * failed attempt.
         */
        public <T> T during(Supplier<T> work) {
            try {
                return work.get();
            } catch (RuntimeException e) {
                if (Unavailability.answer(e) != null) {
                    succeeded();
                } else {
                    failed();
                }
                throw e;
            }
        }
    }

    /** The settings of a tenant a request named, when it exists. */
    private record Known(@Nullable TenantId id, String key, TenantSettings.Throttling settings) {}

    private final RateLimitBuckets buckets;
    private final TenantDirectory tenants;
    private final TenantSettingsStore settings;
    private final AuditLog audit;
    private final TransactionTemplate separately;
    private final MeterRegistry meters;
    private final Map<Door, Limit> addressLimits = new EnumMap<>(Door.class);
    private volatile @Nullable TenantId platform;

    /**
     * This node's views of the buckets of doors weighing failures ({@link #enterWeighingFailures}). Bounded:
     * a view evicted with attempts in flight is replaced by a fresh one, which lets at most its slack through.
     */
    private final Cache<String, BucketView> views = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(15)).build();

    /**
     * Buckets this node found empty, with when a token will be back (System.nanoTime), each kept until then and no
     * longer, so that an empty cache means no refusal on this node now ({@link #spentHere}). Bounded: a
     * flood over many keys evicts the oldest, which then cost one more database round each.
     */
    private final Cache<String, Long> recentlyRefused = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfter(Expiry.<String, Long>writing((id, until) -> Duration.ofNanos(Math.max(0, until - System.nanoTime()))))
            .build();

    Throttle(RateLimitBuckets buckets, TenantDirectory tenants, TenantSettingsStore settings, AuditLog audit,
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
     * Spends one token from each limit that applies, address first, before the door does any work.
     *
     * @throws TooManyRequests when a limit is spent; nothing is then spent from the others
     */
    public Permit enter(Attempt attempt) {
        return enter(attempt, false);
    }

    /**
     * Passes the limits that apply, address first, for a door where only failures weigh (a password
     * sign-in): a limit this node sees far from empty is passed without a database round trip and
     * spent only if the attempt fails ({@link BucketView}); a limit near empty spends its token now,
     * exactly as {@link #enter}. The caller must end the permit with {@link Permit#succeeded} or
     * {@link Permit#failed}; {@link Permit#during} ends it on an exception.
     *
     * @throws TooManyRequests when a limit is spent; nothing is then spent from the others
     */
    public Permit enterWeighingFailures(Attempt attempt) {
        return enter(attempt, true);
    }

    private Permit enter(Attempt attempt, boolean weighingFailures) {
        List<Permit.Held> held = new ArrayList<>();
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
                release(held);
                throw refusal(attempt, scope, limit, id, tenant, waitNanos);
            }
            BucketProxy bucket = buckets.bucket(id, limit);
            BucketView view = weighingFailures ? views.get(id, key -> new BucketView(limit, System.nanoTime())) : null;
            if (view != null && view.tryLetThrough(System.nanoTime())) {
                held.add(new Permit.Held(bucket, view, false));
            } else {
                Known named = tenant;
                held.add(reserve(bucket, view, held, waited -> refusal(attempt, scope, limit, id, named, waited),
                        id, limit));
            }
        }
        return new Permit(held);
    }

    /**
     * Spends a token of {@code bucket} now, in the database. With a {@code view}, the answer teaches
     * it, and a token that this node's attempts let through unweighed are owed is not taken.
     *
     * @throws TooManyRequests ({@code refusal} of how long to wait) when there is none; what {@code held} spent goes back
     */
    private Permit.Held reserve(BucketProxy bucket, @Nullable BucketView view, List<Permit.Held> held,
            LongFunction<TooManyRequests> refusal, String id, Limit limit) {
        ConsumptionProbe probe = consume(bucket, held);
        if (!probe.isConsumed()) {
            release(held);
            recentlyRefused.put(id, System.nanoTime() + probe.getNanosToWaitForRefill());
            throw refusal.apply(probe.getNanosToWaitForRefill());
        }
        if (view != null) {
            view.learn(probe.getRemainingTokens(), System.nanoTime());
            if (probe.getRemainingTokens() < view.unweighed()) {
                // The last tokens are owed to attempts this node let through unweighed, should they fail.
                giveBack(bucket);
                release(held);
                throw refusal.apply(nanosPerToken(limit));
            }
        }
        return new Permit.Held(bucket, view, true);
    }

    /** How long the limit takes to refill one token. */
    private static long nanosPerToken(Limit limit) {
        return Duration.ofMinutes(limit.perMinutes()).toNanos() / limit.requests();
    }

    /**
     * Spends a token from {@code bucket}. Bucket4j wraps what its database did in its own exception: a
     * pool wait that timed out or a database restarting is overload, answered 503 with Retry-After
     * like any other (shared.Unavailability), never a 500.
     *
     * @throws ServiceUnavailable when the buckets' database cannot be reached now; what {@code held} spent goes back
     */
    private static ConsumptionProbe consume(BucketProxy bucket, List<Permit.Held> held) {
        try {
            return bucket.tryConsumeAndReturnRemaining(1);
        } catch (BucketExceptions.BucketExecutionException e) {
            Unavailability.Answer answer = Unavailability.answer(e);
            if (answer == null) {
                throw e;
            }
            release(held);
            throw new ServiceUnavailable(answer.detail(), answer.retryAfter());
        }
    }

    /**
     * Ends what an attempt held without weighing it: a refused, overloaded or successful attempt spends
     * nothing from the limits that let it pass. Spent tokens go back; limits passed on this node's view
     * are simply no longer owed.
     */
    private static void release(List<Permit.Held> held) {
        for (Permit.Held passed : held) {
            if (passed.reserved()) {
                giveBack(passed.bucket());
                if (passed.view() != null) {
                    passed.view().gaveBack(System.nanoTime());
                }
            } else {
                passed.view().settle();
            }
        }
        held.clear();
    }

    /**
     * A failed attempt spends the tokens of the limits it passed on this node's view. When the bucket
     * was emptied meanwhile elsewhere, the token is taken all the same (a debt the bucket repays by
     * refilling, during which it refuses): every failure is counted in the shared row. A charge the
     * database cannot take now is dropped, as a refund is.
     */
    private static void weigh(List<Permit.Held> held) {
        for (Permit.Held passed : held) {
            if (passed.reserved()) {
                continue;
            }
            try {
                ConsumptionProbe probe = passed.bucket().tryConsumeAndReturnRemaining(1);
                if (probe.isConsumed()) {
                    passed.view().learn(probe.getRemainingTokens(), System.nanoTime());
                } else {
                    passed.bucket().consumeIgnoringRateLimits(1);
                    passed.view().learn(-1, System.nanoTime());
                }
            } catch (BucketExceptions.BucketExecutionException e) {
                if (Unavailability.answer(e) == null) {
                    throw e;
                }
            } finally {
                passed.view().settle();
            }
        }
        held.clear();
    }

    /** Returns one token to {@code bucket}; a refund the database cannot take now is dropped: the bucket refills by itself. */
    private static void giveBack(BucketProxy bucket) {
        try {
            bucket.addTokens(1);
        } catch (BucketExceptions.BucketExecutionException e) {
            if (Unavailability.answer(e) == null) {
                throw e;
            }
        }
    }

    /**
     * The refusal of {@code door}'s address limit when this node saw it spent moments ago, asking
     * no database: for a door whose work (a lookup) costs more than the question. Records nothing;
     * the refusal that spent it was recorded.
     */
    public Optional<TooManyRequests> spentHere(Door door, @Nullable String address) {
        // Nothing refused on this node now, the usual case: no bucket's id to build, so no address to hash (issue 12:
        // every request with a bearer credential built and hashed one).
        if (address == null || recentlyRefused.asMap().isEmpty()) {
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
            return buckets.bucket("recorded:" + id, new Limit(1, limit.perMinutes())).tryConsume(1);
        } catch (BucketExceptions.BucketExecutionException e) {
            if (Unavailability.answer(e) == null) {
                throw e;
            }
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
