package dev.gatehouse.server.outbound;

import java.util.List;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestOperations;
import org.springframework.web.client.RestTemplate;

/**
 * Spring Security's OAuth 2.0 client parts, wired to call out only through {@link OutboundHttp}
 * (OpenID Connect sign-in, package {@code oidcin}). Spring's clients are built on {@link RestClient}
 * and {@link RestTemplate}, which ArchitectureTest keeps inside this package: they are made here over
 * the guarded request factory and handed out as Spring Security's own interfaces, so no other
 * package holds an HTTP client that could skip the guard.
 */
@Component
public class OAuth2Clients {

    /** Token answers, JWK sets and userinfo documents are small; a larger answer is refused. */
    static final int MAX_BYTES = 1 << 20;

    private final OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCode;
    private final RestOperations rest;

    OAuth2Clients(OutboundHttp http) {
        GuardedRequests requests = new GuardedRequests(http, MAX_BYTES);
        // As Spring Security's default client (form out, token response in, OAuth errors mapped), over the guard.
        RestClient tokenClient = RestClient.builder()
                .requestFactory(requests)
                .messageConverters(List.of(new FormHttpMessageConverter(), new OAuth2AccessTokenResponseHttpMessageConverter()))
                .defaultStatusHandler(new OAuth2ErrorResponseErrorHandler())
                .build();
        RestClientAuthorizationCodeTokenResponseClient tokens = new RestClientAuthorizationCodeTokenResponseClient();
        tokens.setRestClient(tokenClient);
        this.authorizationCode = tokens;
        RestTemplate template = new RestTemplate(requests);
        template.setErrorHandler(new OAuth2ErrorResponseErrorHandler());
        this.rest = template;
    }

    /** The authorization code exchange at a provider's token endpoint (RFC 6749 §4.1.3, with PKCE's verifier). */
    public OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> authorizationCodeTokens() {
        return authorizationCode;
    }

    /** For Spring's JWK set retrieval (NimbusJwtDecoder) and userinfo (DefaultOAuth2UserService). */
    public RestOperations restOperations() {
        return rest;
    }
}
