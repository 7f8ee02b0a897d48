package dev.gatehouse.server.oidcin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.identityproviders.ExternalIdentity;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.outbound.OAuth2Clients;
import dev.gatehouse.server.shared.PublicUrl;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.authentication.OAuth2LoginAuthenticationToken;
import org.springframework.security.oauth2.client.oidc.authentication.OidcAuthorizationCodeAuthenticationProvider;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenDecoderFactory;
import org.springframework.security.oauth2.client.oidc.authentication.OidcIdTokenValidator;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.userinfo.DefaultOAuth2UserService;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.stereotype.Component;

/**
 * A sign-in through an external OpenID Connect provider, with Spring Security's OAuth 2.0 client
 * doing the protocol: a {@link ClientRegistration} built from the registry and the provider's
 * discovery document; the authorization request (state, nonce, PKCE S256) from
 * {@link DefaultOAuth2AuthorizationRequestResolver}; the code exchange, ID token validation
 * (signature from the JWK set, issuer, audience, expiry, nonce) and userinfo from
 * {@link OidcAuthorizationCodeAuthenticationProvider} — every call out through {@code outbound}.
 * What is left here is the tenant's business: the presets' claim quirks and the identity handed to
 * provisioning.
 */
@Component
class OidcSignIn {

    private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);
    /** RFC 8176 methods that are, or include, a factor beyond a password. */
    private static final List<String> MULTI_FACTOR_METHODS = List.of("mfa", "mca", "hwk", "otp", "fido", "sc", "sms");
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** How a callback ended. */
    sealed interface Result {
        /** The provider proved who the browser is. */
        record Proved(ExternalIdentity identity, boolean multiFactor, String idToken) implements Result {}

        /** Not signed in, and why in words for the sign-in page. */
        record Refused(String message) implements Result {}
    }

    private final DiscoveryDocuments discovery;
    private final OAuth2Clients oauth2;
    private final PublicUrl publicUrl;
    private final OidcAuthorizationCodeAuthenticationProvider codes;
    private final Cache<String, JwtDecoder> decoders = Caffeine.newBuilder().maximumSize(1_000)
            .expireAfterWrite(DiscoveryDocuments.FRESH).build();

    OidcSignIn(DiscoveryDocuments discovery, OAuth2Clients oauth2, PublicUrl publicUrl) {
        this.discovery = discovery;
        this.oauth2 = oauth2;
        this.publicUrl = publicUrl;
        DefaultOAuth2UserService userInfo = new DefaultOAuth2UserService();
        userInfo.setRestOperations(oauth2.restOperations());
        OidcUserService users = new OidcUserService();
        users.setOauth2UserService(userInfo);
        this.codes = new OidcAuthorizationCodeAuthenticationProvider(oauth2.authorizationCodeTokens(), users);
        this.codes.setJwtDecoderFactory(idTokenDecoders());
    }

    /** Where the browser goes to sign in at the provider, with a new state, nonce and PKCE challenge. */
    OAuth2AuthorizationRequest authorizationRequest(IdentityProvider provider, HttpServletRequest request)
            throws DiscoveryDocuments.Failed {
        ClientRegistration registration = registration(provider);
        DefaultOAuth2AuthorizationRequestResolver resolver = new DefaultOAuth2AuthorizationRequestResolver(
                id -> registration.getRegistrationId().equals(id) ? registration : null, OidcSignInController.BASE);
        // PKCE (RFC 7636, S256) for every client, confidential ones too (OAuth 2.1; RFC 9700 §2.1.1).
        resolver.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        OAuth2AuthorizationRequest authorization = resolver.resolve(request, registration.getRegistrationId());
        if (authorization == null) {
            throw new DiscoveryDocuments.Failed("could not be asked to sign in");
        }
        return authorization;
    }

    /** The callback's answer checked against the request it answers; the identity when the provider proved it. */
    Result finish(IdentityProvider provider, OAuth2AuthorizationRequest authorization, Map<String, String> answer) {
        ClientRegistration registration;
        try {
            registration = registration(provider);
        } catch (DiscoveryDocuments.Failed e) {
            log.warn("OIDC provider {} of tenant {}: {}", provider.id(), provider.tenantSlug(), e.getMessage());
            return new Result.Refused(provider.name() + " cannot be reached just now. Try again in a few minutes.");
        }
        String error = answer.get("error");
        OAuth2AuthorizationResponse response;
        if (error != null) {
            String code = ERROR_CODE.matcher(error).matches() ? error : "invalid_response";
            return new Result.Refused(provider.name() + " did not sign you in (" + code + ").");
        }
        String code = answer.get("code");
        if (code == null || code.isBlank()) {
            return new Result.Refused(provider.name() + " sent no answer Gatehouse could use. Try again.");
        }
        response = OAuth2AuthorizationResponse.success(code).redirectUri(authorization.getRedirectUri())
                .state(answer.get("state")).build();
        OidcUser user;
        try {
            OAuth2LoginAuthenticationToken proved = (OAuth2LoginAuthenticationToken) codes.authenticate(
                    new OAuth2LoginAuthenticationToken(registration, new OAuth2AuthorizationExchange(authorization,
                            response)));
            user = (OidcUser) proved.getPrincipal();
        } catch (OAuth2AuthenticationException | OAuth2AuthorizationException e) {
            String reason = e instanceof OAuth2AuthenticationException refused ? refused.getError().getErrorCode()
                    : ((OAuth2AuthorizationException) e).getError().getErrorCode();
            log.info("OIDC sign-in through provider {} of tenant {} refused: {}", provider.id(), provider.tenantSlug(),
                    e.getMessage());
            return new Result.Refused("The sign-in through " + provider.name() + " could not be verified ("
                    + (ERROR_CODE.matcher(reason).matches() ? reason : "invalid_response") + ").");
        } catch (AuthenticationException | IllegalArgumentException | IllegalStateException
                | org.springframework.web.client.RestClientException e) {
            log.warn("OIDC sign-in through provider {} of tenant {} failed", provider.id(), provider.tenantSlug(), e);
            return new Result.Refused("The sign-in through " + provider.name() + " could not be verified.");
        }
        OidcSettings settings = settings(provider);
        Map<String, Object> claims = user.getClaims();
        if (!inHostedDomain(settings, claims)) {
            return new Result.Refused("This Google account is not one of " + settings.hostedDomain()
                    + "'s. Sign in with your work account.");
        }
        return new Result.Proved(Identities.of(provider, settings, claims), multiFactor(claims),
                user.getIdToken().getTokenValue());
    }

    /** The provider's registration as Spring's client knows it, with endpoints from a fresh-enough discovery. */
    ClientRegistration registration(IdentityProvider provider) throws DiscoveryDocuments.Failed {
        OidcSettings settings = settings(provider);
        Discovered discovered = discovery.of(settings.issuer());
        Map<String, Object> metadata = new HashMap<>();
        if (discovered.endSessionEndpoint() != null) {
            metadata.put("end_session_endpoint", discovered.endSessionEndpoint());
        }
        metadata.put("id_token_signing_alg_values_supported", discovered.signingAlgorithms());
        List<String> methods = discovered.tokenAuthMethods();
        ClientAuthenticationMethod authentication = !methods.isEmpty() && !methods.contains("client_secret_basic")
                && methods.contains("client_secret_post") ? ClientAuthenticationMethod.CLIENT_SECRET_POST
                : ClientAuthenticationMethod.CLIENT_SECRET_BASIC;
        ClientRegistration.Builder builder = ClientRegistration.withRegistrationId(provider.id().toString())
                .clientName(provider.name())
                .clientId(settings.clientId())
                .clientSecret(provider.secrets().getOrDefault(OidcProtocol.CLIENT_SECRET, ""))
                .clientAuthenticationMethod(authentication)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri(redirectUri(provider.tenantSlug(), provider.id()))
                .scope(settings.scopes())
                .authorizationUri(discovered.authorizationEndpoint())
                .tokenUri(discovered.tokenEndpoint())
                .jwkSetUri(discovered.jwksUri())
                .issuerUri(settings.issuer())
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .providerConfigurationMetadata(metadata);
        if (discovered.userinfoEndpoint() != null) {
            builder.userInfoUri(discovered.userinfoEndpoint());
        }
        return builder.build();
    }

    /** The provider's end_session_endpoint (RP-Initiated Logout), or null when it has none. */
    @org.jspecify.annotations.Nullable String endSessionEndpoint(IdentityProvider provider) throws DiscoveryDocuments.Failed {
        return discovery.of(settings(provider).issuer()).endSessionEndpoint();
    }

    /** The redirect URI to register at the provider. */
    String redirectUri(String tenantSlug, UUID providerId) {
        return publicUrl.base() + OidcSignInController.BASE + "/" + tenantSlug + "/" + providerId + "/callback";
    }

    static OidcSettings settings(IdentityProvider provider) {
        List<dev.gatehouse.server.shared.FieldError> errors = new java.util.ArrayList<>();
        OidcSettings settings = OidcSettings.read(provider.preset(), provider.config(), errors);
        if (settings == null) {
            // Saved configs passed the same check; one that no longer does is a broken row, not a sign-in's fault.
            throw new IllegalStateException("OIDC provider " + provider.id() + " has invalid settings: " + errors);
        }
        return settings;
    }

    /**
     * Google: any Google account can sign in to a client; only the Workspace's own have its domain in
     * {@code hd} (Google's documentation: check hd, not the e-mail's domain). Other presets: always.
     */
    static boolean inHostedDomain(OidcSettings settings, Map<String, Object> claims) {
        if (!OidcSettings.GOOGLE.equals(settings.preset())) {
            return true;
        }
        return claims.get("hd") instanceof String domain && domain.equalsIgnoreCase(settings.hostedDomain());
    }

    static boolean multiFactor(Map<String, Object> claims) {
        Object amr = claims.get("amr");
        if (amr instanceof java.util.Collection<?> methods) {
            return methods.stream().anyMatch(method -> method instanceof String name
                    && MULTI_FACTOR_METHODS.contains(name.toLowerCase(java.util.Locale.ROOT)));
        }
        return false;
    }

    /**
     * ID token decoders per provider, as Spring's {@link OidcIdTokenDecoderFactory} makes them (its claim
     * converters, {@link OidcIdTokenValidator} for issuer, audience, authorized party and times) but
     * fetching the JWK set through the guard, which the factory cannot be told to. Remade when the
     * registration's issuer, client or keys location changes, and every few minutes.
     */
    private JwtDecoderFactory<ClientRegistration> idTokenDecoders() {
        return registration -> {
            String jwks = registration.getProviderDetails().getJwkSetUri();
            Object listed = registration.getProviderDetails().getConfigurationMetadata()
                    .get("id_token_signing_alg_values_supported");
            List<SignatureAlgorithm> algorithms = listed instanceof List<?> names ? names.stream()
                    .map(name -> SignatureAlgorithm.from(String.valueOf(name))).filter(java.util.Objects::nonNull)
                    .toList() : List.of();
            String key = registration.getRegistrationId() + " " + registration.getProviderDetails().getIssuerUri()
                    + " " + registration.getClientId() + " " + jwks + " " + algorithms;
            return decoders.get(key, unused -> {
                NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(jwks)
                        .jwsAlgorithms(allowed -> {
                            allowed.add(SignatureAlgorithm.RS256);
                            allowed.addAll(algorithms);
                        })
                        .restOperations(oauth2.restOperations())
                        .build();
                decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
                        new OidcIdTokenValidator(registration)));
                decoder.setClaimSetConverter(OidcIdTokenDecoderFactory.createDefaultClaimTypeConverter());
                return decoder;
            });
        };
    }
}
