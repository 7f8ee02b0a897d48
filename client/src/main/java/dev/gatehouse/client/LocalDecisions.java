package dev.gatehouse.client;

import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionView;
import dev.gatehouse.engine.FieldDecisions;
import dev.gatehouse.engine.PolicyException;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Reason;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.TenantPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Decisions taken in this process by the server's own engine (issue 14): the tenant's policy is
 * downloaded once and each user's profile on their first check, compiled exactly as the server compiles
 * them, and dropped when the server's change stream announces a change that touches them (contract
 * section 3), so that a revoked role stops allowing within the stream's delay. {@link #check} answers
 * what {@code POST …/check} answers for the same request, reason included (contract section 5);
 * {@link #allows} is the allocation-free fast path.
 *
 * <p>When nothing — no change, no heartbeat — has been heard for the staleness bound, the answers are
 * no longer trusted: per {@link LocalOptions#whenStale()} a check is denied with reason code
 * {@code STALE_DECISIONS} saying since when and why, or asked of the server. This is logged once per
 * episode. An allow through a one-time elevation is always asked of the server, which spends it.
 *
 * <p>Thread-safe. {@link #close()} stops the stream; closing the client closes this too.
 */
public final class LocalDecisions implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalDecisions.class.getName());
    /** How many times a download is repeated when a change arrived while it ran (its data then may be older). */
    private static final int LOAD_ATTEMPTS = 3;

    /** Whether the stream has been heard within the staleness bound. */
    public enum State {
        CONNECTED,
        STALE
    }

    /**
     * How fresh local decisions are: the state, when the stream was last heard, the newest change version
     * applied, how many users' profiles are cached and the last stream failure, if any.
     */
    public record Status(State state, @Nullable Instant lastHeardAt, long version, int cachedUsers,
            @Nullable String problem) {}

    /** A compiled policy with the change-log version read before its data. */
    private record LoadedPolicy(TenantPolicy policy, long version) {}

    /**
     * One user's compiled profile, stored relationships, the users who lent them a role, whether they
     * hold an elevation at all (so that an allow is looked into only for them: the fast path stays
     * shallow), and whether their decisions can depend on the time (else the fast path reads no clock).
     */
    private record Known(String id, Profile profile, SubjectRelations relations, List<String> lenders,
            boolean elevated, boolean readsTime) {

        Known(String id, Profile profile, SubjectRelations relations, List<String> lenders, boolean elevated) {
            this(id, profile, relations, lenders, elevated, profile.readsTime()
                    || relations.paths().stream().anyMatch(path -> path.until() != null));
        }
    }

    /**
     * The instant the fast path decides a user at whose decisions read no time: any instant gives their
     * answer ({@link Profile#readsTime}), and a clock read costs as much as the rest of the check.
     */
    private static final Instant TIMELESS = Instant.EPOCH;

    private final GatehouseClient client;
    private final Transport transport;
    private final LocalOptions options;
    private final Clock clock;
    private final CoarseClock coarse;
    private final long boundNanos;

    /** Guards {@link #changes} and every drop and store of cached data, so a stale download is never stored. */
    private final Object lock = new Object();
    private long changes;
    private volatile @Nullable LoadedPolicy policy;
    /** By the name a caller used (username, id as given, canonical id); several names may share one value. */
    private final ConcurrentHashMap<String, Known> users = new ConcurrentHashMap<>();

    private volatile long version;
    private volatile long lastHeardNanos;
    private volatile @Nullable Instant lastHeardAt;
    private volatile @Nullable String problem;
    private volatile boolean closed;
    /**
     * Latched when staleness is first seen (by a check, {@link #status()} or the watchdog, at least every
     * second), cleared by the next event: the fast path reads this flag instead of the clock.
     */
    private final AtomicBoolean stale = new AtomicBoolean();
    private final CountDownLatch firstContact = new CountDownLatch(1);
    private final ChangeStream stream;
    private final ScheduledExecutorService watchdog;

    private LocalDecisions(GatehouseClient client, Transport transport, LocalOptions options, Clock clock) {
        this.client = client;
        this.transport = transport;
        this.options = options;
        this.clock = clock;
        this.coarse = new CoarseClock(clock);
        this.boundNanos = options.stalenessBound().toNanos();
        this.lastHeardNanos = System.nanoTime();
        this.stream = new ChangeStream(transport, client.tenantPath("/changes"), () -> version, new Changes());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("gatehouse-changes-watchdog").factory());
    }

    static LocalDecisions start(GatehouseClient client, Transport transport, LocalOptions options, Clock clock) {
        LocalDecisions local = new LocalDecisions(client, transport, options, clock);
        local.version = local.policy().version();
        local.stream.start();
        long every = Math.max(50, Math.min(1_000, options.stalenessBound().toMillis() / 4));
        local.watchdog.scheduleWithFixedDelay(local::watch, every, every, TimeUnit.MILLISECONDS);
        try {
            local.firstContact.await(options.firstContact().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return local;
    }

    /**
     * The same decision as {@link GatehouseClient#check} for the same check, reason included, taken here;
     * {@link CheckResult#answeredBy()} says where it was taken. A deny of a check with {@code audit(true)}
     * is sent to the server too, which records it.
     *
     * @throws NotFoundException for a user the tenant does not have
     * @throws InvalidRequestException for input the server would refuse
     */
    public CheckResult check(Check check) {
        ensureOpen();
        if (isStale()) {
            return whenStale(check);
        }
        Question question = Question.of(check);
        Map.Entry<LoadedPolicy, Known> loaded = load(question.user(), question.user());
        TenantPolicy engine = loaded.getKey().policy();
        Known known = loaded.getValue();
        Instant at = question.at() != null ? question.at() : clock.instant();
        SubjectRelations relations = Question.needsRelations(question.resource()) ? known.relations()
                : SubjectRelations.NONE;
        DecisionView view;
        Decision decision;
        if (question.fields() == null) {
            decision = engine.check(known.profile(), question.permission(), question.resource(), at, question.context(),
                    relations);
            view = DecisionView.of(decision);
        } else {
            FieldDecisions decisions = engine.checkFields(known.profile(), question.permission(), question.fields(),
                    question.resource(), at, question.context(), relations);
            decision = decisions.decision();
            view = DecisionView.of(decisions);
        }
        if (known.elevated() && elevated(decision)) {
            return client.check(check);
        }
        CheckResult result = Wire.result(Json.tree(view), Answered.LOCAL);
        if (!result.allowed() && Boolean.TRUE.equals(check.audit())) {
            recordDenial(check);
        }
        return result;
    }

    /** Whether {@code user} (id or username) may do {@code permission} anywhere: {@link #allows(String, String, Resource)}. */
    public boolean allows(String user, String permission) {
        return allows(user, permission, null);
    }

    /**
     * The fast path: whether {@code user} may do {@code permission} on {@code resource} now, by the engine,
     * without building a reason for people. After a user's first check an allow allocates nothing; the time
     * is read to the millisecond. Stale, a deny or the server's answer as {@link LocalOptions#whenStale()}
     * says — from when staleness is first seen, by the watchdog within a second at most or by any check;
     * an allow through a one-time elevation is the server's answer.
     */
    public boolean allows(String user, String permission, @Nullable Resource resource) {
        ensureOpen();
        if (stale.get()) {
            return whenStale(check(user, permission, resource)).allowed();
        }
        LoadedPolicy current = policy;
        Known known = users.get(user);
        if (current == null || known == null) {
            Map.Entry<LoadedPolicy, Known> loaded = load(user, Question.canonicalId(user.strip()));
            current = loaded.getKey();
            known = loaded.getValue();
        }
        Instant at = known.readsTime() ? coarse.instant() : TIMELESS;
        Decision decision = current.policy().check(known.profile(), permission, resource, at,
                RequestContext.EMPTY, Question.needsRelations(resource) ? known.relations() : SubjectRelations.NONE);
        if (known.elevated() && elevated(decision)) {
            return client.check(check(user, permission, resource)).allowed();
        }
        return decision.allowed();
    }

    /** How fresh the local decisions are now. */
    public Status status() {
        int cached = (int) users.values().stream().map(Known::id).distinct().count();
        return new Status(isStale() ? State.STALE : State.CONNECTED, lastHeardAt, version, cached, problem);
    }

    /** Stops the change stream; later checks throw {@link IllegalStateException}. */
    @Override
    public void close() {
        closed = true;
        stream.close();
        watchdog.shutdownNow();
        client.forget(this);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("these local decisions are closed");
        }
    }

    private boolean isStale() {
        if (System.nanoTime() - lastHeardNanos <= boundNanos) {
            return false;
        }
        if (stale.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "Gatehouse local decisions are stale: " + silence()
                    + "; answering " + options.whenStale() + " until the stream is back");
        }
        return true;
    }

    /** "nothing heard since …", with the last failure: what a stale answer and the log say. */
    private String silence() {
        Instant heard = lastHeardAt;
        String why = problem;
        return "nothing heard from the change stream " + (heard == null ? "since it was opened" : "since " + heard)
                + ", longer than the staleness bound of " + options.stalenessBound().toSeconds() + " s"
                + (why == null ? "" : " (" + why + ")");
    }

    private CheckResult whenStale(Check check) {
        if (options.whenStale() == WhenStale.HTTP) {
            return client.check(check);
        }
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("code", CheckResult.STALE_DECISIONS);
        reason.put("explanation", "Denied without asking: local decisions may be out of date — " + silence() + ".");
        if (lastHeardAt != null) {
            reason.put("lastHeardAt", String.valueOf(lastHeardAt));
        }
        reason.put("stalenessBound", options.stalenessBound().toString());
        if (problem != null) {
            reason.put("problem", problem);
        }
        return new CheckResult(false, reason, null, null, Answered.LOCAL);
    }

    /** Contract section 5: a one-time elevation is spent by the server's first allowed check, so only it may allow. */
    private static boolean elevated(Decision decision) {
        return decision.reason() instanceof Reason.GrantedBy granted
                && granted.assignment().source() == AssignmentSource.ELEVATION;
    }

    private void recordDenial(Check check) {
        try {
            client.check(check);
        } catch (GatehouseException failed) {
            LOG.log(System.Logger.Level.WARNING, "Gatehouse did not record a local denial of " + check.permission()
                    + " for " + check.user() + ": " + failed.getMessage());
        }
    }

    /** The HTTP form of a fast-path question, for the server's answer. */
    private static Check check(String user, String permission, @Nullable Resource resource) {
        Check check = Check.of(user, permission);
        if (resource == null) {
            return check;
        }
        // The check API names a resource by type and id; a bare location is asked as that location.
        ResourceRef ref = new ResourceRef(resource.type() != null ? resource.type() : ResourceRef.LOCATION_TYPE,
                resource.id() != null ? resource.id() : String.valueOf(resource.location()), resource.location(),
                resource.owner(), List.copyOf(resource.assignees()), resource.attributes());
        return check.on(ref);
    }

    /**
     * The policy and the profile of {@code asked} (fetched as {@code name}), downloaded when not cached.
     * Kept only if no change arrived while they were downloaded; a profile naming a role or location the
     * cached policy does not know means the policy changed: it is downloaded again.
     */
    private Map.Entry<LoadedPolicy, Known> load(String asked, String name) {
        for (int attempt = 1; ; attempt++) {
            LoadedPolicy current = policy();
            Known known = users.get(asked);
            if (known != null) {
                return Map.entry(current, known);
            }
            long before = changes();
            Documents.SubjectDocument document = transport.get(
                    client.tenantPath("/decisions/subjects/" + Wire.encode(name)), Documents.SubjectDocument.class);
            try {
                Subject subject = document.toSubject();
                Known loaded = new Known(document.id(), current.policy().compile(subject),
                        document.toRelations(current.policy().tenant()), document.lenders(), subject.assignments()
                                .stream().anyMatch(assignment -> assignment.source() == AssignmentSource.ELEVATION));
                if (keep(before, List.of(asked, name, document.id()), loaded) || attempt >= LOAD_ATTEMPTS) {
                    return Map.entry(current, loaded);
                }
            } catch (PolicyException policyChanged) {
                dropPolicy(current);
                if (attempt >= LOAD_ATTEMPTS) {
                    throw new GatehouseException(409, "Policy changing",
                            "user " + name + " does not fit the tenant's policy: " + policyChanged.getMessage(), List.of());
                }
            }
        }
    }

    /** The tenant's policy, downloaded when none is cached. */
    private LoadedPolicy policy() {
        for (int attempt = 1; ; attempt++) {
            LoadedPolicy current = policy;
            if (current != null) {
                return current;
            }
            long before = changes();
            Documents.PolicyDocument document = transport.get(client.tenantPath("/decisions/policy"),
                    Documents.PolicyDocument.class);
            LoadedPolicy loaded = new LoadedPolicy(document.toPolicy(), document.version());
            synchronized (lock) {
                if (changes == before || attempt >= LOAD_ATTEMPTS) {
                    if (changes == before) {
                        policy = loaded;
                    }
                    return loaded;
                }
            }
        }
    }

    private long changes() {
        synchronized (lock) {
            return changes;
        }
    }

    /** Stores {@code loaded} under each name unless a change arrived since {@code before}; answers whether it did. */
    private boolean keep(long before, List<String> names, Known loaded) {
        synchronized (lock) {
            if (changes != before) {
                return false;
            }
            for (String name : names) {
                if (users.size() >= options.maxUsers() && !users.containsKey(name)) {
                    evictOne();
                }
                users.put(name, loaded);
            }
            return true;
        }
    }

    /** Bounded, simply: any one entry goes; it is downloaded again on its user's next check. */
    private void evictOne() {
        Iterator<String> names = users.keySet().iterator();
        if (names.hasNext()) {
            users.remove(names.next());
        }
    }

    private void dropPolicy(LoadedPolicy outdated) {
        synchronized (lock) {
            changes++;
            if (policy == outdated) {
                policy = null;
                users.clear();
            }
        }
    }

    /** Every few hundred milliseconds: says so once when the stream has gone silent, and drops a silent connection. */
    private void watch() {
        if (!closed && isStale()) {
            stream.abort();
        }
    }

    /** Applies the stream's events (contract section 3). */
    private final class Changes implements ChangeStream.Listener {

        @Override
        public void event(String type, @Nullable String id, String data) {
            heard();
            switch (type) {
                case "hello" -> firstContact.countDown();
                case "change" -> apply(Json.MAPPER.readValue(data, Documents.StreamEvent.class));
                case "reset" -> reset(Json.MAPPER.readValue(data, Documents.StreamEvent.class).version());
                default -> {
                    // heartbeat, and events a newer server may add: being heard is all they mean here.
                }
            }
        }

        @Override
        public void dropped(Exception why) {
            problem = why.getMessage() == null ? why.getClass().getSimpleName() : why.getMessage();
            LOG.log(System.Logger.Level.DEBUG, "Gatehouse change stream dropped: " + problem);
        }

        private void heard() {
            lastHeardNanos = System.nanoTime();
            lastHeardAt = clock.instant();
            if (stale.compareAndSet(true, false)) {
                LOG.log(System.Logger.Level.INFO, "Gatehouse local decisions are fresh again");
            }
        }

        private void apply(Documents.StreamEvent change) {
            String user = change.user();
            synchronized (lock) {
                changes++;
                switch (String.valueOf(change.kind())) {
                    case "SUBJECT" -> users.values().removeIf(known -> known.id().equals(user)
                            || known.lenders().contains(user));
                    case "RELATIONS" -> users.values().removeIf(known -> known.id().equals(user));
                    default -> {
                        // POLICY, and any kind this client does not know: everything may have changed.
                        policy = null;
                        users.clear();
                    }
                }
                version = Math.max(version, change.version());
            }
        }

        /** The server cannot replay what was missed: everything cached may be out of date. */
        private void reset(long newest) {
            synchronized (lock) {
                changes++;
                policy = null;
                users.clear();
                version = newest;
            }
        }
    }
}
