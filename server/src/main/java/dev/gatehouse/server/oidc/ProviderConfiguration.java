package dev.gatehouse.server.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import dev.gatehouse.server.authentication.SessionResolver;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.OpenTenants;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.throttling.Throttle;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.authentication.ClientSecretAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2AccessTokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Spring Authorization Server as one OpenID Connect provider per tenant: issuers
 * {@code {publicUrl}/oauth2/{tenant}} (multiple issuers on one host), each with its endpoints
 * under it — {@code .well-known/openid-configuration}, {@code jwks}, {@code authorize},
 * {@code token}, {@code introspect}, {@code revoke}, {@code userinfo}, {@code logout}. Its own
 * filter chain, ahead of the API's and the console's. Clients, authorizations, keys and claims are
 * Gatehouse's ({@link TenantClients}, {@link Authorizations}, {@link SigningKeys},
 * {@link TokenClaims}); the user signs in on the console's own sign-in page
 * ({@link ConsoleSignIn}).
 */
@Configuration(proxyBeanMethods = false)
class ProviderConfiguration {

    /** Grants the provider does not offer (token exchange is on by default in the server). */
    private static final Set<String> OFFERED_GRANTS = Set.of(AuthorizationGrantType.AUTHORIZATION_CODE.getValue(),
            AuthorizationGrantType.REFRESH_TOKEN.getValue(), AuthorizationGrantType.CLIENT_CREDENTIALS.getValue());

    /** The console's consent screen (console.ConsentController), in the console's layout. */
    static final String CONSENT_PAGE = "/console/consent";

    @Bean
    AuthorizationServerSettings authorizationServerSettings() {
        return AuthorizationServerSettings.builder()
                .multipleIssuersAllowed(true)
                .authorizationEndpoint("/authorize")
                .tokenEndpoint("/token")
                .jwkSetEndpoint("/jwks")
                .tokenIntrospectionEndpoint("/introspect")
                .tokenRevocationEndpoint("/revoke")
                .oidcUserInfoEndpoint("/userinfo")
                .oidcLogoutEndpoint("/logout")
                .build();
    }

    @Bean
    @Order(0)
    SecurityFilterChain oidc(HttpSecurity http, TenantClients clients, Authorizations authorizations,
            SigningKeys keys, AuthorizationServerSettings settings, OpenTenants tenants, PublicUrl publicUrl,
            SessionResolver sessions, ConsoleSignIn signIn, ProviderLogout endSession, Consents consents,
            Throttle throttle, TenantSettingsStore tenantSettings, TokenClaims claims) throws Exception {
        JWKSource<SecurityContext> published = (selector, context) -> selector.select(keys.published());
        JWKSource<SecurityContext> signing = (selector, context) -> selector.select(new JWKSet(keys.signing()));
        JwtEncoder encoder = new NimbusJwtEncoder(signing);
        http.setSharedObject(JwtEncoder.class, encoder);
        // The server's own generators, but refresh tokens that name their family (RefreshFamilies).
        JwtGenerator tokens = new JwtGenerator(encoder);
        tokens.setJwtCustomizer(claims);
        http.setSharedObject(OAuth2TokenGenerator.class,
                new DelegatingOAuth2TokenGenerator(tokens, new OAuth2AccessTokenGenerator(), new RefreshFamilies()));
        http.setSharedObject(JWKSource.class, published);
        OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
        RequestMatcher authorize = request -> request.getRequestURI().matches("/oauth2/[^/]+/authorize");
        return http
                .securityMatcher("/oauth2/**")
                .with(server, provider -> provider
                        .registeredClientRepository(clients)
                        .authorizationService(authorizations)
                        .authorizationServerSettings(settings)
                        .authorizationConsentService(consents)
                        .authorizationEndpoint(endpoint -> endpoint.consentPage(CONSENT_PAGE))
                        .clientAuthentication(client -> client.authenticationProviders(providers -> providers
                                .forEach(each -> {
                                    if (each instanceof ClientSecretAuthenticationProvider secrets) {
                                        secrets.setPasswordEncoder(new ClientSecrets());
                                    }
                                })))
                        .oidc(oidc -> oidc
                                .providerConfigurationEndpoint(discovery -> discovery.providerConfigurationCustomizer(
                                        document -> document.grantTypes(grants -> grants.retainAll(OFFERED_GRANTS))))
                                .userInfoEndpoint(userInfo -> userInfo.userInfoMapper(ProviderConfiguration::userInfo))
                                .logoutEndpoint(logout -> logout.logoutResponseHandler(endSession))))
                .addFilterBefore(new TenantIssuer(tenants, publicUrl, settings), HeaderWriterFilter.class)
                // Early: the server's authorize-request validating filter reads the principal before the
                // authentication filters' place in the chain.
                .addFilterAfter(signIn.filter(sessions, authorize), HeaderWriterFilter.class)
                .addFilterAfter(new ClientThrottle(throttle, tenantSettings), HeaderWriterFilter.class)
                .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
                .oauth2ResourceServer(resource -> resource.jwt(jwt -> jwt.decoder(accessTokens(published))))
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .exceptionHandling(errors -> errors.defaultAuthenticationEntryPointFor(
                        (request, response, e) -> response.sendRedirect(signIn.signInUrl(request)), authorize))
                .build();
    }

    /** The userinfo endpoint's decoder: this server's RFC 9068 access tokens only ({@code typ: at+jwt}). */
    private static NimbusJwtDecoder accessTokens(JWKSource<SecurityContext> published) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(published)
                .jwtProcessorCustomizer(processor -> processor.setJWSTypeVerifier(
                        new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt"))))
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
                new JwtTypeValidator("at+jwt")));
        return decoder;
    }

    /** Userinfo answers what the ID token says of the user (the claims {@link TokenClaims} put there). */
    private static OidcUserInfo userInfo(OidcUserInfoAuthenticationContext context) {
        OAuth2Authorization.Token<OidcIdToken> idToken = context.getAuthorization().getToken(OidcIdToken.class);
        Map<String, Object> claims = idToken == null ? new LinkedHashMap<>()
                : new LinkedHashMap<>(idToken.getToken().getClaims());
        claims.keySet().removeAll(Set.of("iss", "aud", "exp", "iat", "nbf", "jti", "azp", "nonce", "at_hash", "sid",
                "auth_time", "amr"));
        claims.putIfAbsent("sub", context.getAuthorization().getPrincipalName());
        return new OidcUserInfo(claims);
    }

    static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
