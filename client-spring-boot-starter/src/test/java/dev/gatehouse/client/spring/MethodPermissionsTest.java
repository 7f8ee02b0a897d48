package dev.gatehouse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * {@link RequiresPermission} on an application's beans, with no {@code @EnableMethodSecurity}: decided before the
 * call, the resource and location bound from the arguments by name, position or property.
 */
class MethodPermissionsTest {

    /** What a clinic's service might guard. */
    static class Patients {

        @RequiresPermission(value = "patients.read", resourceType = "patient", resourceId = "#patientId", location = "#location")
        String chart(String patientId, @Nullable String location) {
            return "chart of " + patientId;
        }

        @RequiresPermission(value = "visits.write", resourceType = "patient", resourceId = "#visit.patientId", location = "#p1")
        String book(Visit visit, String location) {
            return "booked " + visit.patientId();
        }

        String notGuarded() {
            return "anyone";
        }
    }

    record Visit(String patientId) {}

    /** A resource type without the argument naming the resource: a mistake to say, not a question to ask. */
    static class Misconfigured {

        @RequiresPermission(value = "patients.read", resourceType = "patient")
        String chart(String patientId) {
            return "chart of " + patientId;
        }
    }

    /** Every method of the class needs the permission. */
    @RequiresPermission("reports.read")
    static class Reports {

        String monthly() {
            return "report";
        }
    }

    private final FakeDecisions decisions = new FakeDecisions();
    private final ApplicationContextRunner application = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GatehouseAutoConfiguration.class))
            .withPropertyValues("gatehouse.url=http://127.0.0.1:9", "gatehouse.tenant=northside", "gatehouse.api-key=ghk_test",
                    "gatehouse.local.enabled=false")
            .withBean(DecisionSource.class, () -> decisions)
            .withBean(Patients.class)
            .withBean(Reports.class)
            .withBean(Misconfigured.class);

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void theResourceAndLocationAreBoundFromTheArgumentsByName() {
        decisions.grant("dr.patel", "patients.read on patient 123 at downtown");
        signIn("dr.patel");
        application.run(context -> {
            Patients patients = context.getBean(Patients.class);
            assertThat(patients.chart("123", "downtown")).isEqualTo("chart of 123");
            assertThatThrownBy(() -> patients.chart("456", "downtown")).isInstanceOf(AuthorizationDeniedException.class);
            assertThat(decisions.asked()).containsExactly("dr.patel: patients.read on patient 123 at downtown",
                    "dr.patel: patients.read on patient 456 at downtown");
        });
    }

    @Test
    void aNullLocationArgumentAsksWithoutALocation() {
        decisions.grant("dr.patel", "patients.read on patient 123");
        signIn("dr.patel");
        application.run(context -> assertThat(context.getBean(Patients.class).chart("123", null)).isEqualTo("chart of 123"));
    }

    @Test
    void anArgumentsPropertyAndPositionBindToo() {
        decisions.grant("nurse.jo", "visits.write on patient 77 at uptown");
        signIn("nurse.jo");
        application.run(context -> assertThat(context.getBean(Patients.class).book(new Visit("77"), "uptown")).isEqualTo("booked 77"));
    }

    @Test
    void aDenialCarriesGatehousesDecision() {
        signIn("dr.patel");
        application.run(context -> assertThatThrownBy(() -> context.getBean(Patients.class).chart("123", "downtown"))
                .isInstanceOfSatisfying(AuthorizationDeniedException.class, denied -> assertThat(denied.getAuthorizationResult())
                        .isEqualTo(new PermissionDecision(false, "dr.patel", "patients.read", "patient", "123", "downtown",
                                FakeDecisions.DENIED, "dr.patel holds no role that grants patients.read."))));
    }

    @Test
    void aClassAnnotationGuardsEveryMethodAndUnannotatedMethodsAreNotAsked() {
        signIn("dr.patel");
        application.run(context -> {
            assertThat(context.getBean(Patients.class).notGuarded()).isEqualTo("anyone");
            assertThatThrownBy(() -> context.getBean(Reports.class).monthly()).isInstanceOf(AuthorizationDeniedException.class);
            decisions.grant("dr.patel", "reports.read");
            assertThat(context.getBean(Reports.class).monthly()).isEqualTo("report");
            assertThat(decisions.asked()).containsExactly("dr.patel: reports.read", "dr.patel: reports.read");
        });
    }

    @Test
    void nobodySignedInIsDeniedWithoutAskingGatehouse() {
        SecurityContextHolder.getContext().setAuthentication(new AnonymousAuthenticationToken("anonymous", "anonymousUser",
                AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
        application.run(context -> {
            assertThatThrownBy(() -> context.getBean(Reports.class).monthly())
                    .isInstanceOfSatisfying(AuthorizationDeniedException.class, denied -> assertThat(
                            ((PermissionDecision) denied.getAuthorizationResult()).code()).isEqualTo(Gatehouse.NOT_SIGNED_IN));
            assertThat(decisions.asked()).isEmpty();
        });
    }

    @Test
    void aResourceTypeWithoutItsIdIsRefusedNamingTheMethod() {
        signIn("dr.patel");
        application.run(context -> {
            assertThatThrownBy(() -> context.getBean(Misconfigured.class).chart("123"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("chart").hasMessageContaining("without resourceId");
            assertThat(decisions.asked()).isEmpty();
        });
    }

    private static void signIn(String user) {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null, List.of()));
    }
}
