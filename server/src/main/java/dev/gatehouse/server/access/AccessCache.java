package dev.gatehouse.server.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.shared.Credential;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * The engine's policies and compiled profiles, in memory, so that a check never reaches the
 * database. Evicted by {@link AccessChanges} on this node and by {@link AccessChangeListener} for
 * changes made on other nodes; every eviction is then announced as an {@link AccessChanged} so that
 * other per-node caches (sessions) can follow.
 */
@Component
class AccessCache {

    /**
     * A username may be renamed without an access change being announced; the check API then names
     * the wrong person for at most this long (the same bound as the session cache's).
     */
    static final Duration USERNAME_TTL = Duration.ofSeconds(1);

    /**
     * Users whose stored relationships a node keeps, per tenant: each is one user's index, loaded on
     * their first check that could need it (docs/benchmarks.md has the bytes per tuple). Bounded by
     * weight, one unit per path, so a few users with many patients cannot fill the heap.
     */
    static final long RELATION_PATHS_PER_TENANT = 2_000_000;

    /**
     * What one tenant's compiled profiles may take of the heap: an eighth of it. A profile is about
     * 1.8 KB at three assignments (its memo of decisions), so a count bound of 200,000 let one large
     * tenant's profiles grow to 350 MB — more than README's whole 256 MB heap — under checks about
     * many distinct users (issue 17's harness at a million users). An evicted profile is compiled
     * again on its next check, which costs a read of the user (cold-profile checks in benchmarks.md).
     */
    static final long PROFILE_BYTES_PER_TENANT = Runtime.getRuntime().maxMemory() / 8;

    private static int weight(Profile profile) {
        return (int) Math.min(Integer.MAX_VALUE, profile.approximateBytes());
    }

    /**
     * API keys' profiles narrowed from their owners' per node: the check path narrows once per key and
     * owner version, not once per request. An unused narrowing is dropped after this long.
     */
    static final Duration NARROWED_IDLE = Duration.ofMinutes(10);

    /**
     * A tenant's policy, the profiles compiled against it, usernames resolved to ids, users'
     * stored relationships, the delegates of each lender, API keys' narrowed profiles and the guest's
     * profile; replaced whole when the policy changes. Everything derived from the policy lives here
     * and nowhere else, so the old policy's memory goes with it: a cache outside keyed by profiles
     * (each holding its policy) kept every version of a busy tenant's policy until its size bound —
     * 176 policies of 5,000 locations after 600 location creations, a full 1 GB heap at 5,500.
     */
    record TenantAccess(TenantPolicy policy, Cache<UUID, Profile> profiles, Cache<String, UUID> usernames,
            Cache<UUID, SubjectRelations> relations, AtomicLong relationChanges, Map<UUID, Set<UUID>> delegates,
            Cache<Narrowing, Profile> narrowed, AtomicReference<@Nullable Profile> guest) {

        /**
         * Keeps {@code loaded}, read after {@code changesBefore} was, unless a change of relationships
         * was announced since: the load may have read the database before that change committed, and
         * the eviction found nothing to evict yet.
         */
        void keepRelations(UUID user, SubjectRelations loaded, long changesBefore) {
            synchronized (relationChanges) {
                if (relationChanges.get() == changesBefore) {
                    relations.put(user, loaded);
                }
            }
        }

        void evictRelations(UUID user) {
            synchronized (relationChanges) {
                relationChanges.incrementAndGet();
                relations.invalidate(user);
            }
        }

        /**
         * Before a profile holding a role lent by {@code lender} is compiled: the lender's state and
         * assignments are compiled into it, so any change of the lender evicts it too. Registered
         * before the lender is read, so that a change racing the compile still finds it.
         */
        void dependsOn(UUID delegate, UUID lender) {
            delegates.computeIfAbsent(lender, k -> ConcurrentHashMap.newKeySet()).add(delegate);
        }
    }

    /**
     * An owner's profile narrowed to one of their keys; the owner compared by identity (a profile
     * recompiled after the owner's change is narrowed afresh).
     */
    record Narrowing(Profile owner, Credential.ApiKey key) {}

    private final Cache<TenantId, TenantAccess> tenants = Caffeine.newBuilder().maximumSize(10_000).build();
    private final ApplicationEventPublisher events;

    AccessCache(ApplicationEventPublisher events) {
        this.events = events;
    }

    Optional<TenantAccess> tenant(TenantId tenant, Function<TenantId, Optional<TenantPolicy>> load) {
        TenantAccess access = tenants.get(tenant, id -> load.apply(id)
                .map(policy -> new TenantAccess(policy,
                        Caffeine.newBuilder().maximumWeight(PROFILE_BYTES_PER_TENANT)
                                .<UUID, Profile>weigher((user, profile) -> weight(profile)).build(),
                        Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(USERNAME_TTL).<String, UUID>build(),
                        Caffeine.newBuilder().maximumWeight(RELATION_PATHS_PER_TENANT)
                                .<UUID, SubjectRelations>weigher((user, relations) -> 1 + relations.size()).build(),
                        new AtomicLong(), new ConcurrentHashMap<>(),
                        Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(NARROWED_IDLE)
                                .<Narrowing, Profile>build(),
                        new AtomicReference<>()))
                .orElse(null));
        return Optional.ofNullable(access);
    }

    void evictTenant(TenantId tenant) {
        tenants.invalidate(tenant);
        events.publishEvent(new AccessChanged.Policy(tenant));
    }

    void evictSubject(TenantId tenant, UUID user) {
        evictSubject(tenant, user, false);
    }

    /** {@link #evictSubject(TenantId, UUID)} for a user the change created (on every node that hears of it). */
    void evictCreatedSubject(TenantId tenant, UUID user) {
        evictSubject(tenant, user, true);
    }

    private void evictSubject(TenantId tenant, UUID user, boolean created) {
        TenantAccess access = tenants.getIfPresent(tenant);
        if (access != null) {
            access.profiles().invalidate(user);
            access.usernames().asMap().values().removeIf(user::equals);
            // Roles this user lends live in their delegates' profiles (issue 13): those go too, on every
            // node, since every node hears of the lender's change and knows whom it compiled them into.
            Set<UUID> delegates = access.delegates().remove(user);
            if (delegates != null) {
                for (UUID delegate : delegates) {
                    access.profiles().invalidate(delegate);
                    events.publishEvent(new AccessChanged.Subject(tenant, delegate));
                }
            }
        }
        events.publishEvent(new AccessChanged.Subject(tenant, user, created));
    }

    /** One user's stored relationships changed: only their index goes; profiles and sessions stay. */
    void evictRelations(TenantId tenant, UUID user) {
        TenantAccess access = tenants.getIfPresent(tenant);
        if (access != null) {
            access.evictRelations(user);
        }
    }

    void evictAll() {
        tenants.invalidateAll();
        events.publishEvent(new AccessChanged.Everything());
    }
}
