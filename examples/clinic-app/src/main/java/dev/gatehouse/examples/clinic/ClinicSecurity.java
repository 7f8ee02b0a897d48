package dev.gatehouse.examples.clinic;

import dev.gatehouse.client.spring.Gatehouse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.oidc.web.logout.OidcClientInitiatedLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Two doors. The pages sign people in with OpenID Connect (authorization code with PKCE, for confidential
 * clients too) and sign them out everywhere through the issuer's end-session endpoint. The {@code /api/**}
 * door takes only Gatehouse access tokens, checked by the starter's decoder against the issuer's published
 * keys (JWKS) as RFC 9068 asks: signature, {@code typ: at+jwt}, issuer, expiry, and that the token was issued
 * to this application ({@code gatehouse.resource-server.audience}). Behind both, routes are guarded by
 * Gatehouse permissions decided in process ({@code gatehouse.permission(…)}); a denial is the starter's page
 * for a browser and a problem document for the API.
 */
@Configuration
class ClinicSecurity {

    static final String REGISTRATION = "gatehouse";

    @Bean
    ClientRegistrationRepository clientRegistrations(ClinicProperties clinic) {
        // Reads the issuer's discovery document at start: Gatehouse must be reachable then.
        ClientRegistration.Builder gatehouse = ClientRegistrations.fromIssuerLocation(clinic.issuer().toString())
                .registrationId(REGISTRATION)
                .clientId(clinic.clientId())
                .scope("openid", "profile", "email", "roles", "gatehouse.api")
                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}");
        if (clinic.confidential()) {
            gatehouse.clientSecret(clinic.clientSecret()).clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
        } else {
            gatehouse.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        }
        return new InMemoryClientRegistrationRepository(gatehouse.build());
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, Gatehouse gatehouse) {
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/api/patients").access(gatehouse.permission("patients.read"))
                        .anyRequest().authenticated())
                // The starter's decoder and authorities: the tenant's keys, RFC 9068, this app as the audience.
                .oauth2ResourceServer(server -> server.jwt(Customizer.withDefaults()))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // A bearer token is never sent by the browser on its own: nothing for CSRF to forge.
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pages(HttpSecurity http, ClientRegistrationRepository registrations, Gatehouse gatehouse) {
        DefaultOAuth2AuthorizationRequestResolver authorizationRequests =
                new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        // OAuth 2.1: PKCE on every authorization request, not only a public client's.
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        OidcClientInitiatedLogoutSuccessHandler everywhere = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        everywhere.setPostLogoutRedirectUri("{baseUrl}/signed-out");
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/", "/signed-out", "/error").permitAll()
                        .requestMatchers("/patients").access(gatehouse.permission("patients.read"))
                        .anyRequest().authenticated())
                .oauth2Login(login -> login.loginPage("/")
                        .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(authorizationRequests))
                        .defaultSuccessUrl("/me", true))
                .logout(logout -> logout.logoutSuccessHandler(everywhere));
        return http.build();
    }
}
