package dev.gatehouse.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Everything the engine knows about one tenant: its permission catalog, roles (flattened and
 * compiled), locations and condition language. Immutable; a change to any of them builds a new
 * policy, and profiles compiled against the old one are recompiled on their next check.
 *
 * <p>Implements docs/access-model.md, "Decision".
 */
public final class TenantPolicy {

    private static final Pattern ROLE_KEY = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

    private final String tenant;
    private final boolean active;
    private final PermissionCatalog catalog;
    private final LocationTree locations;
    private final Map<String, Role> roles;
    private final Map<String, RoleTable> tables;
    private final Map<String, List<RoleTable.HeldGrant>> flattened;
    private final ConditionEvaluator conditions;

    private TenantPolicy(Builder builder, Map<String, Role> roles, Map<String, RoleTable> tables,
            Map<String, List<RoleTable.HeldGrant>> flattened) {
        this.tenant = builder.tenant;
        this.active = builder.active;
        this.catalog = builder.catalog;
        this.locations = builder.locations;
        this.conditions = builder.conditions;
        this.roles = roles;
        this.tables = tables;
        this.flattened = flattened;
    }

    public static Builder builder(String tenant, PermissionCatalog catalog) {
        return new Builder(tenant, catalog);
    }

    public String tenant() {
        return tenant;
    }

    public boolean active() {
        return active;
    }

    public PermissionCatalog catalog() {
        return catalog;
    }

    public LocationTree locations() {
        return locations;
    }

    public List<Role> roles() {
        return List.copyOf(roles.values());
    }

    public Optional<Role> role(String key) {
        return Optional.ofNullable(roles.get(key));
    }

    /** Every grant {@code role} holds: its own, then its ancestors', each with the role declaring it. */
    public List<Grant> flattenedGrants(String role) {
        List<RoleTable.HeldGrant> held = flattened.get(role);
        if (held == null) {
            throw new IllegalArgumentException("unknown role " + role);
        }
        return held.stream().map(RoleTable.HeldGrant::grant).toList();
    }

    /** A new policy with the same roles and catalog for a changed tenant state or location tree. */
    public Builder toBuilder() {
        return new Builder(tenant, catalog).active(active).locations(locations).conditions(conditions)
                .roles(roles.values());
    }

    /**
     * Compiles a subject's assignments into an immutable profile for checks.
     *
     * @throws PolicyException when an assignment names a role or location this tenant does not have
     */
    public Profile compile(Subject subject) {
        return Profile.compile(this, subject);
    }

    RoleTable table(String role) {
        return tables.get(role);
    }

    ConditionEvaluator conditions() {
        return conditions;
    }

    public Decision check(Profile profile, AccessRequest request) {
        return check(profile, request.permission(), request.resource(), request.at(), request.context());
    }

    public Decision check(Profile profile, AccessRequest request, SubjectRelations relations) {
        return check(profile, request.permission(), request.resource(), request.at(), request.context(), relations);
    }

    public Decision check(Profile profile, String permission, @Nullable Resource resource, Instant at) {
        return check(profile, permission, resource, at, RequestContext.EMPTY);
    }

    /**
     * Decides a request. Never returns null and never throws for non-null arguments; allocates
     * nothing when a subject's unconditional grant allows (after its first use).
     */
    public Decision check(Profile profile, String permission, @Nullable Resource resource, Instant at,
            RequestContext context) {
        return check(profile, permission, resource, at, context, SubjectRelations.NONE);
    }

    /**
     * Decides a request, reading {@code relations} (the subject's stored relationships) to resolve
     * {@code ASSIGNED} when the resource names a type and id and the request no assignees. Relations
     * of another tenant or another subject are not read: a relationship reaches only its own subject.
     */
    public Decision check(Profile profile, String permission, @Nullable Resource resource, Instant at,
            RequestContext context, SubjectRelations relations) {
        if (profile.policy() != this) {
            if (!profile.policy().tenant.equals(tenant)) {
                return Decision.deny(new Reason.ForeignProfile(tenant, profile.policy().tenant));
            }
            // Compiled against an older version of this tenant's policy: answer with the current one.
            profile = profile.recompiledFor(this);
        }
        if (!active) {
            return Decision.deny(new Reason.InactiveTenant(tenant));
        }
        // docs/access-model.md step 1: an inactive subject is denied before anything else is looked at.
        if (!profile.isActiveAt(at)) {
            return Decision.deny(inactive(profile.subject(), at));
        }
        int id = catalog.idOf(permission);
        if (id < 0) {
            return Decision.deny(new Reason.UnknownPermission(permission));
        }
        SubjectRelations own = relations.tenant().equals(tenant) && relations.subject().equals(profile.subjectId())
                ? relations : SubjectRelations.NONE;
        return profile.check(id, permission, resource, at, context, own);
    }

    /**
     * Decides a permission and some of its fields: field {@code f} is the catalog permission
     * {@code permission.f} on the same resource, with its own grants, scopes and conditions, and is
     * asked only when the permission itself is allowed (a denied permission denies every field, for
     * the permission's reason). A field the catalog does not list is denied as an unknown
     * permission. So a role holding {@code patients.read} sees no field until it holds
     * {@code patients.read.ssn} (or a wildcard over it, {@code patients.read.*}); hiding a field is
     * not granting it.
     */
    public FieldDecisions checkFields(Profile profile, String permission, List<String> fields,
            @Nullable Resource resource, Instant at, RequestContext context) {
        return checkFields(profile, permission, fields, resource, at, context, SubjectRelations.NONE);
    }

    /** As above, reading the subject's stored relationships as {@link #check} with them does. */
    public FieldDecisions checkFields(Profile profile, String permission, List<String> fields,
            @Nullable Resource resource, Instant at, RequestContext context, SubjectRelations relations) {
        Decision decision = check(profile, permission, resource, at, context, relations);
        Map<String, Decision> byField = new LinkedHashMap<>();
        for (String field : fields) {
            byField.put(field, decision.allowed()
                    ? check(profile, permission + "." + field, resource, at, context, relations)
                    : decision);
        }
        return new FieldDecisions(decision, byField);
    }

    /**
     * The permissions a subject holds at {@code at}, with the widest scope of each; at one location
     * when {@code location} is given (then a location-scoped grant held elsewhere still reaches the
     * subject's own and assigned resources there, and shows as {@link Scope#ASSIGNED}).
     */
    public List<EffectivePermission> effectivePermissions(Profile profile, Instant at, @Nullable String location) {
        if (profile.policy() != this) {
            if (!profile.policy().tenant.equals(tenant)) {
                return List.of();
            }
            profile = profile.recompiledFor(this);
        }
        if (!active || !profile.isActiveAt(at)) {
            return List.of();
        }
        return profile.effectivePermissions(at, location);
    }

    /**
     * Who may act on whom (docs/engine.md): whether {@code caller} may act on {@code target}'s
     * credentials, identity or access, because everything the target holds — every assignment not
     * expired at {@code now}, including those that start later — the caller holds in force at
     * {@code now}, at least as widely. With {@code at}, only the target's assignments that hold at
     * that location count (tenant-wide ones, and those at, above or below it): what a role change
     * there touches. The target's state does not matter (a locked admin is still an admin); the
     * caller must be active. A subject always covers themselves.
     *
     * <p>Never null, never throws for non-null arguments. A deny names the first grant not covered.
     */
    public Decision covers(Profile caller, Profile target, Instant now, @Nullable String at) {
        if (!caller.policy().tenant.equals(tenant)) {
            return Decision.deny(new Reason.ForeignProfile(tenant, caller.policy().tenant));
        }
        if (!target.policy().tenant.equals(tenant)) {
            return Decision.deny(new Reason.ForeignProfile(tenant, target.policy().tenant));
        }
        if (!active) {
            return Decision.deny(new Reason.InactiveTenant(tenant));
        }
        if (caller.subjectId().equals(target.subjectId())) {
            return Decision.allow(new Reason.Covers(caller.subjectId(), target.subjectId(), true));
        }
        if (!caller.isActiveAt(now)) {
            return Decision.deny(inactive(caller.subject(), now));
        }
        Profile current = caller.policy() == this ? caller : caller.recompiledFor(this);
        Profile targetNow = target.policy() == this ? target : Profile.recompile(this, target.subject());
        String where = at != null && locations.contains(at) ? at : null;
        Reason.Uncovered miss = Coverage.of(this, current, now).firstUncovered(targetNow, now, where);
        return miss == null
                ? Decision.allow(new Reason.Covers(caller.subjectId(), target.subjectId(), false))
                : Decision.deny(miss);
    }

    /**
     * No escalation: the catalog permissions that {@code grants} (a role's flattened grants, or a
     * role as an edit would make it), held at {@code location} (tenant-wide when null), would give
     * beyond what {@code caller} holds in force at {@code now}, by the same comparison as
     * {@link #covers}. Empty when the caller may hand all of it out; everything for an inactive caller
     * or another tenant's profile.
     */
    public List<String> grantsBeyond(Profile caller, List<Grant> grants, @Nullable String location, Instant now) {
        if (!caller.policy().tenant.equals(tenant) || !active || !caller.isActiveAt(now)) {
            return everyPermissionOf(grants);
        }
        Profile current = caller.policy() == this ? caller : caller.recompiledFor(this);
        String where = location != null && locations.contains(location) ? location : null;
        return Coverage.of(this, current, now).beyond(grants, where);
    }

    /**
     * {@link #grantsBeyond} asked many times for one caller at {@code now} (a bulk import): the
     * caller's grants gathered once; the same answers.
     */
    public RoleGiving giving(Profile caller, Instant now) {
        return new RoleGiving(this, caller, now);
    }

    /** Every catalog permission {@code grants} give, once each: what an inactive caller would give beyond their own. */
    List<String> everyPermissionOf(List<Grant> grants) {
        List<String> all = new ArrayList<>();
        for (Grant grant : grants) {
            for (int id : catalog.idsCoveredBy(grant.permission())) {
                if (!all.contains(catalog.get(id).key())) {
                    all.add(catalog.get(id).key());
                }
            }
        }
        return all;
    }

    /**
     * The assignments through which a subject could do {@code permission} at {@code location}
     * (anywhere when null), for who-can to read before it decides ({@link #whoCan}). A question
     * naming only a location has no owner, no assignees and no id, so neither {@code OWN} nor
     * {@code ASSIGNED} (not even through stored relationships) reaches it: a role counts through a
     * {@code TENANT} grant wherever it is held, through a {@code LOCATION} grant where it is held
     * tenant-wide or at or above the location, conditional grants included (their condition is the
     * check's to evaluate). Without a location, any grant of the permission counts.
     */
    public Candidates candidates(String permission, @Nullable String location) {
        int id = catalog.idOf(permission);
        Set<String> anywhere = new LinkedHashSet<>();
        Set<String> located = new LinkedHashSet<>();
        if (id < 0 || !active) {
            return new Candidates(anywhere, located, List.of());
        }
        List<String> places = location == null ? List.of() : locations.ancestry(location);
        for (RoleTable table : tables.values()) {
            sortByReach(table.role.key(), widestReach(table, id), location, places, anywhere, located);
        }
        return new Candidates(anywhere, located, places);
    }

    /**
     * Puts {@code role} among the roles reaching the question wherever held ({@code anywhere}: a
     * tenant-wide reach, or any reach when no location is asked) or when held at the location or
     * above it ({@code located}: a location-wide reach); a reach of -1 (no grant) or narrower
     * ({@code OWN}, {@code ASSIGNED}) reaches no question that names only a location.
     */
    private static void sortByReach(String role, int reach, @Nullable String location, List<String> places,
            Set<String> anywhere, Set<String> located) {
        if (reach < 0) {
            return;
        }
        if (location == null || reach == Scope.TENANT.ordinal()) {
            anywhere.add(role);
        } else if (reach == Scope.LOCATION.ordinal() && !places.isEmpty()) {
            located.add(role);
        }
    }

    /**
     * The holders of {@code permission} at {@code location} (anywhere when null) that who-can may
     * count without checking them: an active subject with an assignment in its window, not lent,
     * of a role whose unconditional grant reaches the question as {@link #candidates} reads
     * reach. Every one of them is allowed by {@link #check} (EngineLawsTest), and each assignment
     * counted here is one {@link #candidates} counts. Nobody in a suspended tenant.
     */
    public CertainHolders certainHolders(String permission, @Nullable String location) {
        int id = catalog.idOf(permission);
        Set<String> anywhere = new LinkedHashSet<>();
        Set<String> located = new LinkedHashSet<>();
        List<String> places = location == null ? List.of() : locations.ancestry(location);
        if (id >= 0 && active) {
            for (RoleTable table : tables.values()) {
                int slot = table.slotOf[id];
                sortByReach(table.role.key(), slot < 0 ? -1 : table.scope[slot], location, places, anywhere, located);
            }
        }
        // A delegation is in force only while its lender holds the role: that is the profile's to read.
        Set<AssignmentSource> standing = EnumSet.complementOf(EnumSet.of(AssignmentSource.DELEGATION));
        return new CertainHolders(new Candidates(anywhere, located, places), standing);
    }

    /** The widest scope, conditional or not, {@code table} grants permission {@code id} with; -1 for none. */
    private static int widestReach(RoleTable table, int id) {
        int slot = table.slotOf[id];
        if (slot < 0) {
            return -1;
        }
        int reach = table.scope[slot];
        RoleTable.HeldGrant[] conditional = table.conditional[slot];
        if (conditional != null) {
            for (RoleTable.HeldGrant held : conditional) {
                reach = Math.max(reach, held.grant().scope().ordinal());
            }
        }
        return reach;
    }

    /**
     * Who among {@code population} may do {@code permission} at {@code location} (anywhere when
     * null), each with the decision saying how. Subjects of other tenants are never listed.
     */
    public List<Permitted> whoCan(Iterable<Profile> population, String permission, @Nullable String location,
            Instant at) {
        Resource resource = location == null ? null : Resource.at(location);
        List<Permitted> permitted = new ArrayList<>();
        for (Profile profile : population) {
            Decision decision = check(profile, permission, resource, at);
            if (decision.allowed()) {
                permitted.add(new Permitted(profile.subjectId(), decision));
            }
        }
        return permitted;
    }

    /** Assembles and validates a policy; {@link #build()} names every problem at once. */
    public static final class Builder {
        private final String tenant;
        private final PermissionCatalog catalog;
        private final List<Role> roleList = new ArrayList<>();
        private LocationTree locations = LocationTree.EMPTY;
        private ConditionEvaluator conditions = ConditionEvaluator.NONE;
        private boolean active = true;

        private Builder(String tenant, PermissionCatalog catalog) {
            this.tenant = Objects.requireNonNull(tenant, "tenant");
            this.catalog = Objects.requireNonNull(catalog, "catalog");
        }

        public Builder roles(Collection<Role> roles) {
            roleList.addAll(roles);
            return this;
        }

        public Builder role(Role role) {
            roleList.add(role);
            return this;
        }

        public Builder locations(LocationTree tree) {
            this.locations = Objects.requireNonNull(tree, "tree");
            return this;
        }

        public Builder conditions(ConditionEvaluator evaluator) {
            this.conditions = Objects.requireNonNull(evaluator, "evaluator");
            return this;
        }

        public Builder active(boolean isActive) {
            this.active = isActive;
            return this;
        }

        /**
         * @throws PolicyException naming every invalid role key, unknown parent, inheritance cycle
         *     and unknown permission
         */
        public TenantPolicy build() {
            List<PolicyException.Problem> problems = new ArrayList<>();
            Map<String, Role> byKey = new LinkedHashMap<>();
            for (Role role : roleList) {
                String path = "roles[" + role.key() + "]";
                if (!ROLE_KEY.matcher(role.key()).matches()) {
                    problems.add(new PolicyException.Problem(path + ".key",
                            "a role key is 1 to 64 letters, digits, _ or -, starting with a letter"));
                } else if (byKey.putIfAbsent(role.key(), role) != null) {
                    problems.add(new PolicyException.Problem(path + ".key", "role " + role.key() + " is defined twice"));
                }
            }
            for (Role role : byKey.values()) {
                String path = "roles[" + role.key() + "]";
                for (String parent : role.inherits()) {
                    if (!byKey.containsKey(parent)) {
                        problems.add(new PolicyException.Problem(path + ".inherits", "unknown role " + parent));
                    }
                }
                for (int i = 0; i < role.grants().size(); i++) {
                    String permission = role.grants().get(i).permission();
                    String grantPath = path + ".grants[" + i + "].permission";
                    if (Permission.isWildcard(permission)) {
                        continue;
                    }
                    if (!Permission.isValidKey(permission)) {
                        problems.add(new PolicyException.Problem(grantPath,
                                "'" + permission + "' is neither a permission key nor a wildcard (* or resource.*)"));
                    } else if (!catalog.contains(permission)) {
                        problems.add(new PolicyException.Problem(grantPath, "unknown permission " + permission));
                    }
                }
            }
            findCycle(byKey).ifPresent(cycle -> problems.add(new PolicyException.Problem(
                    "roles[" + cycle.get(0) + "].inherits", "inheritance cycle: " + String.join(" → ", cycle))));
            if (!problems.isEmpty()) {
                throw new PolicyException(problems);
            }

            Map<String, List<RoleTable.HeldGrant>> flattened = new HashMap<>();
            Map<String, RoleTable> tables = new HashMap<>();
            for (Role role : byKey.values()) {
                List<RoleTable.HeldGrant> held = flatten(role.key(), byKey, flattened);
                tables.put(role.key(), RoleTable.compile(role, held, catalog));
            }
            return new TenantPolicy(this, java.util.Collections.unmodifiableMap(byKey), Map.copyOf(tables),
                    Map.copyOf(flattened));
        }

        /** Own grants first, then each parent's flattened grants; a grant reached twice counts once. */
        private static List<RoleTable.HeldGrant> flatten(String key, Map<String, Role> roles,
                Map<String, List<RoleTable.HeldGrant>> done) {
            List<RoleTable.HeldGrant> known = done.get(key);
            if (known != null) {
                return known;
            }
            Role role = roles.get(key);
            Set<RoleTable.HeldGrant> held = new LinkedHashSet<>();
            for (Grant grant : role.grants()) {
                held.add(new RoleTable.HeldGrant(grant, key));
            }
            for (String parent : role.inherits()) {
                held.addAll(flatten(parent, roles, done));
            }
            List<RoleTable.HeldGrant> result = List.copyOf(held);
            done.put(key, result);
            return result;
        }

        /** The first inheritance cycle found, as a path that ends where it starts. */
        private static Optional<List<String>> findCycle(Map<String, Role> roles) {
            Map<String, Integer> state = new HashMap<>(); // absent: unvisited, 1: on the path, 2: done
            for (String start : roles.keySet()) {
                List<String> path = new ArrayList<>();
                Optional<List<String>> cycle = visit(start, roles, state, path);
                if (cycle.isPresent()) {
                    return cycle;
                }
            }
            return Optional.empty();
        }

        private static Optional<List<String>> visit(String key, Map<String, Role> roles, Map<String, Integer> state,
                List<String> path) {
            Integer seen = state.get(key);
            if (seen != null && seen == 2) {
                return Optional.empty();
            }
            if (seen != null) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(key), path.size()));
                cycle.add(key);
                return Optional.of(cycle);
            }
            state.put(key, 1);
            path.add(key);
            for (String parent : roles.get(key).inherits()) {
                if (!roles.containsKey(parent)) {
                    continue; // reported as an unknown parent
                }
                Optional<List<String>> cycle = visit(parent, roles, state, path);
                if (cycle.isPresent()) {
                    return cycle;
                }
            }
            path.remove(path.size() - 1);
            state.put(key, 2);
            return Optional.empty();
        }
    }

    /** Why {@code subject} may do nothing at {@code at}: its state or lockout first, else its account's expiry. */
    private static Reason inactive(Subject subject, Instant at) {
        boolean otherwiseActive = subject.status() == SubjectStatus.ACTIVE
                && (subject.lockedUntil() == null || !at.isBefore(subject.lockedUntil()));
        if (otherwiseActive && subject.expiresAt() != null && subject.isExpiredAt(at)) {
            return new Reason.ExpiredSubject(subject.expiresAt());
        }
        return new Reason.InactiveSubject(subject.status(), subject.lockedUntil());
    }
}
