package dev.gatehouse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * A Gatehouse token's {@code roles} claim as authorities, and its {@code sub} as the principal's name: for an access
 * token (resource server) and an ID token (an OpenID Connect sign-in).
 */
class RoleAuthoritiesTest {

    @Test
    void aTenantWideRoleIsARoleAuthority() {
        assertThat(names(List.of(Map.of("role", "admin")))).containsExactly("ROLE_admin");
    }

    @Test
    void aRoleHeldAtALocationAlsoNamesTheLocation() {
        assertThat(names(List.of(Map.of("role", "provider", "location", "downtown"), Map.of("role", "staff", "location", "downtown"))))
                .containsExactly("ROLE_provider", "ROLE_provider@downtown", "LOCATION_downtown", "ROLE_staff", "ROLE_staff@downtown");
    }

    @Test
    void aMissingOrMalformedClaimGivesNoAuthorities() {
        assertThat(names(null)).isEmpty();
        assertThat(names("provider")).isEmpty();
        assertThat(names(List.of("provider", Map.of("location", "downtown"), Map.of("role", "")))).isEmpty();
    }

    @Test
    void theStartersConverterNamesThePrincipalBySubjectAndMapsTheRoles() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(GatehouseAutoConfiguration.class, GatehouseResourceServerAutoConfiguration.class))
                .withPropertyValues("gatehouse.url=http://127.0.0.1:9", "gatehouse.tenant=northside", "gatehouse.api-key=ghk_test",
                    "gatehouse.local.enabled=false")
                .run(context -> {
                    Jwt token = TestTokens.decoder().decode("7d9e5c1a-0000-4000-8000-000000000001");
                    AbstractAuthenticationToken signedIn = context.getBean(JwtAuthenticationConverter.class).convert(token);
                    assertThat(signedIn.getName()).isEqualTo("7d9e5c1a-0000-4000-8000-000000000001");
                    assertThat(signedIn.getAuthorities()).extracting(GrantedAuthority::getAuthority)
                            .contains("ROLE_provider", "ROLE_provider@downtown", "LOCATION_downtown");
                });
    }

    @Test
    void anOpenIdConnectSignInKeepsItsAuthoritiesAndGainsTheIdTokensRoles() {
        OidcIdToken idToken = OidcIdToken.withTokenValue("id-token").subject("7d9e5c1a-0000-4000-8000-000000000001")
                .claim(RoleAuthorities.CLAIM, List.of(Map.of("role", "front_desk", "location", "uptown")))
                .issuedAt(Instant.parse("2026-01-01T00:00:00Z")).expiresAt(Instant.parse("2026-01-01T00:05:00Z")).build();
        List<GrantedAuthority> given = List.of(new OidcUserAuthority(idToken), new SimpleGrantedAuthority("SCOPE_openid"));

        assertThat(GatehouseLoginAutoConfiguration.withRoles(given)).extracting(GrantedAuthority::getAuthority)
                .containsExactly("OIDC_USER", "SCOPE_openid", "ROLE_front_desk", "ROLE_front_desk@uptown", "LOCATION_uptown");
    }

    private static List<String> names(Object claim) {
        return RoleAuthorities.of(claim).stream().map(GrantedAuthority::getAuthority).toList();
    }
}
