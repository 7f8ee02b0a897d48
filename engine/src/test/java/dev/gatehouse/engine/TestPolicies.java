package dev.gatehouse.engine;

import java.time.Instant;
import java.util.List;

/**
 * A small synthetic tenant, "acme", with one role per rule of docs/access-model.md, so that a
 * decision table row names the rule it exercises through the role it uses.
 *
 * <p>Locations: {@code north} (a region) holds {@code downtown} and {@code uptown};
 * {@code downtown} holds {@code room-1}; {@code south} holds {@code harbor}.
 */
final class TestPolicies {

    static final String ACME = "acme";
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    /** Holds {@link ConditionEvaluator.Outcome.Holds} for every condition: a language that always agrees. */
    static final ConditionEvaluator ALWAYS_HOLDS = (condition, subject, resource, at, context) -> ConditionEvaluator.HOLDS;

    /** A stand-in for a condition language: {@code amount < 500} reads the resource's {@code amount}. */
    static final ConditionEvaluator AMOUNT_BELOW_500 = (condition, subject, resource, at, context) -> {
        if (resource == null || !(resource.attributes().get("amount") instanceof Integer amount)) {
            return new ConditionEvaluator.Outcome.Unevaluable("the resource has no amount");
        }
        return amount < 500 ? ConditionEvaluator.HOLDS : new ConditionEvaluator.Outcome.Fails(amount + " is not < 500");
    };

    private TestPolicies() {}

    static PermissionCatalog catalog() {
        return PermissionCatalog.ofKeys(
                "patients.read", "patients.create", "patients.edit", "patients.delete", "patients.export",
                // Shares a prefix with patients but is another resource: patients.* must not reach it.
                "patientsx.read",
                "records.read", "records.edit",
                "invoices.read", "invoices.approve",
                "reports.view",
                "widgets.dashboard.billing",
                "pages.settings");
    }

    static LocationTree locations() {
        return LocationTree.of(
                Location.root("north"),
                Location.under("north", "downtown"),
                Location.under("downtown", "room-1"),
                Location.under("north", "uptown"),
                Location.root("south"),
                Location.under("south", "harbor"));
    }

    static List<Role> roles() {
        return List.of(
                role("owner", Grant.of("*")),
                role("patient_admin", Grant.of("patients.*")),
                role("reader_own", Grant.of("patients.read", Scope.OWN)),
                role("reader_assigned", Grant.of("patients.read", Scope.ASSIGNED)),
                role("reader_location", Grant.of("patients.read", Scope.LOCATION)),
                role("reader_tenant", Grant.of("patients.read", Scope.TENANT)),
                role("biller", Grant.of("invoices.read", Scope.LOCATION)),
                // Multiple inheritance: a clinician reads patients at their location and their assigned
                // records; a clinician_biller holds the union of clinician and biller.
                inheriting("clinician", List.of("reader_location"), Grant.of("records.read", Scope.ASSIGNED)),
                inheriting("clinician_biller", List.of("clinician", "biller")),
                // A diamond: top reaches base through both left and right.
                role("base", Grant.of("reports.view")),
                inheriting("left", List.of("base"), Grant.of("records.edit", Scope.OWN)),
                inheriting("right", List.of("base"), Grant.of("invoices.approve", Scope.LOCATION)),
                inheriting("top", List.of("left", "right")),
                role("approver", new Grant("invoices.approve", Scope.TENANT, new Condition("resource.amount < 500"))),
                role("dashboard_viewer", Grant.of("widgets.*"), Grant.of("pages.settings", Scope.OWN)));
    }

    /** The acme tenant, active, with {@link ConditionEvaluator#NONE}. */
    static TenantPolicy.Builder acme() {
        return tenant(ACME);
    }

    /** The same roles, catalog and locations under another tenant id. */
    static TenantPolicy.Builder tenant(String tenant) {
        return TenantPolicy.builder(tenant, catalog()).locations(locations()).roles(roles());
    }

    /** acme with {@code changed} in place of its role of the same key: a tenant admin edited it. */
    static TenantPolicy.Builder acmeWith(Role changed) {
        return acmeWithout(changed.key()).role(changed);
    }

    /** acme without the role {@code key}: a tenant admin deleted it. */
    static TenantPolicy.Builder acmeWithout(String key) {
        return TenantPolicy.builder(ACME, catalog()).locations(locations())
                .roles(roles().stream().filter(role -> !role.key().equals(key)).toList());
    }

    static Role role(String key, Grant... grants) {
        return Role.of(key, List.of(), List.of(grants));
    }

    static Role inheriting(String key, List<String> parents, Grant... grants) {
        return Role.of(key, parents, List.of(grants));
    }
}
