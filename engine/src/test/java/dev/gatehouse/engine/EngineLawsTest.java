package dev.gatehouse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.gatehouse.engine.RandomTenants.Tenant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Laws that hold for every tenant, not just the ones we thought of: each is checked on a few
 * thousand random tenants (catalogs with wildcard grants, role DAGs, location forests), subjects and
 * requests. Every failure names its seed; rerun one case with {@code -Dlaws.seed=<seed>}.
 */
class EngineLawsTest {

    private static final int CASES = 3_000;
    private static final int REQUESTS_PER_CASE = 8;

    /** One random case: a tenant, its policy, and a subject compiled against it. */
    private record Case(long seed, RandomTenants random, Tenant tenant, TenantPolicy policy, Subject subject,
            Profile profile) {

        Decision check(AccessRequest request) {
            return policy.check(profile, request);
        }

        String describe() {
            return "seed " + seed + " (rerun with -Dlaws.seed=" + seed + "): " + subject + "\n  roles " + tenant.roles()
                    + "\n  locations " + tenant.locations().locations() + ", tenant active: " + tenant.active()
                    + ", conditions: " + (tenant.conditions() == ConditionEvaluator.NONE ? "none" : "scripted");
        }
    }

    /**
     * Runs {@code law} on {@link #CASES} cases seeded from {@code base}, or only on the seed given
     * by {@code -Dlaws.seed}: the law prepares what it needs once per case, then checks each request.
     */
    private static void forEachCase(long base, Function<Case, Consumer<AccessRequest>> law) {
        String only = System.getProperty("laws.seed");
        List<Long> seeds = new ArrayList<>();
        if (only != null && !only.isBlank()) {
            seeds.add(Long.parseLong(only.strip()));
        } else {
            for (long i = 0; i < CASES; i++) {
                seeds.add(base + i);
            }
        }
        for (long seed : seeds) {
            RandomTenants random = new RandomTenants(seed);
            Tenant tenant = random.tenant("tenant");
            TenantPolicy policy = tenant.policy();
            Subject subject = random.subject(tenant, "s1");
            List<AccessRequest> requests = new ArrayList<>();
            for (int i = 0; i < REQUESTS_PER_CASE; i++) {
                requests.add(random.request(tenant, subject.id()));
            }
            Case c = new Case(seed, random, tenant, policy, subject, policy.compile(subject));
            Consumer<AccessRequest> checks;
            try {
                checks = law.apply(c);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(c.describe() + "\n" + e.getMessage(), e);
            }
            for (AccessRequest request : requests) {
                try {
                    checks.accept(request);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError(c.describe() + "\n  asked " + request + "\n" + e.getMessage(), e);
                }
            }
        }
    }

    // (a) Roles have no deny rules (access-model "Decision" step 5): more can never be less.
    @Test
    void addingAGrantOrAnAssignmentNeverTurnsAnAllowIntoADeny() {
        forEachCase(1_000_000L, c -> {
            Role role = c.random().pick(c.tenant().roles());
            List<Grant> grants = new ArrayList<>(role.grants());
            grants.add(c.random().grant(c.tenant().catalog()));
            TenantPolicy granted = c.tenant().withRole(
                    new Role(role.key(), role.name(), role.description(), role.inherits(), grants)).policy();
            Profile withGrant = granted.compile(c.subject());
            List<Assignment> assignments = new ArrayList<>(c.subject().assignments());
            assignments.add(c.random().assignment(c.tenant(), "added"));
            Profile withAssignment = c.policy().compile(c.subject().withAssignments(assignments));

            return request -> {
                if (c.check(request).allowed()) {
                    assertThat(granted.check(withGrant, request).allowed())
                            .as("after adding %s to %s", grants.getLast(), role.key()).isTrue();
                    assertThat(c.policy().check(withAssignment, request).allowed())
                            .as("after adding %s", assignments.getLast()).isTrue();
                }
            };
        });
    }

    // (a1) Issue 13: an expired account never allows, whatever it holds and however the request is
    // made; until its expiry it decides exactly as an account that never expires.
    @Test
    void anExpiredAccountNeverAllows() {
        forEachCase(9_100_000L, c -> {
            Subject open = c.subject().expiringAt(null);
            Profile never = c.policy().compile(open);
            return request -> {
                Instant at = request.at();
                for (Instant end : List.of(at, at.minusSeconds(1), at.minusSeconds(86_400 * 400L))) {
                    Decision ended = c.policy().check(c.policy().compile(open.expiringAt(end)), request);
                    assertThat(ended.allowed()).as("expired at %s, asked at %s", end, at).isFalse();
                    assertThat(ended.reason()).isInstanceOfAny(Reason.ExpiredSubject.class,
                            Reason.InactiveSubject.class, Reason.InactiveTenant.class, Reason.ForeignProfile.class);
                }
                Decision before = c.policy().check(c.policy().compile(open.expiringAt(at.plusNanos(1))), request);
                assertThat(before.allowed()).as("expiring just after the request")
                        .isEqualTo(c.policy().check(never, request).allowed());
            };
        });
    }

    // (a3) issue 13: a condition can only narrow its grant. Dropping every condition never turns an allow
    // into a deny, and dropping every conditional grant never turns a deny into an allow.
    @Test
    void aConditionCanOnlyNarrowItsGrant() {
        forEachCase(17_000_000L, c -> {
            List<Role> unconditional = new ArrayList<>();
            List<Role> withoutConditional = new ArrayList<>();
            for (Role role : c.tenant().roles()) {
                unconditional.add(new Role(role.key(), role.name(), role.description(), role.inherits(),
                        role.grants().stream().map(g -> new Grant(g.permission(), g.scope(), null)).toList()));
                withoutConditional.add(new Role(role.key(), role.name(), role.description(), role.inherits(),
                        role.grants().stream().filter(g -> !g.isConditional()).toList()));
            }
            TenantPolicy wider = new Tenant(c.tenant().id(), c.tenant().active(), c.tenant().catalog(),
                    c.tenant().locations(), unconditional, c.tenant().conditions()).policy();
            TenantPolicy narrower = new Tenant(c.tenant().id(), c.tenant().active(), c.tenant().catalog(),
                    c.tenant().locations(), withoutConditional, c.tenant().conditions()).policy();
            Profile widerProfile = wider.compile(c.subject());
            Profile narrowerProfile = narrower.compile(c.subject());
            return request -> {
                Decision decision = c.check(request);
                if (decision.allowed()) {
                    assertThat(wider.check(widerProfile, request).allowed())
                            .as("allowed with conditions (%s) but not without them", decision.explain()).isTrue();
                }
                Decision without = narrower.check(narrowerProfile, request);
                if (without.allowed()) {
                    assertThat(decision.allowed())
                            .as("allowed without the conditional grants (%s) but not with them", without.explain())
                            .isTrue();
                }
            };
        });
    }

    // (a4) issue 13: a field is never allowed when its permission is denied, and when the permission is
    // allowed a field is exactly the check of permission.field.
    @Test
    void aFieldIsNeverAllowedWhenItsPermissionIsDenied() {
        forEachCase(18_000_000L, c -> request -> {
            FieldDecisions fields = c.policy().checkFields(c.profile(), request.permission(), RandomTenants.FIELDS,
                    request.resource(), request.at(), request.context());
            Decision permission = c.check(request);
            assertThat(fields.decision()).isEqualTo(permission);
            for (String field : RandomTenants.FIELDS) {
                Decision decision = fields.fields().get(field);
                if (!permission.allowed()) {
                    assertThat(decision.allowed()).as("field %s of a denied permission", field).isFalse();
                } else {
                    assertThat(decision).isEqualTo(c.policy().check(c.profile(), request.permission() + "." + field,
                            request.resource(), request.at(), request.context()));
                }
            }
        });
    }

    // (a4) Issue 14: a profile that reads no time decides alike at every instant, so the Java SDK's fast
    // path may skip the clock for it; one with a window, a lock that ends or an expiry does read it.
    @Test
    void aProfileThatReadsNoTimeDecidesAlikeAtEveryInstant() {
        forEachCase(23_000_000L, c -> {
            Subject timeless = new Subject(c.subject().id(), c.subject().status(), null, c.subject().assignments().stream()
                    .filter(a -> a.source() != AssignmentSource.DELEGATION).map(a -> a.during(null, null)).toList(), null);
            List<Profile> profiles = List.of(c.profile(), c.policy().compile(timeless));
            boolean timed = c.subject().lockedUntil() != null || c.subject().expiresAt() != null
                    || c.subject().assignments().stream().anyMatch(a -> a.startsAt() != null || a.expiresAt() != null);
            if (timed) {
                assertThat(c.profile().readsTime()).as("a subject with times").isTrue();
            }
            return request -> {
                for (Profile profile : profiles) {
                    if (profile.readsTime()) {
                        continue;
                    }
                    Decision asked = c.policy().check(profile, request);
                    for (Instant other : List.of(Instant.EPOCH, request.at().minusNanos(1),
                            request.at().plusSeconds(86_400 * 400L))) {
                        assertThat(c.policy().check(profile, request.permission(), request.resource(), other,
                                request.context())).as("at %s instead of %s", other, request.at()).isEqualTo(asked);
                    }
                }
            };
        });
    }

    // (a2) Who holds a role now: a check allows only through a role held at the request's time, and
    // the roles held are exactly those of the assignments in force then.
    @Test
    void aCheckAllowsOnlyThroughARoleHeldAtItsTime() {
        forEachCase(16_000_000L, c -> request -> {
            List<String> held = c.profile().rolesHeldAt(request.at());
            assertThat(held).isSorted().doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(c.subject().assignments().stream()
                            .filter(assignment -> assignment.validAt(request.at())).map(Assignment::role)
                            .distinct().toList());
            Decision decision = c.check(request);
            if (decision.reason() instanceof Reason.GrantedBy granted) {
                assertThat(held).as(decision.explain()).contains(granted.assignment().role());
            }
            if (held.isEmpty()) {
                assertThat(decision.allowed()).as(decision.explain()).isFalse();
            }
        });
    }

    // (b) access-model "Scopes": a grant of a wider scope implies the narrower ones.
    @Test
    void widerScopeAllowsEverythingANarrowerOneDoes() {
        forEachCase(2_000_000L, c -> {
            List<Role> withNarrowGrants = c.tenant().roles().stream()
                    .filter(r -> r.grants().stream().anyMatch(g -> g.scope() != Scope.TENANT)).toList();
            if (withNarrowGrants.isEmpty()) {
                return request -> {};
            }
            Random random = c.random().random();
            Role role = c.random().pick(withNarrowGrants);
            List<Grant> grants = new ArrayList<>(role.grants());
            int index;
            do {
                index = random.nextInt(grants.size());
            } while (grants.get(index).scope() == Scope.TENANT);
            Grant narrow = grants.get(index);
            Scope wider = Scope.values()[narrow.scope().ordinal() + 1
                    + random.nextInt(Scope.TENANT.ordinal() - narrow.scope().ordinal())];
            grants.set(index, new Grant(narrow.permission(), wider, narrow.condition()));
            TenantPolicy widened = c.tenant().withRole(
                    new Role(role.key(), role.name(), role.description(), role.inherits(), grants)).policy();
            Profile profile = widened.compile(c.subject());

            return request -> {
                if (c.check(request).allowed()) {
                    assertThat(widened.check(profile, request).allowed())
                            .as("after widening %s of %s to %s", narrow, role.key(), wider).isTrue();
                }
            };
        });
    }

    // (c) access-model "Tenant": nothing crosses tenants, even when every id is the same.
    @Test
    void nothingCrossesTenantsEvenWithIdenticalIds() {
        forEachCase(3_000_000L, c -> {
            TenantPolicy ours = c.tenant().named("ours").policy();
            TenantPolicy theirs = c.tenant().named("theirs").policy();
            Profile ourProfile = ours.compile(c.subject());
            Profile theirProfile = theirs.compile(c.subject());

            return request -> {
                assertThat(theirs.check(ourProfile, request).reason())
                        .isEqualTo(new Reason.ForeignProfile("theirs", "ours"));
                assertThat(ours.check(theirProfile, request).reason())
                        .isEqualTo(new Reason.ForeignProfile("ours", "theirs"));
                assertThat(theirs.effectivePermissions(ourProfile, request.at(), null)).isEmpty();
                assertThat(theirs.whoCan(List.of(ourProfile), request.permission(), null, request.at())).isEmpty();
            };
        });
    }

    // (c2) access-model "Relationship" (issue 13): a stored relationship can only add access, only to the
    // resource it names, only while it is in force, and only for its own subject in its own tenant.
    @Test
    void aRelationshipOnlyAddsAccessToTheResourceItNamesWhileInForce() {
        forEachCase(3_500_000L, c -> {
            java.util.Random random = new java.util.Random(c.seed());
            SubjectRelations relations = randomRelations(random, c.policy().tenant(), c.subject().id());
            SubjectRelations foreign = randomRelations(new java.util.Random(c.seed()), "theirs", c.subject().id());
            SubjectRelations someoneElses = randomRelations(new java.util.Random(c.seed()), c.policy().tenant(),
                    RandomTenants.OTHER);
            return request -> {
                Decision without = c.check(request);
                Decision with = c.policy().check(c.profile(), request, relations);
                if (without.allowed()) {
                    assertThat(with.allowed()).as("a relationship can only add: %s", with.explain()).isTrue();
                }
                if (with.allowed() && !without.allowed()) {
                    Reason.GrantedBy granted = (Reason.GrantedBy) with.reason();
                    RelationPath path = granted.through();
                    assertThat(path).as(with.explain()).isNotNull();
                    Resource resource = request.resource();
                    assertThat(resource).isNotNull();
                    assertThat(resource.assignees()).as("stored relationships count only without assignees").isEmpty();
                    assertThat(path.objectType()).isEqualTo(resource.type());
                    assertThat(path.objectId()).isEqualTo(resource.id());
                    assertThat(path.until() == null || request.at().isBefore(path.until()))
                            .as("an expired relationship never allows: %s", with.explain()).isTrue();
                    assertThat(granted.grant().scope().includes(Scope.ASSIGNED)).isTrue();
                }
                assertThat(c.policy().check(c.profile(), request, foreign)).isEqualTo(without);
                assertThat(c.policy().check(c.profile(), request, someoneElses)).isEqualTo(without);
            };
        });
    }

    // (c3) An expired relationship never allows: relationships all ended before the request decide as none.
    @Test
    void relationshipsThatEndedBeforeTheRequestDecideAsNone() {
        forEachCase(3_700_000L, c -> request -> {
            java.util.Random random = new java.util.Random(c.seed() ^ request.hashCode());
            SubjectRelations.Builder ended = SubjectRelations.builder(c.policy().tenant(), c.subject().id());
            for (int i = 0; i < 100; i++) {
                java.time.Instant until = request.at().minusNanos(random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(1000));
                ended.tuple(random.nextBoolean() ? "shared_with" : "assigned_provider", "thing",
                        Integer.toString(i), until);
                ended.throughCareTeam("t", "Team", random.nextBoolean() ? null : until, "care_team", "thing",
                        Integer.toString(i), until);
            }
            assertThat(c.policy().check(c.profile(), request, ended.build())).isEqualTo(c.check(request));
        });
    }

    /** Tuples on things 0..99 of the random tenants' requests, some expiring around the requests' times. */
    private static SubjectRelations randomRelations(java.util.Random random, String tenant, String subject) {
        SubjectRelations.Builder builder = SubjectRelations.builder(tenant, subject);
        String[] relations = {"assigned_provider", "shared_with", "viewer", "assigned_nurse"};
        for (int i = 0; i < 30; i++) {
            java.time.Instant until = random.nextBoolean() ? null
                    : TestPolicies.NOW.plus(java.time.Duration.ofMinutes(random.nextInt(600) - 300));
            String id = Integer.toString(random.nextInt(100));
            if (random.nextInt(3) == 0) {
                builder.throughCareTeam("team-" + random.nextInt(3), "Team", random.nextBoolean() ? null : until,
                        "care_team", random.nextInt(5) == 0 ? "other" : "thing", id, until);
            } else {
                builder.tuple(relations[random.nextInt(relations.length)], random.nextInt(5) == 0 ? "other" : "thing",
                        id, until);
            }
        }
        return builder.build();
    }

    // (d) access-model "Decision" step 2: only assignments valid now count.
    @Test
    void anAssignmentOutsideItsWindowNeverAllows() {
        forEachCase(4_000_000L, c -> request -> {
            Decision decision = c.check(request);
            List<Assignment> inForce = new ArrayList<>();
            List<Assignment> outOfForce = new ArrayList<>();
            for (Assignment assignment : c.subject().assignments()) {
                (assignment.validAt(request.at()) ? inForce : outOfForce).add(assignment);
            }

            if (decision.reason() instanceof Reason.GrantedBy granted) {
                assertThat(granted.assignment().validAt(request.at())).as("%s is in force", granted.assignment())
                        .isTrue();
            }
            Decision withoutThem = c.policy().check(c.policy().compile(c.subject().withAssignments(inForce)), request);
            assertThat(withoutThem.allowed()).as("without %s: %s", outOfForce, withoutThem.explain())
                    .isEqualTo(decision.allowed());
            if (decision.allowed()) {
                assertThat(withoutThem.reason()).isEqualTo(decision.reason());
            }
            Decision onlyThem = c.policy().check(c.policy().compile(c.subject().withAssignments(outOfForce)), request);
            assertThat(onlyThem.allowed()).as("only %s: %s", outOfForce, onlyThem.explain()).isFalse();
        });
    }

    // (e) access-model "Role": a role holds the union of its parents' grants plus its own.
    @Test
    void inheritanceIsTheUnionOfTheFlattenedGrants() {
        forEachCase(5_000_000L, c -> {
            List<Role> inheriting = c.tenant().roles().stream().filter(r -> !r.inherits().isEmpty()).toList();
            Role role = c.random().pick(inheriting.isEmpty() ? c.tenant().roles() : inheriting);
            TenantPolicy flat = c.tenant().withRole(new Role(role.key(), role.name(), role.description(), List.of(),
                    c.policy().flattenedGrants(role.key()))).policy();
            Profile profile = flat.compile(c.subject());

            return request -> {
                Decision inherited = c.check(request);
                Decision flattened = flat.check(profile, request);

                assertThat(flattened.allowed()).as("%s flattened: %s, inherited: %s", role.key(), flattened.explain(),
                        inherited.explain()).isEqualTo(inherited.allowed());
                assertThat(ignoringDeclarer(flattened.reason())).isEqualTo(ignoringDeclarer(inherited.reason()));
            };
        });
    }

    /** The same reason, except that a grant's declaring role is the role itself after flattening. */
    private static Reason ignoringDeclarer(Reason reason) {
        return reason instanceof Reason.GrantedBy granted
                ? new Reason.GrantedBy(granted.role(), granted.assignment(), granted.grant(), granted.role())
                : reason;
    }

    // (f) A decision is a value with a reason (docs/style.md rule 3) that names what allowed it.
    @Test
    void anAllowIsExactlyAGrantInForceThatCoversThePermission() {
        forEachCase(6_000_000L, c -> request -> {
            Decision decision = c.check(request);

            assertThat(decision.allowed()).isEqualTo(decision.reason() instanceof Reason.GrantedBy);
            if (decision.reason() instanceof Reason.GrantedBy granted) {
                assertThat(c.subject().assignments()).contains(granted.assignment());
                assertThat(granted.assignment().validAt(request.at())).isTrue();
                assertThat(granted.role()).isEqualTo(granted.assignment().role());
                assertThat(Permission.patternCovers(granted.grant().permission(), request.permission()))
                        .as("%s covers %s", granted.grant(), request.permission()).isTrue();
                assertThat(c.policy().flattenedGrants(granted.role())).contains(granted.grant());
                assertThat(c.tenant().role(granted.declaredBy()).grants()).contains(granted.grant());
                assertThat(ancestorsOf(c.tenant(), granted.role())).contains(granted.declaredBy());
                assertThat(reaches(c, granted.grant().scope(), granted.assignment(), request.resource()))
                        .as("%s reaches %s", granted.grant(), request.resource()).isTrue();
            }
        });
    }

    // The laws above compare the engine with itself; this one compares it with the access model read
    // literally: step 1, then steps 2 to 5 as nested loops over assignments and flattened grants.
    @Test
    void decidesLikeTheAccessModelReadLiterally() {
        forEachCase(7_000_000L, c -> request -> {
            Decision decision = c.check(request);

            assertThat(decision.allowed()).as(decision.explain()).isEqualTo(literally(c, request));
        });
    }

    private static boolean literally(Case c, AccessRequest request) {
        Subject subject = c.subject();
        Instant at = request.at();
        boolean subjectActive = subject.status() == SubjectStatus.ACTIVE
                && (subject.lockedUntil() == null || !at.isBefore(subject.lockedUntil()))
                && (subject.expiresAt() == null || at.isBefore(subject.expiresAt()));
        if (!c.tenant().active() || !subjectActive || !c.tenant().catalog().contains(request.permission())) {
            return false;
        }
        for (Assignment assignment : subject.assignments()) {
            if (!assignment.validAt(at)) {
                continue;
            }
            for (Grant grant : c.policy().flattenedGrants(assignment.role())) {
                if (Permission.patternCovers(grant.permission(), request.permission())
                        && reaches(c, grant.scope(), assignment, request.resource())
                        && (grant.condition() == null || c.tenant().conditions().evaluate(grant.condition(),
                                c.profile(), request.resource(), at, request.context())
                                instanceof ConditionEvaluator.Outcome.Holds)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The scope table of access-model "Scopes"; no resource asks "anywhere?", which any scope answers. */
    private static boolean reaches(Case c, Scope scope, Assignment assignment, @Nullable Resource resource) {
        if (resource == null) {
            return true;
        }
        String subject = c.subject().id();
        boolean owns = subject.equals(resource.owner());
        boolean assigned = owns || resource.assignees().contains(subject);
        // A tenant-wide assignment holds at every location of the tenant (and for a resource naming
        // none), never at a location the tenant does not have.
        boolean located = assignment.isTenantWide()
                ? resource.location() == null || c.tenant().locations().contains(resource.location())
                : resource.location() != null
                        && c.tenant().locations().isWithin(resource.location(), assignment.location());
        return switch (scope) {
            case TENANT -> true;
            case LOCATION -> located || assigned;
            case ASSIGNED -> assigned;
            case OWN -> owns;
        };
    }

    private static Set<String> ancestorsOf(Tenant tenant, String role) {
        Set<String> found = new HashSet<>();
        List<String> pending = new ArrayList<>(List.of(role));
        while (!pending.isEmpty()) {
            String next = pending.removeLast();
            if (found.add(next)) {
                pending.addAll(tenant.role(next).inherits());
            }
        }
        return found;
    }

    // (g) TenantPolicy.check: never null, never throws for well-formed requests; nor do the queries
    // built on it, for stale and foreign profiles and unknown locations alike.
    @Test
    void theEngineNeverThrowsAndNeverAnswersNull() {
        forEachCase(8_000_000L, c -> {
            Role edited = c.random().pick(c.tenant().roles());
            TenantPolicy current = c.tenant().withRole(new Role(edited.key(), edited.name(), edited.description(),
                    edited.inherits(), List.of(c.random().grant(c.tenant().catalog())))).policy();
            Profile foreign = c.tenant().named("elsewhere").policy().compile(c.subject());
            List<Profile> population = List.of(c.profile(), foreign,
                    c.policy().compile(c.random().subject(c.tenant(), "s2")));

            return request -> {
                String location = c.random().site(c.tenant());
                for (TenantPolicy policy : List.of(c.policy(), current)) {
                    for (Profile profile : population) {
                        try {
                            assertThat(policy.check(profile, request)).isNotNull();
                            Decision decision = policy.check(profile, request.permission(), request.resource(),
                                    request.at());
                            assertThat(decision).isNotNull();
                            assertThat(decision.reason()).isNotNull();
                            assertThat(decision.explain()).isNotBlank();
                            assertThat(policy.effectivePermissions(profile, request.at(), location)).isNotNull();
                            assertThat(policy.effectivePermissions(profile, request.at(), null)).isNotNull();
                        } catch (RuntimeException e) {
                            fail("threw for " + profile.subject() + " at " + location, e);
                        }
                    }
                    assertThat(policy.whoCan(population, request.permission(), location, request.at())).isNotNull();
                    assertThat(policy.whoCan(population, request.permission(), null, request.at())).isNotNull();
                }
            };
        });
    }

    // (g2) Who-can's candidates leave nobody out: a subject the check allows at a location holds an
    // assignment in force that the candidates count, so reading only their holders finds the same people.
    @Test
    void whoCanCandidatesIncludeEveryoneTheCheckAllows() {
        forEachCase(8_500_000L, c -> {
            List<Profile> population = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                population.add(c.policy().compile(c.random().subject(c.tenant(), "s" + i)));
            }
            return request -> {
                String location = c.random().site(c.tenant());
                Candidates candidates = c.policy().candidates(request.permission(), location);
                List<Profile> read = population.stream()
                        .filter(profile -> profile.subject().assignments().stream()
                                .anyMatch(a -> a.validAt(request.at()) && candidates.counts(a)))
                        .toList();
                assertThat(c.policy().whoCan(read, request.permission(), location, request.at()))
                        .as("who-can at %s over the candidates' holders (%s)", location, candidates)
                        .isEqualTo(c.policy().whoCan(population, request.permission(), location, request.at()));
            };
        });
    }

    @Test
    void everyCertainHolderIsAllowedByTheFullCheckAndIsACandidate() {
        int[] certified = new int[1];
        forEachCase(8_600_000L, c -> {
            List<Subject> population = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                population.add(c.random().subject(c.tenant(), "s" + i));
            }
            return request -> {
                String location = c.random().site(c.tenant());
                Resource resource = location == null ? null : Resource.at(location);
                CertainHolders certain = c.policy().certainHolders(request.permission(), location);
                Candidates candidates = c.policy().candidates(request.permission(), location);
                for (Subject subject : population) {
                    for (Assignment assignment : subject.assignments()) {
                        if (certain.counts(assignment)) {
                            assertThat(candidates.counts(assignment))
                                    .as("%s counted as certain (%s) but not a candidate (%s)", assignment, certain,
                                            candidates)
                                    .isTrue();
                        }
                    }
                    if (certain.certifies(subject, request.at())) {
                        certified[0]++;
                        Decision decision = c.policy().check(c.policy().compile(subject), request.permission(),
                                resource, request.at());
                        assertThat(decision.allowed())
                                .as("%s certified at %s (%s), checked: %s", subject, location, certain, decision)
                                .isTrue();
                    }
                }
            };
        });
        // Not vacuous: the random tenants certify holders often.
        assertThat(certified[0]).isGreaterThan(1_000);
    }

    // ---- Who may act on whom (docs/engine.md): TenantPolicy.covers and grantsBeyond ----

    /** The subject's assignments with their windows and status dropped: the same roles, in force now. */
    private static Subject inForceTwin(String id, Subject subject, Instant at) {
        return Subject.active(id, subject.assignments().stream().filter(a -> a.validAt(at)).toList());
    }

    /** {@code request} as the caller would ask it: what was the target's own or assigned is the caller's. */
    private static AccessRequest asCaller(AccessRequest request, String target, String caller) {
        Resource r = request.resource();
        if (r == null) {
            return request;
        }
        Set<String> assignees = new HashSet<>();
        for (String assignee : r.assignees()) {
            assignees.add(assignee.equals(target) ? caller : assignee);
        }
        Resource mapped = new Resource(r.type(), r.id(), r.location(), target.equals(r.owner()) ? caller : r.owner(),
                assignees, r.attributes());
        return new AccessRequest(request.permission(), mapped, request.at(), request.context());
    }

    // (h) Everyone covers themselves; and a twin holding the same roles in force covers them too.
    @Test
    void everyoneCoversThemselves() {
        forEachCase(9_000_000L, c -> request -> {
            Decision self = c.policy().covers(c.profile(), c.profile(), request.at(), null);
            assertThat(self.allowed()).as(self.explain()).isEqualTo(c.tenant().active());
            Subject target = c.subject().withAssignments(
                    c.subject().assignments().stream().filter(a -> a.validAt(request.at())).toList());
            Profile twin = c.policy().compile(inForceTwin("twin", c.subject(), request.at()));
            Decision covers = c.policy().covers(twin, c.policy().compile(target), request.at(), null);
            assertThat(covers.allowed()).as(covers.explain()).isEqualTo(c.tenant().active());
        });
    }

    // (i) An empty profile is covered by anyone who may act at all.
    @Test
    void anEmptyProfileIsCoveredByAnyActiveCaller() {
        forEachCase(10_000_000L, c -> {
            Profile empty = c.policy().compile(Subject.active("nobody", List.of()));
            return request -> {
                Decision decision = c.policy().covers(c.profile(), empty, request.at(), null);
                boolean callerActive = c.subject().status() == SubjectStatus.ACTIVE
                        && (c.subject().lockedUntil() == null || !request.at().isBefore(c.subject().lockedUntil()))
                        && !c.subject().isExpiredAt(request.at());
                assertThat(decision.allowed()).as(decision.explain()).isEqualTo(c.tenant().active() && callerActive);
            };
        });
    }

    // (j) `*` held tenant-wide covers everyone; and only grants it refuses nobody.
    @Test
    void holdingEverythingCoversEveryone() {
        forEachCase(11_000_000L, c -> {
            List<Role> roles = new ArrayList<>(c.tenant().roles());
            roles.add(Role.of("root", List.of(), List.of(Grant.of("*"))));
            RandomTenants.Tenant withRoot = new RandomTenants.Tenant(c.tenant().id(), c.tenant().active(),
                    c.tenant().catalog(), c.tenant().locations(), roles, c.tenant().conditions());
            TenantPolicy policy = withRoot.policy();
            Profile root = policy.compile(Subject.active("root-holder", Assignment.tenantWide("r", "root")));
            Profile target = policy.compile(c.subject());
            return request -> {
                Decision decision = policy.covers(root, target, request.at(), c.random().site(c.tenant()));
                assertThat(decision.allowed()).as(decision.explain()).isEqualTo(c.tenant().active());
                if (c.tenant().active()) {
                    assertThat(policy.grantsBeyond(root, List.of(c.random().grant(c.tenant().catalog())), null,
                            request.at())).isEmpty();
                }
            };
        });
    }

    // (k) A holder of a role covers a holder of any role it inherits from, at the same or a lower location.
    @Test
    void aRoleCoversTheRolesItInheritsFromAtTheSameOrALowerLocation() {
        forEachCase(12_000_000L, c -> {
            Role role = c.random().pick(c.tenant().roles());
            List<String> ancestors = new ArrayList<>(ancestorsOf(c.tenant(), role.key()));
            ancestors.sort(null);
            String ancestor = c.random().pick(ancestors);
            List<Location> sites = c.tenant().locations().locations();
            String high = sites.isEmpty() || c.random().random().nextInt(3) == 0 ? null : c.random().pick(sites).id();
            List<String> below = high == null
                    ? sites.stream().map(Location::id).toList()
                    : c.tenant().locations().subtree(high);
            String low = below.isEmpty() || (high == null && c.random().random().nextInt(3) == 0)
                    ? high
                    : c.random().pick(below);
            Profile holder = c.policy().compile(Subject.active("holder",
                    new Assignment("h", role.key(), high, null, null, AssignmentSource.DIRECT)));
            Assignment inherited = c.random().assignment(c.tenant(), "t");
            Profile target = c.policy().compile(Subject.active("target",
                    new Assignment("t", ancestor, low, inherited.startsAt(), inherited.expiresAt(),
                            AssignmentSource.DIRECT)));
            return request -> {
                Decision decision = c.policy().covers(holder, target, request.at(), null);
                assertThat(decision.allowed()).as("%s@%s over %s@%s: %s", role.key(), high, ancestor, low,
                        decision.explain()).isEqualTo(c.tenant().active());
            };
        });
    }

    // (l) Coverage is transitive.
    @Test
    void coverageIsTransitive() {
        forEachCase(13_000_000L, c -> {
            Subject b = c.random().subject(c.tenant(), "s2");
            Subject third = c.random().subject(c.tenant(), "s3");
            // Draw the third from the second's roles half the time, so that chains actually occur.
            if (c.random().random().nextBoolean() && !b.assignments().isEmpty()) {
                third = third.withAssignments(b.assignments().subList(0, c.random().random().nextInt(
                        b.assignments().size() + 1)));
            }
            Profile pb = c.policy().compile(b);
            Profile pc = c.policy().compile(third);
            Profile pa = c.random().random().nextBoolean()
                    ? c.profile()
                    : c.policy().compile(Subject.active("s1", b.assignments().stream()
                            .map(x -> x.during(null, null)).toList()));
            return request -> {
                Instant at = request.at();
                if (c.policy().covers(pa, pb, at, null).allowed() && c.policy().covers(pb, pc, at, null).allowed()) {
                    Decision decision = c.policy().covers(pa, pc, at, null);
                    assertThat(decision.allowed()).as(decision.explain()).isTrue();
                }
            };
        });
    }

    // (m) Coverage agrees with check: whatever the target may do, the caller who covers them may do
    // too (on what is the caller's own or assigned to the caller, where the target's was theirs).
    @Test
    void aCallerWhoCoversTheTargetIsAllowedEverythingTheTargetIs() {
        forEachCase(14_000_000L, c -> {
            Subject target = c.subject();
            List<Assignment> callerRoles = new ArrayList<>();
            if (c.random().random().nextInt(4) > 0) {
                for (Assignment assignment : target.assignments()) {
                    callerRoles.add(new Assignment("c-" + assignment.id(), assignment.role(), assignment.location(),
                            null, null, AssignmentSource.DIRECT));
                }
            }
            callerRoles.addAll(c.random().subject(c.tenant(), "caller").assignments());
            Profile caller = c.policy().compile(Subject.active("caller", callerRoles));
            return request -> {
                Decision covers = c.policy().covers(caller, c.profile(), request.at(), null);
                Decision targetMay = c.check(request);
                if (covers.allowed() && targetMay.allowed()) {
                    AccessRequest mine = asCaller(request, target.id(), "caller");
                    Decision callerMay = c.policy().check(caller, mine);
                    assertThat(callerMay.allowed()).as("target: %s; caller: %s", targetMay.explain(),
                            callerMay.explain()).isTrue();
                }
                if (!covers.allowed() && c.tenant().active()) {
                    assertThat(covers.reason()).isInstanceOf(Reason.Uncovered.class);
                    Reason.Uncovered miss = (Reason.Uncovered) covers.reason();
                    assertThat(c.tenant().catalog().contains(miss.permission())).isTrue();
                    assertThat(miss.explain()).startsWith(target.id() + " holds " + miss.permission());
                }
            };
        });
    }

    // (n) No escalation is coverage: a caller may hand out a role at a place exactly when they would
    // cover someone holding only that role there.
    @Test
    void handingOutARoleIsAllowedExactlyWhenTheCallerCoversItsHolder() {
        forEachCase(15_000_000L, c -> {
            Role role = c.random().pick(c.tenant().roles());
            List<Location> sites = c.tenant().locations().locations();
            String where = sites.isEmpty() || c.random().random().nextBoolean() ? null : c.random().pick(sites).id();
            Profile holder = c.policy().compile(Subject.active("holder",
                    new Assignment("h", role.key(), where, null, null, AssignmentSource.DIRECT)));
            return request -> {
                List<String> beyond = c.policy().grantsBeyond(c.profile(), c.policy().flattenedGrants(role.key()),
                        where, request.at());
                Decision covers = c.policy().covers(c.profile(), holder, request.at(), null);
                boolean callerActive = c.subject().status() == SubjectStatus.ACTIVE
                        && (c.subject().lockedUntil() == null || !request.at().isBefore(c.subject().lockedUntil()))
                        && !c.subject().isExpiredAt(request.at());
                assertThat(c.tenant().active() && callerActive && beyond.isEmpty())
                        .as("%s@%s beyond %s; covers: %s", role.key(), where, beyond, covers.explain())
                        .isEqualTo(covers.allowed());
            };
        });
    }

    // (n2) Handing out, asked many times for one caller (a bulk import): RoleGiving answers as
    // grantsBeyond for every role at every place, tenant-wide included, in any order of questions,
    // for the subject and for the subject narrowed to one location (an API key).
    @Test
    void aCallersRoleGivingAnswersAsGrantsBeyondForEveryRoleAndPlace() {
        forEachCase(15_500_000L, c -> {
            List<@Nullable String> places = new ArrayList<>();
            places.add(null);
            for (Location location : c.tenant().locations().locations()) {
                places.add(location.id());
            }
            places.add("nowhere");
            List<Profile> callers = new ArrayList<>(List.of(c.profile()));
            if (places.size() > 2) {
                callers.add(c.profile().narrowedTo(List.of("*"), Set.of(places.get(1))));
            }
            return request -> {
                for (Profile caller : callers) {
                    RoleGiving giving = c.policy().giving(caller, request.at());
                    List<Role> roles = new ArrayList<>(c.tenant().roles());
                    Collections.shuffle(roles, c.random().random());
                    List<@Nullable String> order = new ArrayList<>(places);
                    Collections.shuffle(order, c.random().random());
                    for (Role role : roles) {
                        for (String where : order) {
                            assertThat(giving.beyond(role.key(), where))
                                    .as("%s at %s, narrowed: %s", role.key(), where, caller.isNarrowed())
                                    .isEqualTo(c.policy().grantsBeyond(caller, c.policy().flattenedGrants(role.key()),
                                            where, request.at()));
                        }
                    }
                }
            };
        });
    }

    // (o) Covering is monotone in the caller's locations: holding one of the caller's roles higher
    // up — at its location's parent, or tenant-wide — never turns a cover into a refusal.
    @Test
    void holdingARoleHigherUpNeverLosesCoverage() {
        forEachCase(16_000_000L, c -> {
            List<Assignment> held = c.subject().assignments();
            Subject target = c.random().subject(c.tenant(), "target");
            // Draw the target from the caller's roles half the time, so that covers actually occur.
            if (c.random().random().nextBoolean()) {
                target = target.withAssignments(held.subList(0, c.random().random().nextInt(held.size() + 1)));
            }
            Profile pt = c.policy().compile(target);
            List<Assignment> raised = new ArrayList<>(held);
            if (!held.isEmpty()) {
                int i = c.random().random().nextInt(held.size());
                Assignment one = held.get(i);
                raised.set(i, new Assignment(one.id(), one.role(), parentOf(c.tenant(), one.location()),
                        one.startsAt(), one.expiresAt(), one.source(), one.delegator()));
            }
            Profile higher = c.policy().compile(c.subject().withAssignments(raised));
            return request -> {
                if (c.policy().covers(c.profile(), pt, request.at(), null).allowed()) {
                    Decision decision = c.policy().covers(higher, pt, request.at(), null);
                    assertThat(decision.allowed()).as("raised to %s: %s", raised, decision.explain()).isTrue();
                }
            };
        });
    }

    /** The parent of {@code location}, or null (tenant-wide) for a root or a tenant-wide assignment. */
    private static @Nullable String parentOf(Tenant tenant, @Nullable String location) {
        return tenant.locations().locations().stream().filter(l -> l.id().equals(location)).findFirst()
                .map(Location::parent).orElse(null);
    }

    /** A random narrowing: some permission keys or patterns (from the grants a role could hold), some locations or none. */
    private record Narrow(List<String> patterns, Set<String> locations) {

        static Narrow random(Case c) {
            List<String> patterns = new ArrayList<>();
            int count = c.random().random().nextInt(4);
            for (int i = 0; i < count; i++) {
                patterns.add(c.random().grant(c.tenant().catalog()).permission());
            }
            Set<String> locations = new HashSet<>();
            for (Location location : c.tenant().locations().locations()) {
                if (c.random().random().nextInt(3) == 0) {
                    locations.add(location.id());
                }
            }
            return new Narrow(patterns, locations);
        }

        /** This narrowing and more: more patterns, and more locations (or every location) when it names some. */
        Narrow widened(Case c) {
            List<String> more = new ArrayList<>(patterns);
            more.add(c.random().grant(c.tenant().catalog()).permission());
            Set<String> wider = new HashSet<>(locations);
            if (!wider.isEmpty()) {
                if (c.random().random().nextInt(4) == 0) {
                    wider.clear();
                } else {
                    wider.add(c.random().pick(c.tenant().locations().locations()).id());
                }
            }
            return new Narrow(more, wider);
        }

        Profile of(Profile owner) {
            return owner.narrowedTo(patterns, locations);
        }
    }

    // (p) An API key acts as its owner narrowed (issue 12): never more than the owner holds now, in a
    // check, in the effective permissions, and in who it may act on.
    @Test
    void aNarrowedProfileNeverReachesMoreThanItsOwner() {
        forEachCase(17_000_000L, c -> {
            Narrow narrow = Narrow.random(c);
            Profile key = narrow.of(c.profile());
            Profile target = c.policy().compile(c.random().subject(c.tenant(), "s2"));
            return request -> {
                Decision narrowed = c.policy().check(key, request);
                if (narrowed.allowed()) {
                    assertThat(c.check(request).allowed()).as("narrowed to %s: %s", narrow, narrowed.explain())
                            .isTrue();
                }
                List<String> owner = c.policy().effectivePermissions(c.profile(), request.at(), null).stream()
                        .map(EffectivePermission::permission).toList();
                assertThat(c.policy().effectivePermissions(key, request.at(), null))
                        .allSatisfy(held -> assertThat(owner).contains(held.permission()));
                if (c.policy().covers(key, target, request.at(), null).allowed()) {
                    assertThat(c.policy().covers(c.profile(), target, request.at(), null).allowed())
                            .as("narrowed to %s", narrow).isTrue();
                }
            };
        });
    }

    // (q) Narrowing to every permission at every location changes nothing.
    @Test
    void narrowingToEverythingEverywhereIsTheOwner() {
        forEachCase(18_000_000L, c -> {
            Profile key = c.profile().narrowedTo(List.of("*"), Set.of());
            Profile target = c.policy().compile(c.random().subject(c.tenant(), "s2"));
            return request -> {
                assertThat(c.policy().check(key, request)).isEqualTo(c.check(request));
                assertThat(c.policy().effectivePermissions(key, request.at(), null))
                        .isEqualTo(c.policy().effectivePermissions(c.profile(), request.at(), null));
                assertThat(c.policy().covers(key, target, request.at(), null))
                        .isEqualTo(c.policy().covers(c.profile(), target, request.at(), null));
            };
        });
    }

    // (r) Narrowing is monotone: a key with more scopes or more locations allows everything one with
    // fewer does, and narrowing twice is never wider than either narrowing.
    @Test
    void narrowingIsMonotone() {
        forEachCase(19_000_000L, c -> {
            Narrow narrow = Narrow.random(c);
            Narrow wider = narrow.widened(c);
            Narrow other = Narrow.random(c);
            Profile narrower = narrow.of(c.profile());
            Profile widerKey = wider.of(c.profile());
            Profile twice = other.of(narrower);
            return request -> {
                if (c.policy().check(narrower, request).allowed()) {
                    assertThat(c.policy().check(widerKey, request).allowed()).as("%s, then %s", narrow, wider)
                            .isTrue();
                }
                if (c.policy().check(twice, request).allowed()) {
                    assertThat(c.policy().check(narrower, request).allowed()).isTrue();
                    assertThat(c.policy().check(other.of(c.profile()), request).allowed()).isTrue();
                }
            };
        });
    }

    // (t1) Issue 13, delegation ("Acting Manager"): a delegate never exceeds the delegator. An allow
    // through a lent role needs the lender active and holding that role, standing (not lent or
    // elevated to them), in force at the request's time, at the lent location or above it.
    @Test
    void aDelegateNeverExceedsTheDelegator() {
        forEachCase(40_000_000L, c -> {
            Subject lender = c.random().subject(c.tenant(), "lender");
            Assignment lent = lent(c, lender);
            Profile delegate = c.policy().compile(c.subject().withAssignments(with(c.subject(), lent)));
            return request -> {
                Decision decision = c.policy().check(delegate, request);
                if (decision.reason() instanceof Reason.GrantedBy granted && granted.assignment().id().equals("lent")) {
                    assertThat(lender.status()).as(decision.explain()).isEqualTo(SubjectStatus.ACTIVE);
                    assertThat(lent.validAt(request.at())).as(decision.explain()).isTrue();
                    assertThat(lender.assignments()).as("%s: the lender holds %s there", decision.explain(),
                            lent.role()).anyMatch(own -> own.isStanding() && own.role().equals(lent.role())
                                    && own.validAt(request.at()) && (own.location() == null || lent.location() != null
                                    && c.tenant().locations().isWithin(lent.location(), own.location())));
                }
            };
        });
    }

    // (t2) Issue 13: an expired (or not yet started) delegation never allows, whoever lent it, and a
    // delegation by a lender who is not active adds nothing: the delegate decides as without it.
    @Test
    void anExpiredDelegationOrOneOfAnInactiveLenderNeverAllows() {
        forEachCase(41_000_000L, c -> {
            Subject everything = Subject.active("lender", c.tenant().roles().stream()
                    .map(role -> Assignment.tenantWide("own-" + role.key(), role.key())).toList());
            Subject lender = c.random().pick(List.of(true, false)) ? everything
                    : everything.withStatus(c.random().pick(List.of(SubjectStatus.LOCKED, SubjectStatus.DISABLED,
                            SubjectStatus.INVITED)));
            Assignment lent = lent(c, lender);
            Profile delegate = c.policy().compile(c.subject().withAssignments(with(c.subject(), lent)));
            return request -> {
                if (lender.status() == SubjectStatus.ACTIVE && lent.validAt(request.at())) {
                    return;
                }
                Decision decision = c.policy().check(delegate, request);
                assertThat(decision.allowed()).as(decision.explain()).isEqualTo(c.check(request).allowed());
                if (decision.reason() instanceof Reason.GrantedBy granted) {
                    assertThat(granted.assignment().id()).as(decision.explain()).isNotEqualTo("lent");
                }
            };
        });
    }

    // (t3) Issue 13: what the server refuses to lend is what the engine would never let stand — a
    // delegation allows through the lender exactly when the lender may lend it at that moment.
    @Test
    void aDelegationIsInForceExactlyWhenItsLenderMayLendIt() {
        forEachCase(42_000_000L, c -> {
            Subject lender = c.random().subject(c.tenant(), "lender");
            Profile lenderProfile = c.policy().compile(lender);
            Assignment shape = c.random().assignment(c.tenant(), "lent");
            Assignment lent = Assignment.delegated("lent", shape.role(), shape.location(), null, null, lender);
            Profile delegate = c.policy().compile(Subject.active("delegate", lent));
            return request -> assertThat(delegate.rolesHeldAt(request.at()).contains(lent.role()))
                    .as("lender %s lends %s", lender, lent)
                    .isEqualTo(lenderProfile.mayLend(lent.role(), lent.location(), request.at()));
        });
    }

    /** A random role lent by {@code lender} at a random place, with a window half the time. */
    private static Assignment lent(Case c, Subject lender) {
        Assignment shape = c.random().assignment(c.tenant(), "lent");
        return Assignment.delegated("lent", shape.role(), shape.location(), shape.startsAt(), shape.expiresAt(), lender);
    }

    private static List<Assignment> with(Subject subject, Assignment added) {
        List<Assignment> assignments = new ArrayList<>(subject.assignments());
        assignments.add(added);
        return assignments;
    }
}
