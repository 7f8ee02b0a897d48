package dev.gatehouse.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Random tenants, subjects and requests for the engine's laws, all drawn from one seeded
 * {@link Random} so that a failing case reproduces from its seed.
 *
 * <p>Times come from a coarse grid around {@link #NOW} so that validity bounds, lockouts and request
 * times coincide often: the edges are where the rules are easiest to get wrong.
 */
final class RandomTenants {

    static final Instant NOW = TestPolicies.NOW;
    static final String OTHER = "other";

    private static final List<String> RESOURCES = List.of(
            "patients", "patientsx", "records", "invoices", "claims", "widgets.billing", "pages.admin");
    private static final List<String> ACTIONS = List.of("read", "create", "edit", "delete", "export", "approve");
    /** Patterns that only a wildcard grant could match, or no catalog key at all: asked as permissions. */
    private static final List<String> UNKNOWN = List.of("ghosts.read", "*", "patients.*", "patients", "records.read.all");
    static final List<String> FIELDS = List.of("ssn", "notes");
    private static final List<String> CONDITIONS = List.of("always", "never", "resource.flag");

    /**
     * A stand-in for a condition language: {@code always} holds, {@code never} fails,
     * {@code resource.flag} holds when the resource carries {@code flag=true} and cannot be
     * evaluated otherwise.
     */
    static final ConditionEvaluator SCRIPTED = (condition, subject, resource, at, context) ->
            switch (condition.expression()) {
                case "always" -> ConditionEvaluator.HOLDS;
                case "never" -> new ConditionEvaluator.Outcome.Fails("never holds");
                default -> resource != null && Boolean.TRUE.equals(resource.attributes().get("flag"))
                        ? ConditionEvaluator.HOLDS
                        : new ConditionEvaluator.Outcome.Unevaluable("the resource has no flag");
            };

    /** Everything a policy is built from, kept so that a law can change one part and rebuild. */
    record Tenant(String id, boolean active, PermissionCatalog catalog, LocationTree locations, List<Role> roles,
            ConditionEvaluator conditions) {

        TenantPolicy policy() {
            return TenantPolicy.builder(id, catalog).active(active).locations(locations).conditions(conditions)
                    .roles(roles).build();
        }

        /** The same tenant under another id. */
        Tenant named(String newId) {
            return new Tenant(newId, active, catalog, locations, roles, conditions);
        }

        /** The same tenant with {@code changed} in place of the role of the same key. */
        Tenant withRole(Role changed) {
            List<Role> edited = new ArrayList<>(roles.size());
            for (Role role : roles) {
                edited.add(role.key().equals(changed.key()) ? changed : role);
            }
            return new Tenant(id, active, catalog, locations, edited, conditions);
        }

        Role role(String key) {
            return roles.stream().filter(role -> role.key().equals(key)).findFirst().orElseThrow();
        }
    }

    private final Random random;

    RandomTenants(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    /**
     * A tenant with 2 to 5 resources of 1 to 4 actions each, a location forest of up to 7 sites,
     * and 1 to 6 roles inheriting at random from each other without cycles.
     */
    Tenant tenant(String id) {
        List<String> resources = new ArrayList<>(RESOURCES);
        Collections.shuffle(resources, random);
        List<String> keys = new ArrayList<>();
        for (String resource : resources.subList(0, 2 + random.nextInt(4))) {
            List<String> actions = new ArrayList<>(ACTIONS);
            Collections.shuffle(actions, random);
            for (String action : actions.subList(0, 1 + random.nextInt(4))) {
                keys.add(resource + "." + action);
                // Field permissions (permission.field): one in three keys has some.
                if (random.nextInt(3) == 0) {
                    keys.add(resource + "." + action + "." + pick(FIELDS));
                }
            }
        }
        PermissionCatalog catalog = PermissionCatalog.ofKeys(keys.toArray(String[]::new));

        List<Location> locations = new ArrayList<>();
        int sites = random.nextInt(8);
        for (int i = 0; i < sites; i++) {
            String site = "loc" + i;
            locations.add(i == 0 || random.nextInt(10) < 4
                    ? Location.root(site)
                    : Location.under(locations.get(random.nextInt(i)).id(), site));
        }
        Collections.shuffle(locations, random);
        LocationTree tree = LocationTree.of(locations);

        List<Role> roles = new ArrayList<>();
        int count = 1 + random.nextInt(6);
        for (int i = 0; i < count; i++) {
            // A role inherits only from roles made before it, so the graph has no cycle; diamonds
            // and several parents come up by chance.
            List<String> parents = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                if (random.nextInt(10) < 3) {
                    parents.add("role" + j);
                }
            }
            List<Grant> grants = new ArrayList<>();
            int granted = random.nextInt(5);
            for (int g = 0; g < granted; g++) {
                grants.add(grant(catalog));
            }
            roles.add(Role.of("role" + i, parents, grants));
        }
        Collections.shuffle(roles, random);
        ConditionEvaluator conditions = random.nextBoolean() ? ConditionEvaluator.NONE : SCRIPTED;
        boolean active = random.nextInt(20) > 0;
        return new Tenant(id, active, catalog, tree, List.copyOf(roles), conditions);
    }

    /** A grant of a catalog key or a wildcard, any scope, one in five conditional. */
    Grant grant(PermissionCatalog catalog) {
        String pattern;
        int kind = random.nextInt(20);
        if (kind < 13) {
            pattern = catalog.get(random.nextInt(catalog.size())).key();
        } else if (kind < 14) {
            pattern = "*";
        } else if (kind < 19) {
            String key = catalog.get(random.nextInt(catalog.size())).key();
            pattern = key.substring(0, key.lastIndexOf('.')) + ".*";
            if (pattern.indexOf('.') != pattern.lastIndexOf('.') && random.nextBoolean()) {
                pattern = pattern.substring(0, pattern.indexOf('.')) + ".*"; // widgets.* over widgets.billing.read
            }
        } else {
            pattern = "ghosts.*";
        }
        Condition condition = random.nextInt(5) == 0 ? new Condition(pick(CONDITIONS)) : null;
        return new Grant(pattern, pick(List.of(Scope.values())), condition);
    }

    /** A subject with 0 to 4 assignments, mostly active, sometimes locked out or its account ending around now. */
    Subject subject(Tenant tenant, String id) {
        SubjectStatus status = random.nextInt(10) < 8 ? SubjectStatus.ACTIVE : pick(List.of(SubjectStatus.values()));
        Instant lockedUntil = random.nextInt(8) == 0 ? time() : null;
        List<Assignment> assignments = new ArrayList<>();
        int count = random.nextInt(5);
        for (int i = 0; i < count; i++) {
            assignments.add(assignment(tenant, "a" + i));
        }
        Instant expiresAt = random.nextInt(8) == 0 ? time() : null;
        return new Subject(id, status, lockedUntil, assignments, expiresAt);
    }

    /** An assignment of any role of the tenant, tenant-wide or at a site, with a window half the time. */
    Assignment assignment(Tenant tenant, String id) {
        String role = pick(tenant.roles()).key();
        List<Location> sites = tenant.locations().locations();
        String location = sites.isEmpty() || random.nextInt(10) < 4 ? null : pick(sites).id();
        AssignmentSource source = pick(List.of(AssignmentSource.values()));
        Instant from = null;
        Instant until = null;
        if (random.nextBoolean()) {
            Instant a = time();
            Instant b = time();
            switch (random.nextInt(3)) {
                case 0 -> from = a;
                case 1 -> until = a;
                default -> {
                    if (a.equals(b)) {
                        b = b.plus(Duration.ofHours(1));
                    }
                    from = a.isBefore(b) ? a : b;
                    until = a.isBefore(b) ? b : a;
                }
            }
        }
        if (source == AssignmentSource.DELEGATION) {
            // Lent by someone who holds the role everywhere, always: in force exactly in its own window,
            // so the laws about windows read as for any assignment. DelegationLawsTest varies the lender.
            return Assignment.delegated(id, role, location, from, until,
                    Subject.active("lender-" + id, Assignment.tenantWide("lender-" + id, role)));
        }
        return new Assignment(id, role, location, from, until, source);
    }

    /**
     * A request for {@code subject}: mostly a catalog key, sometimes a key outside it; no resource a
     * quarter of the time, else one at a site, at an unknown site or nowhere, owned by and assigned
     * to the subject or someone else.
     */
    AccessRequest request(Tenant tenant, String subject) {
        String permission = random.nextInt(100) < 85
                ? tenant.catalog().get(random.nextInt(tenant.catalog().size())).key()
                : pick(UNKNOWN);
        return AccessRequest.of(permission, random.nextInt(4) == 0 ? null : resource(tenant, subject), requestTime());
    }

    Resource resource(Tenant tenant, String subject) {
        String location = site(tenant);
        String owner = switch (random.nextInt(3)) {
            case 0 -> null;
            case 1 -> subject;
            default -> OTHER;
        };
        Set<String> assignees = new HashSet<>();
        if (random.nextInt(3) == 0) {
            assignees.add(subject);
        }
        if (random.nextBoolean()) {
            assignees.add(OTHER);
        }
        Map<String, Object> attributes = new HashMap<>();
        if (random.nextBoolean()) {
            attributes.put("flag", random.nextInt(4) > 0);
        }
        return new Resource("thing", Integer.toString(random.nextInt(100)), location, owner, assignees, attributes);
    }

    /** A site of the tenant most of the time; else none, or one the tenant does not have. */
    @Nullable String site(Tenant tenant) {
        List<Location> sites = tenant.locations().locations();
        int roll = random.nextInt(10);
        if (roll == 0) {
            return null;
        }
        if (roll == 1 || sites.isEmpty()) {
            return "mars";
        }
        return pick(sites).id();
    }

    /** A point of the grid: now plus or minus whole hours. */
    Instant time() {
        return NOW.plus(Duration.ofHours(random.nextInt(7) - 3));
    }

    /** A grid point most of the time, else a moment just before, just after or between them. */
    Instant requestTime() {
        return switch (random.nextInt(6)) {
            case 0 -> time().minusNanos(1);
            case 1 -> time().plusSeconds(1);
            case 2 -> time().plus(Duration.ofMinutes(random.nextInt(60)));
            default -> time();
        };
    }

    <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
