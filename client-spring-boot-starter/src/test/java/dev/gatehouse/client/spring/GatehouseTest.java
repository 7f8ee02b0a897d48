package dev.gatehouse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.NotFoundException;
import dev.gatehouse.client.UnavailableException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The {@code gatehouse} bean as views use it ({@code ${@gatehouse.can('patients.write')}}): for the signed-in user,
 * false for nobody, and a deny saying why when Gatehouse cannot answer, never an error page.
 */
class GatehouseTest {

    private final FakeDecisions decisions = new FakeDecisions();

    @AfterEach
    void signOut() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void canAnswersForTheSignedInUser() {
        decisions.grant("dr.patel", "appointments.write");
        signIn("dr.patel");
        Gatehouse gatehouse = new Gatehouse(decisions);

        assertThat(gatehouse.can("appointments.write")).isTrue();
        assertThat(gatehouse.can("patients.delete")).isFalse();
    }

    @Test
    void canNamesAResourceAndLocationOfAnyIdType() {
        decisions.grant("dr.patel", "patients.read on patient 123 at downtown");
        signIn("dr.patel");

        assertThat(new Gatehouse(decisions).can("patients.read", "patient", 123L, "downtown")).isTrue();
        assertThat(new Gatehouse(decisions).can("patients.read", "patient", 124L, "downtown")).isFalse();
    }

    @Test
    void nobodySignedInCanDoNothingAndGatehouseIsNotAsked() {
        SecurityContextHolder.getContext().setAuthentication(new AnonymousAuthenticationToken("anonymous", "anonymousUser",
                AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
        assertThat(new Gatehouse(decisions).can("appointments.write")).isFalse();
        SecurityContextHolder.clearContext();
        assertThat(new Gatehouse(decisions).can("appointments.write")).isFalse();
        assertThat(decisions.asked()).isEmpty();
    }

    @Test
    void aUserTheTenantDoesNotHaveIsDeniedSayingSo() {
        Gatehouse gatehouse = new Gatehouse(check -> {
            throw new NotFoundException("Not Found", "no user ghost", List.of());
        });
        PermissionDecision decision = gatehouse.decide(signedIn("ghost"), PermissionQuestion.of("patients.read"));

        assertThat(decision.granted()).isFalse();
        assertThat(decision.code()).isEqualTo(Gatehouse.UNKNOWN_USER);
        assertThat(decision.explanation()).isEqualTo("Gatehouse does not know ghost in this organisation.");
    }

    @Test
    void gatehouseUnreachableIsADenyNotAnError() {
        Gatehouse gatehouse = new Gatehouse(check -> {
            throw new UnavailableException(503, "Service Unavailable", null, null);
        });
        PermissionDecision decision = gatehouse.decide(signedIn("dr.patel"), PermissionQuestion.of("patients.read"));

        assertThat(decision.granted()).isFalse();
        assertThat(decision.code()).isEqualTo(Gatehouse.GATEHOUSE_UNAVAILABLE);
    }

    @Test
    void aRuleNamingAResourceTheRequestDidNotGiveIsDeniedWithoutAsking() {
        PermissionDecision decision = new Gatehouse(decisions).decide(signedIn("dr.patel"),
                new PermissionQuestion("patients.read", "patient", " ", null));

        assertThat(decision.code()).isEqualTo(Gatehouse.RESOURCE_NOT_GIVEN);
        assertThat(decision.explanation()).isEqualTo("The request did not say which patient it is about.");
        assertThat(decisions.asked()).isEmpty();
    }

    private static void signIn(String user) {
        SecurityContextHolder.getContext().setAuthentication(signedIn(user));
    }

    private static UsernamePasswordAuthenticationToken signedIn(String user) {
        return UsernamePasswordAuthenticationToken.authenticated(user, null, List.of());
    }
}
