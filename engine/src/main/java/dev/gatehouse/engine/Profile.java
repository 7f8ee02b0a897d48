package dev.gatehouse.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A subject's assignments compiled against a tenant policy: per assignment, the shared table of
 * its role, its location and its validity window. A check walks the subject's few assignments
 * with array lookups; the decision for an unconditional allow is built once per assignment and
 * permission and reused, so the allowed path allocates nothing.
 *
 * <p>Laid out for a cold cache: everything a check reads per assignment except the shared role
 * table sits in one {@code long[]}, and the allow decisions in one flat array, so a check of a
 * profile nobody asked about lately misses the cache a handful of times, not once per field
 * (docs/benchmarks.md).
 *
 * <p>Immutable as far as anyone can observe: the memo of allow decisions is filled racily with
 * equal, immutable values.
 */
public final class Profile {

    private static final int TENANT_WIDE = -1;
    private static final int UNRESOLVED = -2;
    private static final int OWN = Scope.OWN.ordinal();
    private static final int ASSIGNED = Scope.ASSIGNED.ordinal();
    private static final int LOCATION = Scope.LOCATION.ordinal();
    private static final int TENANT = Scope.TENANT.ordinal();

    private final TenantPolicy policy;
    private final Subject subject;
    private final String subjectId;
    private final boolean statusActive;
    private final @Nullable Instant lockedUntil;
    private final @Nullable Instant expiresAt;
    private final Assignment[] assignments;
    private final RoleTable[] tables;
    /**
     * Per assignment, {@link #STRIDE} longs: the window's start (epoch second, nano; inclusive),
     * its end (epoch second, nano; exclusive), the location index ({@link #TENANT_WIDE} for
     * none) and where its slots begin in {@link #allowMemo}. An open start or end is
     * {@link Long#MIN_VALUE} or {@link Long#MAX_VALUE} seconds, beyond every {@link Instant}.
     */
    private final long[] layout;
    private final @Nullable Decision[] allowMemo;
    /** What the credential the profile stands for reaches of it (an API key's scopes), or null: all of it. */
    private final @Nullable Narrowing narrowing;
    /**
     * Per assignment: null when it stands on its own; for a delegation, the windows (4 longs each,
     * laid out as in {@link #layout}) in which its delegator holds the lent role through a standing
     * assignment there or above, empty when the delegator is not active or does not hold it. A
     * delegation is in force only inside its own window and one of these.
     */
    private final long @Nullable [][] backing;

    private static final int STRIDE = 6;
    private static final int FROM_SECOND = 0;
    private static final int FROM_NANO = 1;
    private static final int UNTIL_SECOND = 2;
    private static final int UNTIL_NANO = 3;
    private static final int LOCATION_INDEX = 4;
    private static final int MEMO_BASE = 5;

    private Profile(TenantPolicy policy, Subject subject, Assignment[] assignments, RoleTable[] tables,
            int[] location) {
        this.policy = policy;
        this.subject = subject;
        this.subjectId = subject.id();
        this.statusActive = subject.status() == SubjectStatus.ACTIVE;
        this.lockedUntil = subject.lockedUntil();
        this.expiresAt = subject.expiresAt();
        this.assignments = assignments;
        this.tables = tables;
        this.layout = new long[assignments.length * STRIDE];
        int slots = 0;
        for (int i = 0; i < assignments.length; i++) {
            Instant start = assignments[i].startsAt();
            Instant end = assignments[i].expiresAt();
            int at = i * STRIDE;
            layout[at + FROM_SECOND] = start == null ? Long.MIN_VALUE : start.getEpochSecond();
            layout[at + FROM_NANO] = start == null ? 0 : start.getNano();
            layout[at + UNTIL_SECOND] = end == null ? Long.MAX_VALUE : end.getEpochSecond();
            layout[at + UNTIL_NANO] = end == null ? 0 : end.getNano();
            layout[at + LOCATION_INDEX] = location[i];
            layout[at + MEMO_BASE] = slots;
            slots += tables[i].slots();
        }
        this.allowMemo = new Decision[slots];
        this.narrowing = null;
        this.backing = backing(policy, assignments);
    }

    /**
     * Whether {@code own}, an assignment of a lender, lets them lend {@code role} at {@code location}
     * (tenant-wide when null): it is standing (not itself lent, elevated or broken glass), of that
     * role, and held there or above, ignoring time.
     */
    private static boolean backs(TenantPolicy policy, Assignment own, String role, @Nullable String location) {
        return own.isStanding() && own.role().equals(role) && (own.location() == null
                || location != null && policy.locations().isWithin(location, own.location()));
    }

    /**
     * Whether the subject may lend {@code role} at {@code location} (tenant-wide when null) at
     * {@code at}: they are active and hold it there or above through a standing assignment in force
     * then, which is exactly what keeps a delegation of it in force (issue 13).
     */
    public boolean mayLend(String role, @Nullable String location, Instant at) {
        if (!statusActive) {
            return false;
        }
        for (Assignment own : assignments) {
            if (backs(policy, own, role, location) && own.validAt(at)) {
                return true;
            }
        }
        return false;
    }

    /** What backs each delegation: see {@link #backing}. */
    private static long @Nullable [][] backing(TenantPolicy policy, Assignment[] assignments) {
        long[][] backing = null;
        for (int i = 0; i < assignments.length; i++) {
            Assignment lent = assignments[i];
            if (lent.source() != AssignmentSource.DELEGATION) {
                continue;
            }
            if (backing == null) {
                backing = new long[assignments.length][];
            }
            Subject delegator = lent.delegator();
            List<Assignment> held = new ArrayList<>();
            if (delegator != null && delegator.status() == SubjectStatus.ACTIVE) {
                for (Assignment own : delegator.assignments()) {
                    if (backs(policy, own, lent.role(), lent.location())) {
                        held.add(own);
                    }
                }
            }
            long[] windows = new long[held.size() * 4];
            for (int k = 0; k < held.size(); k++) {
                Instant start = held.get(k).startsAt();
                Instant end = held.get(k).expiresAt();
                windows[k * 4] = start == null ? Long.MIN_VALUE : start.getEpochSecond();
                windows[k * 4 + 1] = start == null ? 0 : start.getNano();
                windows[k * 4 + 2] = end == null ? Long.MAX_VALUE : end.getEpochSecond();
                windows[k * 4 + 3] = end == null ? 0 : end.getNano();
            }
            backing[i] = windows;
        }
        return backing;
    }

    /** {@code owner} narrowed: shares its compiled tables and memo (a narrowed allow is the owner's allow). */
    private Profile(Profile owner, Narrowing narrowing) {
        this.policy = owner.policy;
        this.subject = owner.subject;
        this.subjectId = owner.subjectId;
        this.statusActive = owner.statusActive;
        this.lockedUntil = owner.lockedUntil;
        this.expiresAt = owner.expiresAt;
        this.assignments = owner.assignments;
        this.tables = owner.tables;
        this.layout = owner.layout;
        this.allowMemo = owner.allowMemo;
        this.narrowing = narrowing;
        this.backing = owner.backing;
    }

    /**
     * This subject as a credential narrower than them reaches it (an API key): only permissions
     * that one of {@code permissionPatterns} covers (keys or wildcards, {@code *} for all), and,
     * when {@code locationIds} is not empty, only resources at or below one of those locations.
     * Never more than this profile: every check, effective permission and coverage of the result
     * is this profile's, or a deny (EngineLawsTest). Narrowing a narrowed profile keeps both.
     */
    public Profile narrowedTo(List<String> permissionPatterns, Set<String> locationIds) {
        Narrowing.Layer layer = new Narrowing.Layer(permissionPatterns, locationIds);
        return new Profile(this, narrowing == null ? Narrowing.of(layer, policy) : narrowing.and(layer, policy));
    }

    /** Whether this profile stands for a credential narrower than its subject. */
    public boolean isNarrowed() {
        return narrowing != null;
    }

    @Nullable Narrowing narrowing() {
        return narrowing;
    }

    /** This profile compiled against {@code newer}, a later version of its tenant's policy, narrowed alike. */
    Profile recompiledFor(TenantPolicy newer) {
        Profile again = recompile(newer, subject);
        return narrowing == null ? again : new Profile(again, narrowing.recompiledFor(newer));
    }

    /**
     * Whether assignment {@code i} is in force at the instant {@code second}.{@code nano}: its
     * window is open and, for a delegation, its delegator holds the role then.
     */
    private boolean inWindow(int i, long second, int nano) {
        if (!within(layout, i * STRIDE, second, nano)) {
            return false;
        }
        if (backing == null || backing[i] == null) {
            return true;
        }
        long[] windows = backing[i];
        for (int at = 0; at < windows.length; at += 4) {
            if (within(windows, at, second, nano)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the window at {@code at} of {@code windows} (start second, nano, end second, nano) holds the instant. */
    private static boolean within(long[] windows, int at, long second, int nano) {
        long fromSecond = windows[at];
        if (second < fromSecond || second == fromSecond && nano < windows[at + 1]) {
            return false;
        }
        long untilSecond = windows[at + 2];
        return second < untilSecond || second == untilSecond && nano < windows[at + 3];
    }

    /** Whether the subject's assignment {@code i} (in {@code subject().assignments()} order) is in force at {@code at}. */
    boolean inForce(int i, Instant at) {
        return inWindow(i, at.getEpochSecond(), at.getNano());
    }

    private int location(int i) {
        return (int) layout[i * STRIDE + LOCATION_INDEX];
    }

    static Profile compile(TenantPolicy policy, Subject subject) {
        return compile(policy, subject, false);
    }

    /**
     * For a profile compiled against an older policy: an assignment whose role or location has
     * since gone holds nothing, rather than failing the check (which must never throw).
     */
    static Profile recompile(TenantPolicy policy, Subject subject) {
        return compile(policy, subject, true);
    }

    private static Profile compile(TenantPolicy policy, Subject subject, boolean dropVanished) {
        if (dropVanished) {
            subject = subject.withAssignments(subject.assignments().stream()
                    .filter(a -> policy.table(a.role()) != null
                            && (a.location() == null || policy.locations().contains(a.location())))
                    .toList());
        }
        List<PolicyException.Problem> problems = new ArrayList<>();
        int n = subject.assignments().size();
        Assignment[] assignments = new Assignment[n];
        RoleTable[] tables = new RoleTable[n];
        int[] location = new int[n];
        for (int i = 0; i < n; i++) {
            Assignment assignment = subject.assignments().get(i);
            String path = "assignments[" + assignment.id() + "]";
            assignments[i] = assignment;
            tables[i] = policy.table(assignment.role());
            if (tables[i] == null) {
                problems.add(new PolicyException.Problem(path + ".role", "unknown role " + assignment.role()));
            }
            if (assignment.location() == null) {
                location[i] = TENANT_WIDE;
            } else {
                location[i] = policy.locations().indexOf(assignment.location());
                if (location[i] < 0) {
                    problems.add(new PolicyException.Problem(path + ".location",
                            "unknown location " + assignment.location()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new PolicyException(problems);
        }
        return new Profile(policy, subject, assignments, tables, location);
    }

    /**
     * About how many bytes of heap this profile holds of its own (not its policy's shared tables):
     * its memo of allow decisions, one slot per permission of each assignment's role, its arrays,
     * and the subject and assignments it was compiled from (their ids, role keys and locations as
     * the server read them, about 280 bytes an assignment). A cache of profiles weighs them by it.
     * At a million users with three assignments each the server's profiles took 1.5–1.8 KB each
     * (docs/benchmarks.md, "1 M users").
     */
    public long approximateBytes() {
        long memo = narrowing == null ? 16L + 4L * allowMemo.length : 0;
        long arrays = 16L + 8L * layout.length + 16L + 4L * assignments.length + 16L + 4L * tables.length
                + (backing == null ? 0 : 64L * backing.length);
        long subjectAndAssignments = 160L + 280L * assignments.length;
        return 160 + memo + arrays + subjectAndAssignments;
    }

    public TenantPolicy policy() {
        return policy;
    }

    public Subject subject() {
        return subject;
    }

    public String subjectId() {
        return subjectId;
    }

    /**
     * The roles the subject holds at {@code at}: those of the assignments in force then, each once,
     * in key order. What an audit event's actor carries and what a per-role policy (second factor,
     * IP ranges, idle time) is decided on; a check allows only through one of these.
     */
    public List<String> rolesHeldAt(Instant at) {
        java.util.TreeSet<String> held = new java.util.TreeSet<>();
        for (int i = 0; i < assignments.length; i++) {
            if (inForce(i, at)) {
                held.add(assignments[i].role());
            }
        }
        return List.copyOf(held);
    }

    /**
     * Whether a decision for this profile can depend on the instant asked about: through an
     * assignment with a window, a lock that ends, an account that expires, a lent role (the lender's
     * standing has windows of its own) or a conditional grant of a held role (a condition may read
     * {@code request.time}). When false, every instant gives the same decision, so a caller that
     * decides often — the Java SDK's fast path — need not read the clock at all. Computed on each
     * call: ask once per profile, not per check.
     */
    public boolean readsTime() {
        if (lockedUntil != null || expiresAt != null) {
            return true;
        }
        for (Assignment assignment : assignments) {
            if (assignment.startsAt() != null || assignment.expiresAt() != null
                    || assignment.source() == AssignmentSource.DELEGATION
                    || policy.flattenedGrants(assignment.role()).stream().anyMatch(Grant::isConditional)) {
                return true;
            }
        }
        return false;
    }

    boolean isActiveAt(Instant at) {
        return statusActive && (lockedUntil == null || !at.isBefore(lockedUntil))
                && (expiresAt == null || at.isBefore(expiresAt));
    }

    Decision check(int permissionId, String permission, @Nullable Resource resource, Instant at,
            RequestContext context, SubjectRelations relations) {
        // The caller, TenantPolicy.check, has already denied an inactive subject (access model step 1).
        if (narrowing != null) {
            Reason beyond = narrowing.refuses(permissionId, permission, resource);
            if (beyond != null) {
                return Decision.deny(beyond);
            }
        }
        long second = at.getEpochSecond();
        int nano = at.getNano();
        int resourceLocation = UNRESOLVED;
        int related = UNRESOLVED;
        int missAt = -1;
        int missScope = -1;
        int outsideAt = -1;
        Reason.ConditionFailed conditionMiss = null;
        for (int i = 0; i < tables.length; i++) {
            RoleTable table = tables[i];
            int slot = table.slotOf[permissionId];
            if (slot < 0) {
                continue;
            }
            if (!inWindow(i, second, nano)) {
                if (outsideAt < 0) {
                    outsideAt = i;
                }
                continue;
            }
            int scope = table.scope[slot];
            if (scope >= 0) {
                if (resource == null || scope == TENANT) {
                    return allowed(i, slot);
                }
                if (scope >= LOCATION && resourceLocation == UNRESOLVED) {
                    resourceLocation = policy.locations().indexOf(resource.location());
                }
                if (covers(scope, i, resource, resourceLocation)) {
                    return allowed(i, slot);
                }
                if (scope >= ASSIGNED) {
                    if (related == UNRESOLVED) {
                        related = related(relations, resource, second, nano);
                    }
                    if (related >= 0) {
                        RoleTable.HeldGrant held = table.widest[slot];
                        return relations.allowed(related, table.role.key(), assignments[i], held.grant(),
                                held.declaredBy());
                    }
                }
                if (scope > missScope) {
                    missScope = scope;
                    missAt = i;
                }
            }
            RoleTable.HeldGrant[] conditional = table.conditional[slot];
            if (conditional == null) {
                continue;
            }
            for (RoleTable.HeldGrant held : conditional) {
                int reach = held.grant().scope().ordinal();
                if (resource != null && reach >= LOCATION && resourceLocation == UNRESOLVED) {
                    resourceLocation = policy.locations().indexOf(resource.location());
                }
                int through = -1;
                if (resource != null && reach != TENANT && !covers(reach, i, resource, resourceLocation)) {
                    if (reach >= ASSIGNED && related == UNRESOLVED) {
                        related = related(relations, resource, second, nano);
                    }
                    if (reach < ASSIGNED || related < 0) {
                        if (reach > missScope) {
                            missScope = reach;
                            missAt = i;
                        }
                        continue;
                    }
                    through = related;
                }
                Condition condition = held.grant().condition();
                ConditionEvaluator.Outcome outcome = policy.conditions().evaluate(condition, this, resource, at,
                        context);
                if (outcome instanceof ConditionEvaluator.Outcome.Holds) {
                    return Decision.allow(new Reason.GrantedBy(table.role.key(), assignments[i], held.grant(),
                            held.declaredBy(), through < 0 ? null : relations.path(through)));
                }
                if (conditionMiss == null) {
                    String why = switch (outcome) {
                        case ConditionEvaluator.Outcome.Fails fails -> fails.why();
                        case ConditionEvaluator.Outcome.Unevaluable unevaluable -> "cannot be evaluated: "
                                + unevaluable.why();
                        case ConditionEvaluator.Outcome.Holds holds -> throw new AssertionError();
                    };
                    conditionMiss = new Reason.ConditionFailed(permission, table.role.key(), condition, why);
                }
            }
        }
        if (conditionMiss != null) {
            return Decision.deny(conditionMiss);
        }
        if (missAt >= 0) {
            return Decision.deny(scopeMiss(permission, missAt, missScope, resource, resourceLocation));
        }
        if (outsideAt >= 0) {
            return Decision.deny(new Reason.OutsideValidity(permission, assignments[outsideAt], at));
        }
        return Decision.deny(new Reason.NoMatchingGrant(permission));
    }

    /**
     * The path by which a stored relationship makes the subject an assignee of the resource at the
     * instant, or -1: only for a resource named by type and id whose request names no assignees
     * (docs/api.md: stored relationships count "when the request names no assignees").
     */
    private static int related(SubjectRelations relations, Resource resource, long second, int nano) {
        if (relations.size() == 0 || !resource.assignees().isEmpty() || resource.type() == null
                || resource.id() == null) {
            return -1;
        }
        return relations.find(resource.type(), resource.id(), second, nano);
    }

    /** Whether a grant of reach {@code scope}, held through assignment {@code i}, covers the resource. */
    private boolean covers(int scope, int i, Resource resource, int resourceLocation) {
        if (scope == TENANT) {
            return true;
        }
        if (scope == LOCATION) {
            if (location(i) == TENANT_WIDE) {
                // A tenant-wide assignment holds at every location of the tenant, and for a resource
                // that names none; a location the tenant does not have is nobody's to reach.
                if (resource.location() == null || resourceLocation >= 0) {
                    return true;
                }
            } else if (resourceLocation >= 0 && policy.locations().isWithin(resourceLocation, location(i))) {
                return true;
            }
        }
        if (scope >= ASSIGNED && resource.assignees().contains(subjectId)) {
            return true;
        }
        return scope >= OWN && subjectId.equals(resource.owner());
    }

    private Decision allowed(int i, int slot) {
        int at = (int) layout[i * STRIDE + MEMO_BASE] + slot;
        Decision decision = allowMemo[at];
        if (decision == null) {
            RoleTable.HeldGrant held = tables[i].widest[slot];
            decision = Decision.allow(new Reason.GrantedBy(tables[i].role.key(), assignments[i], held.grant(),
                    held.declaredBy()));
            allowMemo[at] = decision;
        }
        return decision;
    }

    private Reason.ScopeMiss scopeMiss(String permission, int i, int scope, Resource resource, int resourceLocation) {
        String role = tables[i].role.key();
        Scope held = Scope.BY_ORDINAL[scope];
        String what = resource.describe();
        String why = switch (held) {
            case LOCATION -> {
                String where = assignments[i].location();
                if (resourceLocation < 0 && resource.location() != null) {
                    yield resource.location() + " is not a location of this tenant";
                }
                if (resource.location() == null) {
                    yield "holds it only at " + where + " and " + what + " names no location";
                }
                yield resource.location() + " is not within " + where + ", where the role is held";
            }
            case ASSIGNED -> "is not assigned to " + what;
            case OWN -> "does not own " + what;
            case TENANT -> throw new AssertionError("a tenant-wide grant covers every resource");
        };
        return new Reason.ScopeMiss(permission, held, role, why);
    }

    List<EffectivePermission> effectivePermissions(Instant at, @Nullable String atLocation) {
        int place = atLocation == null ? TENANT_WIDE : policy.locations().indexOf(atLocation);
        if (atLocation != null && (place < 0 || narrowing != null && !narrowing.reaches(place))) {
            return List.of();
        }
        PermissionCatalog catalog = policy.catalog();
        List<EffectivePermission> result = new ArrayList<>();
        for (int id = 0; id < catalog.size(); id++) {
            int best = -1;
            boolean everywhere = false;
            Set<String> locations = new LinkedHashSet<>();
            Set<String> via = new LinkedHashSet<>();
            Set<String> conditions = new LinkedHashSet<>();
            for (int i = 0; i < tables.length; i++) {
                int slot = tables[i].slotOf[id];
                if (slot < 0 || !inForce(i, at)) {
                    continue;
                }
                int scope = tables[i].scope[slot];
                if (scope >= 0) {
                    boolean holdsHere = location(i) == TENANT_WIDE
                            || (place >= 0 && policy.locations().isWithin(place, location(i)))
                            || place == TENANT_WIDE;
                    // A location-scoped grant held elsewhere still reaches own and assigned resources here.
                    int reach = (scope == LOCATION && !holdsHere) ? ASSIGNED : scope;
                    best = Math.max(best, reach);
                    via.add(tables[i].role.key());
                    if (reach == TENANT || (reach == LOCATION && location(i) == TENANT_WIDE)) {
                        everywhere = true;
                    } else if (reach == LOCATION) {
                        locations.add(assignments[i].location());
                    }
                }
                RoleTable.HeldGrant[] conditional = tables[i].conditional[slot];
                if (conditional != null) {
                    via.add(tables[i].role.key());
                    for (RoleTable.HeldGrant held : conditional) {
                        conditions.add(held.grant().condition().expression());
                    }
                }
            }
            if (best >= 0 || !conditions.isEmpty()) {
                Scope scope = best >= 0 ? Scope.BY_ORDINAL[best] : Scope.OWN;
                EffectivePermission held = new EffectivePermission(catalog.get(id).key(), scope, everywhere,
                        everywhere ? List.of() : List.copyOf(locations), List.copyOf(via), List.copyOf(conditions),
                        best < 0);
                if (narrowing == null) {
                    result.add(held);
                } else if (narrowing.permits(id)) {
                    result.add(narrowed(held, narrowing));
                }
            }
        }
        return result;
    }

    /** An effective permission as a credential narrowed by location reaches it: only at its locations. */
    private static EffectivePermission narrowed(EffectivePermission held, Narrowing narrowing) {
        if (!narrowing.byLocation() || held.scope().ordinal() < LOCATION) {
            return held;
        }
        List<String> places = new ArrayList<>();
        if (held.everywhere()) {
            places.addAll(narrowing.tops());
        } else {
            held.locations().forEach(location -> places.addAll(narrowing.within(location)));
        }
        return new EffectivePermission(held.permission(), Scope.LOCATION, false, places, held.via(),
                held.conditions(), held.onlyUnderConditions());
    }
}
