package dev.gatehouse.client;

import dev.gatehouse.conditions.CelConditions;
import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.LocationTree;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.TenantPolicy;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small clinic in two forms: the contract documents a fake server sends (sections 1 and 2), and the
 * engine values built directly from the same facts, so a test can compare a local answer with the
 * engine's own.
 */
final class Clinic {

    static final String KEY = "7d1f7c3e-0000-4000-8000-000000000001";
    static final String NORTH = "0c8b1c52-1111-4111-8111-000000000001";
    static final String DOWNTOWN = "0c8b1c52-1111-4111-8111-000000000002";
    static final String PATEL = "5a0e8d7e-2222-4222-8222-000000000001";
    static final String LEE = "5a0e8d7e-2222-4222-8222-000000000002";
    static final String TEMP = "5a0e8d7e-2222-4222-8222-000000000003";
    static final String ELEVATED = "5a0e8d7e-2222-4222-8222-000000000004";
    static final Instant LEE_UNTIL = Instant.parse("2030-01-01T00:00:00Z");
    static final String CONDITION = "resource.amount < 500";

    private Clinic() {}

    static Map<String, Object> policyDocument(long version, boolean active) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("version", version);
        document.put("tenant", Map.of("id", KEY, "slug", "northside", "key", KEY));
        document.put("active", active);
        document.put("timeZone", "Europe/London");
        document.put("permissions", List.of(
                permission("invoices.approve"), permission("patients.read"), permission("patients.read.ssn"),
                permission("patients.write"), permission("reports.view")));
        document.put("roles", List.of(
                role("approver", List.of(), List.of(grant("invoices.approve", "TENANT", CONDITION))),
                role("provider", List.of("staff"), List.of(grant("patients.write", "ASSIGNED", null),
                        grant("patients.read.ssn", "ASSIGNED", null))),
                role("staff", List.of(), List.of(grant("patients.read", "LOCATION", null)))));
        document.put("locations", List.of(
                Map.of("id", NORTH, "name", "North"),
                Map.of("id", DOWNTOWN, "parent", NORTH, "name", "Downtown")));
        return document;
    }

    /** Dr Patel: provider downtown, assigned to patient 123. */
    static Map<String, Object> patel(long version, String status) {
        Map<String, Object> document = subject(version, PATEL, "dr.patel", status,
                List.of(assignment("a-patel", "provider", DOWNTOWN, null, "DIRECT")));
        document.put("relations", Map.of("tuples",
                List.of(Map.of("relation", "assigned_provider", "type", "patient", "id", "123")), "careTeams", List.of()));
        return document;
    }

    /** Lee: staff tenant-wide until 2030. */
    static Map<String, Object> lee(long version) {
        return subject(version, LEE, "lee", "ACTIVE", List.of(assignment("a-lee", "staff", null, LEE_UNTIL, "DIRECT")));
    }

    /** Temp: provider downtown, lent by Dr Patel as Patel stands ({@code lenderStatus}). */
    static Map<String, Object> temp(long version, String lenderStatus) {
        Map<String, Object> lent = assignment("a-temp", "provider", DOWNTOWN, null, "DELEGATION");
        lent.put("lender", Map.of("id", PATEL, "username", "dr.patel", "status", lenderStatus,
                "assignments", List.of(assignment("a-patel", "provider", DOWNTOWN, null, "DIRECT"))));
        return subject(version, TEMP, "temp", "ACTIVE", List.of(lent));
    }

    /** Elevated: approver tenant-wide through a one-time elevation. */
    static Map<String, Object> elevated(long version) {
        return subject(version, ELEVATED, "elevated", "ACTIVE",
                List.of(assignment("a-elevated", "approver", null, null, "ELEVATION")));
    }

    /** The policy as the server's engine holds it, built without the documents. */
    static TenantPolicy policy() {
        Condition condition = new Condition(CONDITION);
        return TenantPolicy.builder(KEY, PermissionCatalog.of(List.of(Permission.of("invoices.approve", "d"),
                        Permission.of("patients.read", "d"), Permission.of("patients.read.ssn", "d"),
                        Permission.of("patients.write", "d"), Permission.of("reports.view", "d"))))
                .roles(List.of(
                        new Role("approver", "approver", "", List.of(),
                                List.of(new Grant("invoices.approve", Scope.TENANT, condition))),
                        new Role("provider", "provider", "", List.of("staff"), List.of(Grant.of("patients.write",
                                Scope.ASSIGNED), Grant.of("patients.read.ssn", Scope.ASSIGNED))),
                        new Role("staff", "staff", "", List.of(), List.of(Grant.of("patients.read", Scope.LOCATION)))))
                .conditions(CelConditions.compile(List.of(condition), ZoneId.of("Europe/London")))
                .locations(LocationTree.of(Location.root(NORTH), Location.under(NORTH, DOWNTOWN)))
                .build();
    }

    static Subject patelSubject() {
        return Subject.active(PATEL, Assignment.at("a-patel", "provider", DOWNTOWN));
    }

    static Subject leeSubject() {
        return Subject.active(LEE, new Assignment("a-lee", "staff", null, null, LEE_UNTIL, AssignmentSource.DIRECT));
    }

    static SubjectRelations patelRelations() {
        return SubjectRelations.builder(KEY, PATEL).tuple("assigned_provider", "patient", "123", null).build();
    }

    private static Map<String, Object> permission(String key) {
        return Map.of("key", key, "description", "d", "kind", "FUNCTIONAL");
    }

    private static Map<String, Object> role(String key, List<String> inherits, List<Map<String, Object>> grants) {
        return Map.of("key", key, "name", key, "description", "", "inherits", inherits, "grants", grants);
    }

    private static Map<String, Object> grant(String permission, String scope, String condition) {
        Map<String, Object> grant = new LinkedHashMap<>();
        grant.put("permission", permission);
        grant.put("scope", scope);
        if (condition != null) {
            grant.put("condition", condition);
        }
        return grant;
    }

    private static Map<String, Object> subject(long version, String id, String username, String status,
            List<Map<String, Object>> assignments) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("version", version);
        document.put("id", id);
        document.put("username", username);
        document.put("status", status);
        document.put("assignments", assignments);
        return document;
    }

    private static Map<String, Object> assignment(String id, String role, String location, Instant expiresAt,
            String source) {
        Map<String, Object> assignment = new LinkedHashMap<>();
        assignment.put("id", id);
        assignment.put("role", role);
        if (location != null) {
            assignment.put("location", location);
        }
        if (expiresAt != null) {
            assignment.put("expiresAt", expiresAt.toString());
        }
        assignment.put("source", source);
        return assignment;
    }
}
