package dev.gatehouse.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A subject's assignments compiled against a tenant policy: per assignment, the shared table of
 * its role, its location interval and its validity window. A check walks the subject's few
 * assignments with array lookups; the decision for an unconditional allow is built once per
 * assignment and permission and reused, so the allowed path allocates nothing.
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
    private final Assignment[] assignments;
    private final RoleTable[] tables;
    private final int[] location;
    private final Instant[] from;
    /** Exclusive end of each assignment's window; null when it never ends. */
    private final @Nullable Instant[] until;
    private final @Nullable Decision[][] allowMemo;

    private Profile(TenantPolicy policy, Subject subject, Assignment[] assignments, RoleTable[] tables,
            int[] location) {
        this.policy = policy;
        this.subject = subject;
        this.subjectId = subject.id();
        this.statusActive = subject.status() == SubjectStatus.ACTIVE;
        this.lockedUntil = subject.lockedUntil();
        this.assignments = assignments;
        this.tables = tables;
        this.location = location;
        this.from = new Instant[assignments.length];
        this.until = new Instant[assignments.length];
        for (int i = 0; i < assignments.length; i++) {
            Instant start = assignments[i].startsAt();
            Instant end = assignments[i].expiresAt();
            from[i] = start == null ? Instant.MIN : start;
            until[i] = end;
        }
        this.allowMemo = new Decision[assignments.length][];
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

    public TenantPolicy policy() {
        return policy;
    }

    public Subject subject() {
        return subject;
    }

    public String subjectId() {
        return subjectId;
    }

    boolean isActiveAt(Instant at) {
        return statusActive && (lockedUntil == null || !at.isBefore(lockedUntil));
    }

    Decision check(int permissionId, String permission, @Nullable Resource resource, Instant at,
            RequestContext context) {
        // docs/access-model.md step 1: an inactive or locked-out subject is denied before anything else.
        if (!isActiveAt(at)) {
            return Decision.deny(new Reason.InactiveSubject(subject.status(), lockedUntil));
        }
        int resourceLocation = UNRESOLVED;
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
            Instant end = until[i];
            if (at.isBefore(from[i]) || (end != null && !at.isBefore(end))) {
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
                if (resource != null && reach != TENANT && !covers(reach, i, resource, resourceLocation)) {
                    if (reach > missScope) {
                        missScope = reach;
                        missAt = i;
                    }
                    continue;
                }
                Condition condition = held.grant().condition();
                ConditionEvaluator.Outcome outcome = policy.conditions().evaluate(condition, subjectId, resource, at,
                        context);
                if (outcome instanceof ConditionEvaluator.Outcome.Holds) {
                    return Decision.allow(new Reason.GrantedBy(table.role.key(), assignments[i], held.grant(),
                            held.declaredBy()));
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

    /** Whether a grant of reach {@code scope}, held through assignment {@code i}, covers the resource. */
    private boolean covers(int scope, int i, Resource resource, int resourceLocation) {
        if (scope == TENANT) {
            return true;
        }
        if (scope == LOCATION) {
            if (location[i] == TENANT_WIDE) {
                // A tenant-wide assignment holds at every location of the tenant, and for a resource
                // that names none; a location the tenant does not have is nobody's to reach.
                if (resource.location() == null || resourceLocation >= 0) {
                    return true;
                }
            } else if (resourceLocation >= 0 && policy.locations().isWithin(resourceLocation, location[i])) {
                return true;
            }
        }
        if (scope >= ASSIGNED && resource.assignees().contains(subjectId)) {
            return true;
        }
        return scope >= OWN && subjectId.equals(resource.owner());
    }

    private Decision allowed(int i, int slot) {
        Decision[] memo = allowMemo[i];
        if (memo == null) {
            memo = new Decision[tables[i].slots()];
            allowMemo[i] = memo;
        }
        Decision decision = memo[slot];
        if (decision == null) {
            RoleTable.HeldGrant held = tables[i].widest[slot];
            decision = Decision.allow(new Reason.GrantedBy(tables[i].role.key(), assignments[i], held.grant(),
                    held.declaredBy()));
            memo[slot] = decision;
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
        if (atLocation != null && place < 0) {
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
                if (slot < 0 || !assignments[i].validAt(at)) {
                    continue;
                }
                int scope = tables[i].scope[slot];
                if (scope >= 0) {
                    boolean holdsHere = location[i] == TENANT_WIDE
                            || (place >= 0 && policy.locations().isWithin(place, location[i]))
                            || place == TENANT_WIDE;
                    // A location-scoped grant held elsewhere still reaches own and assigned resources here.
                    int reach = (scope == LOCATION && !holdsHere) ? ASSIGNED : scope;
                    best = Math.max(best, reach);
                    via.add(tables[i].role.key());
                    if (reach == TENANT || (reach == LOCATION && location[i] == TENANT_WIDE)) {
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
                result.add(new EffectivePermission(catalog.get(id).key(), scope, everywhere,
                        everywhere ? List.of() : List.copyOf(locations), List.copyOf(via), List.copyOf(conditions)));
            }
        }
        return result;
    }
}
