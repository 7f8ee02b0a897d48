package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.LocationTree;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A synthetic clinic chain, the same on every run: 50 locations in three levels (2 regions, 8 areas,
 * 40 clinics), 200 permissions (40 resources × 5 actions), 30 roles in three levels of inheritance
 * and as many users as asked for, each holding 1 to 3 roles at a location or tenant-wide.
 *
 * <p>The policy does not depend on the number of users, and the first {@code n} users are the same
 * whatever the total, so runs at 1,000, 10,000 and 100,000 users differ only in the population.
 */
public final class GeneratedTenant {

    static final String TENANT = "generated-clinics";

    static final List<String> RESOURCES = List.of(
            "patients", "appointments", "encounters", "prescriptions", "lab_orders", "lab_results", "imaging",
            "referrals", "invoices", "payments", "claims", "insurers", "documents", "consents", "messages",
            "tasks", "schedules", "rooms", "equipment", "inventory", "suppliers", "purchase_orders", "staff",
            "shifts", "timesheets", "payroll", "reports", "dashboards", "audit_logs", "templates", "forms",
            "questionnaires", "vaccinations", "allergies", "care_plans", "care_teams", "waitlists", "reminders",
            "telehealth", "locations");

    static final List<String> ACTIONS = List.of("read", "create", "edit", "delete", "export");

    private static final long POLICY_SEED = 0x6A7E_4005EL;
    private static final long USERS_SEED = 0x5EED_0001L;
    private static final int ROLES_PER_LEVEL = 10;
    /** Percent of assignments held tenant-wide rather than at one location. */
    private static final int TENANT_WIDE_PERCENT = 15;

    private final TenantPolicy policy;
    private final List<Subject> subjects;

    private GeneratedTenant(TenantPolicy policy, List<Subject> subjects) {
        this.policy = policy;
        this.subjects = subjects;
    }

    public static GeneratedTenant withUsers(int users) {
        TenantPolicy policy = generatePolicy();
        return new GeneratedTenant(policy, subjects(users, policy));
    }

    public TenantPolicy policy() {
        return policy;
    }

    public List<Subject> subjects() {
        return subjects;
    }

    private static TenantPolicy generatePolicy() {
        Random random = new Random(POLICY_SEED);
        List<Permission> permissions = new ArrayList<>();
        for (String resource : RESOURCES) {
            for (String action : ACTIONS) {
                permissions.add(Permission.of(resource + "." + action, ""));
            }
        }
        return TenantPolicy.builder(TENANT, PermissionCatalog.of(permissions))
                .locations(locations())
                .roles(roles(random))
                .build();
    }

    private static LocationTree locations() {
        List<Location> locations = new ArrayList<>();
        for (int region = 1; region <= 2; region++) {
            String regionId = "region-" + region;
            locations.add(Location.root(regionId));
            for (int area = 1; area <= 4; area++) {
                String areaId = "area-" + region + "-" + area;
                locations.add(Location.under(regionId, areaId));
                for (int clinic = 1; clinic <= 5; clinic++) {
                    locations.add(Location.under(areaId, "clinic-" + region + "-" + area + "-" + clinic));
                }
            }
        }
        return LocationTree.of(locations);
    }

    /**
     * Ten base roles with 8 to 15 grants, ten senior roles that inherit one or two base roles and add
     * 2 to 5 grants, and ten lead roles that inherit one or two senior roles and add 1 to 4 grants.
     */
    private static List<Role> roles(Random random) {
        List<Role> roles = new ArrayList<>();
        List<String> base = new ArrayList<>();
        List<String> senior = new ArrayList<>();
        for (int i = 0; i < ROLES_PER_LEVEL; i++) {
            String key = "base-" + i;
            roles.add(Role.of(key, List.of(), grants(random, 8 + random.nextInt(8), i % 5 == 0)));
            base.add(key);
        }
        for (int i = 0; i < ROLES_PER_LEVEL; i++) {
            String key = "senior-" + i;
            roles.add(Role.of(key, pick(random, base, 1 + random.nextInt(2)),
                    grants(random, 2 + random.nextInt(4), i % 5 == 3)));
            senior.add(key);
        }
        for (int i = 0; i < ROLES_PER_LEVEL; i++) {
            String key = "lead-" + i;
            roles.add(Role.of(key, pick(random, senior, 1 + random.nextInt(2)),
                    grants(random, 1 + random.nextInt(4), i % 5 == 1)));
        }
        return roles;
    }

    /** {@code count} grants of distinct permissions at mixed scopes, plus a {@code resource.*} one if asked. */
    private static List<Grant> grants(Random random, int count, boolean withWildcard) {
        Set<String> keys = new LinkedHashSet<>();
        while (keys.size() < count) {
            keys.add(RESOURCES.get(random.nextInt(RESOURCES.size())) + "."
                    + ACTIONS.get(random.nextInt(ACTIONS.size())));
        }
        List<Grant> grants = new ArrayList<>();
        for (String key : keys) {
            grants.add(Grant.of(key, scope(random)));
        }
        if (withWildcard) {
            String resource = RESOURCES.get(random.nextInt(RESOURCES.size()));
            grants.add(Grant.of(resource + ".*", random.nextBoolean() ? Scope.TENANT : Scope.LOCATION));
        }
        return grants;
    }

    /** 30% tenant, 45% location, 15% assigned, 10% own. */
    private static Scope scope(Random random) {
        int roll = random.nextInt(20);
        if (roll < 6) {
            return Scope.TENANT;
        }
        if (roll < 15) {
            return Scope.LOCATION;
        }
        return roll < 18 ? Scope.ASSIGNED : Scope.OWN;
    }

    private static List<String> pick(Random random, List<String> from, int count) {
        Set<String> picked = new LinkedHashSet<>();
        while (picked.size() < count) {
            picked.add(from.get(random.nextInt(from.size())));
        }
        return List.copyOf(picked);
    }

    private static List<Subject> subjects(int users, TenantPolicy policy) {
        Random random = new Random(USERS_SEED);
        List<Role> roles = policy.roles();
        List<Location> locations = policy.locations().locations();
        List<Subject> subjects = new ArrayList<>(users);
        for (int user = 0; user < users; user++) {
            String id = "user-%06d".formatted(user);
            int count = 1 + random.nextInt(3);
            List<Assignment> assignments = new ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                String assignmentId = id + "/" + n;
                String role = roles.get(random.nextInt(roles.size())).key();
                if (random.nextInt(100) < TENANT_WIDE_PERCENT) {
                    assignments.add(Assignment.tenantWide(assignmentId, role));
                } else {
                    String location = locations.get(random.nextInt(locations.size())).id();
                    assignments.add(Assignment.at(assignmentId, role, location));
                }
            }
            subjects.add(Subject.active(id, assignments));
        }
        return List.copyOf(subjects);
    }
}
