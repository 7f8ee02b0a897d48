package dev.gatehouse.examples.clinic;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
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
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Two doors. The pages sign people in with OpenID Connect (authorization code with PKCE, for confidential
 * clients too) and sign them out everywhere through the issuer's end-session endpoint. The {@code /api/**}
 * door takes only Gatehouse access tokens, checked against the issuer's published keys (JWKS) as RFC 9068
 * asks: signature, {@code typ: at+jwt}, issuer, expiry, and that the token was issued to this application.
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
    JwtDecoder accessTokens(ClinicProperties clinic) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(clinic.issuer().toString()).build();
        decoder.setJwtValidator(JwtValidators.createAtJwtValidator()
                .issuer(clinic.issuer().toString())
                // Gatehouse's access tokens name the client they were issued to as their audience and client_id.
                .audience(clinic.clientId())
                .clientId(clinic.clientId())
                .build());
        return decoder;
    }

    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, JwtDecoder accessTokens) {
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(server -> server.jwt(jwt -> jwt.decoder(accessTokens)))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                // A bearer token is never sent by the browser on its own: nothing for CSRF to forge.
                .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain pages(HttpSecurity http, ClientRegistrationRepository registrations) {
        DefaultOAuth2AuthorizationRequestResolver authorizationRequests =
                new DefaultOAuth2AuthorizationRequestResolver(registrations, "/oauth2/authorization");
        // OAuth 2.1: PKCE on every authorization request, not only a public client's.
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        OidcClientInitiatedLogoutSuccessHandler everywhere = new OidcClientInitiatedLogoutSuccessHandler(registrations);
        everywhere.setPostLogoutRedirectUri("{baseUrl}/signed-out");
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/", "/signed-out", "/error").permitAll()
                        .anyRequest().authenticated())
                .oauth2Login(login -> login.loginPage("/")
                        .authorizationEndpoint(endpoint -> endpoint.authorizationRequestResolver(authorizationRequests))
                        .defaultSuccessUrl("/me", true))
                .logout(logout -> logout.logoutSuccessHandler(everywhere));
        return http.build();
    }
}
