package dev.gatehouse.examples.clinic;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.stereotype.Component;

/**
 * Refreshes now rather than when the access token expires (which Spring Security's client does by itself),
 * so the page can show a refresh happen: Gatehouse rotates the refresh token on every use, so both tokens
 * are replaced and the old refresh token must never be sent again.
 */
@Component
class TokenRefresh {

    private final OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> tokenEndpoint =
            new RestClientRefreshTokenTokenResponseClient();
    private final OAuth2AuthorizedClientRepository authorizedClients;

    TokenRefresh(OAuth2AuthorizedClientRepository authorizedClients) {
        this.authorizedClients = authorizedClients;
    }

    /** The new tokens, kept for the session; an issuer's refusal ({@code invalid_grant}) is thrown as it came. */
    OAuth2AuthorizedClient refresh(OAuth2AuthorizedClient current, Authentication signedIn, HttpServletRequest request,
            HttpServletResponse response) {
        OAuth2RefreshToken refreshToken = current.getRefreshToken();
        if (refreshToken == null) {
            throw new OAuth2AuthorizationException(new OAuth2Error(
                    "no_refresh_token", "Gatehouse gave this sign-in no refresh token (the client lacks the refresh_token grant)",
                    null));
        }
        OAuth2AccessTokenResponse answer = tokenEndpoint.getTokenResponse(
                new OAuth2RefreshTokenGrantRequest(current.getClientRegistration(), current.getAccessToken(), refreshToken));
        OAuth2RefreshToken next = answer.getRefreshToken() != null ? answer.getRefreshToken() : refreshToken;
        OAuth2AuthorizedClient refreshed = new OAuth2AuthorizedClient(current.getClientRegistration(), current.getPrincipalName(),
                answer.getAccessToken(), next);
        authorizedClients.saveAuthorizedClient(refreshed, signedIn, request, response);
        return refreshed;
    }
}
