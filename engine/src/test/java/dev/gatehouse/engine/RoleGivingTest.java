package dev.gatehouse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A caller's {@link RoleGiving}, asked many times (a bulk import): what it learns about one role or
 * place answers no other. Locations: {@code north} holds {@code downtown} and {@code uptown}.
 */
class RoleGivingTest {

    private static final Instant NOW = TestPolicies.NOW;

    private static final TenantPolicy POLICY = TenantPolicy.builder("t",
                    PermissionCatalog.ofKeys("patients.read", "patients.edit", "billing.read"))
            .locations(LocationTree.of(Location.root("north"), Location.under("north", "downtown"),
                    Location.under("north", "uptown")))
            .roles(List.of(
                    Role.of("manager", List.of(), List.of(new Grant("patients.*", Scope.LOCATION, null))),
                    Role.of("reader", List.of(), List.of(new Grant("patients.read", Scope.LOCATION, null))),
                    Role.of("owner", List.of(), List.of(new Grant("*", Scope.TENANT, null))),
                    Role.of("clerk", List.of(), List.of(new Grant("billing.read", Scope.LOCATION, null)))))
            .build();

    @Test
    void aRoleGivableAtOnePlaceIsNotGivableAtAnotherAskedAfterIt() {
        Profile manager = POLICY.compile(Subject.active("m", Assignment.at("a", "manager", "downtown")));
        RoleGiving giving = POLICY.giving(manager, NOW);

        assertThat(giving.beyond("reader", "downtown")).isEmpty();
        assertThat(giving.beyond("reader", "uptown")).containsExactly("patients.read");
        assertThat(giving.beyond("reader", "north")).containsExactly("patients.read");
        assertThat(giving.beyond("reader", null)).containsExactly("patients.read");
        assertThat(giving.beyond("reader", "downtown")).isEmpty();
        assertThat(giving.beyond("clerk", "downtown")).as("another role at the same place").containsExactly("billing.read");
    }

    @Test
    void aRoleRefusedTenantWideIsStillComparedAtEachPlace() {
        Profile manager = POLICY.compile(Subject.active("m", Assignment.at("a", "manager", "north")));
        RoleGiving giving = POLICY.giving(manager, NOW);

        assertThat(giving.beyond("reader", null)).containsExactly("patients.read");
        assertThat(giving.beyond("reader", "uptown")).isEmpty();
        assertThat(giving.beyond("owner", "uptown")).containsExactly("patients.read", "patients.edit", "billing.read");
    }

    @Test
    void eachCallerHasTheirOwnAnswers() {
        Profile owner = POLICY.compile(Subject.active("o", Assignment.tenantWide("a", "owner")));
        Profile reader = POLICY.compile(Subject.active("r", Assignment.tenantWide("a", "reader")));
        RoleGiving byOwner = POLICY.giving(owner, NOW);
        RoleGiving byReader = POLICY.giving(reader, NOW);

        assertThat(byOwner.beyond("manager", null)).isEmpty();
        assertThat(byReader.beyond("manager", null)).containsExactly("patients.edit");
        assertThat(byReader.beyond("manager", "downtown")).containsExactly("patients.edit");
        assertThat(byOwner.beyond("manager", "downtown")).isEmpty();
    }

    @Test
    void anApiKeyNarrowedToALocationGivesOnlyThere() {
        Profile owner = POLICY.compile(Subject.active("o", Assignment.tenantWide("a", "owner")));
        RoleGiving giving = POLICY.giving(owner.narrowedTo(List.of("*"), Set.of("uptown")), NOW);

        assertThat(giving.beyond("reader", "uptown")).isEmpty();
        assertThat(giving.beyond("reader", "downtown")).containsExactly("patients.read");
        assertThat(giving.beyond("reader", null)).containsExactly("patients.read");
    }

    @Test
    void anInactiveCallerGivesNothingAndAnUnknownRoleIsRefused() {
        Profile locked = POLICY.compile(Subject.active("o", Assignment.tenantWide("a", "owner"))
                .withStatus(SubjectStatus.LOCKED));
        RoleGiving giving = POLICY.giving(locked, NOW);

        assertThat(giving.beyond("manager", "downtown")).containsExactly("patients.read", "patients.edit");
        assertThatThrownBy(() -> giving.beyond("nobody", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWildcardIsWorkedOutOncePerCatalogAndAnswersAsBefore() {
        PermissionCatalog catalog = POLICY.catalog();
        int[] first = catalog.idsCoveredBy("patients.*");

        assertThat(catalog.idsCoveredBy("patients.*")).isSameAs(first).containsExactly(0, 1);
        assertThat(catalog.idsCoveredBy("*")).containsExactly(0, 1, 2);
        assertThat(catalog.idsCoveredBy("billing.*")).containsExactly(2);
        assertThat(PermissionCatalog.ofKeys("patients.read").idsCoveredBy("patients.*")).containsExactly(0);
    }
}
