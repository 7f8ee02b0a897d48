package dev.gatehouse.server.oidc;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.stereotype.Component;

/**
 * The authorization server's view of the clients: only those of the tenant whose issuer the
 * request reached ({@link TenantIssuer}), and only active ones — a client of tenant A is never
 * found through tenant B's issuer, and a disabled client authenticates nowhere. Clients are
 * registered through {@code …/clients} ({@link OidcClients}), never by the server itself.
 *
 * <p>Every client must use PKCE with S256 (OAuth 2.1; required for public clients, and asked of
 * confidential ones too, at no cost to a certified client library). Access tokens are JWTs (RFC
 * 9068) living {@link #ACCESS_TOKEN_TTL}; refresh tokens rotate on every use.
 *
 * <p>Every request to the token, introspection and revocation endpoints looks its client up (with
 * the hash of its secret), so active clients are kept per node ({@link NodeCache}, issue 17) until
 * a change of the tenant's clients is announced: every change through {@link OidcClients} — saved,
 * disabled, secret rotated, deleted, closed with its service account — announces the tenant, so a
 * rotated secret or a disabled client is refused on every node within a second.
 */
@Component
class TenantClients implements RegisteredClientRepository {

    static final Duration ACCESS_TOKEN_TTL = Duration.ofMinutes(5);
    static final Duration REFRESH_TOKEN_TTL = Duration.ofHours(12);
    static final Duration CODE_TTL = Duration.ofMinutes(2);
    /** The client setting naming the service account a client-credentials token stands for ({@link TokenClaims}). */
    static final String SERVICE_ACCOUNT = "gatehouse.service-account";

    /** A client as one issuer finds it: by its public client id or by its row's id. */
    private record Key(TenantId tenant, String value, boolean byRow) {}

    /** A kept client and its tenant, which its eviction is matched on. */
    private record Known(TenantId tenant, RegisteredClient client) {}

    private final ClientStore store;
    private final NodeCache<Key, Known> known = NodeCache.expiringAfter(50_000, Duration.ofMinutes(10));

    TenantClients(ClientStore store) {
        this.store = store;
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        throw new UnsupportedOperationException("clients are registered through …/clients");
    }

    @Override
    public @Nullable RegisteredClient findById(String id) {
        UUID rowId = Ids.parse(id).orElse(null);
        if (rowId == null) {
            return null;
        }
        return TenantIssuer.current()
                .flatMap(issuer -> known.find(new Key(issuer.tenant(), id, true), () -> store
                        .byId(issuer.tenant(), rowId).filter(OAuthClient::isActive)
                        .map(client -> new Known(issuer.tenant(), registered(client)))))
                .map(Known::client)
                .orElse(null);
    }

    @Override
    public @Nullable RegisteredClient findByClientId(String clientId) {
        return TenantIssuer.current()
                .flatMap(issuer -> known.find(new Key(issuer.tenant(), clientId, false), () -> store
                        .byClientId(issuer.tenant(), clientId).filter(OAuthClient::isActive)
                        .map(client -> new Known(issuer.tenant(), registered(client)))))
                .map(Known::client)
                .orElse(null);
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Policy policy -> known.evictIf(client -> client.tenant().equals(policy.tenant()));
            case AccessChanged.Everything everything -> known.evictAll();
            case AccessChanged.Subject subject -> { }
        }
    }

    private RegisteredClient registered(OAuthClient client) {
        RegisteredClient.Builder builder = RegisteredClient.withId(client.id().toString())
                .clientId(client.clientId())
                .clientName(client.name())
                .clientIdIssuedAt(client.createdAt());
        if (client.isPublic()) {
            builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
        } else {
            builder.clientSecret(store.secretHash(client.tenant(), client.id()).orElseThrow())
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                    .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        }
        client.grantTypes().forEach(grant -> builder.authorizationGrantType(new AuthorizationGrantType(grant)));
        client.redirectUris().forEach(builder::redirectUri);
        client.postLogoutRedirectUris().forEach(builder::postLogoutRedirectUri);
        client.scopes().forEach(builder::scope);
        return builder
                .clientSettings(clientSettings(client))
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(ACCESS_TOKEN_TTL)
                        .authorizationCodeTimeToLive(CODE_TTL)
                        .refreshTokenTimeToLive(REFRESH_TOKEN_TTL)
                        .reuseRefreshTokens(false)
                        .idTokenSignatureAlgorithm(SignatureAlgorithm.RS256)
                        .build())
                .build();
    }

    private static ClientSettings clientSettings(OAuthClient client) {
        ClientSettings.Builder settings = ClientSettings.builder()
                .requireProofKey(true)
                .requireAuthorizationConsent(!client.firstParty());
        if (client.serviceAccount() != null) {
            settings.setting(SERVICE_ACCOUNT, client.serviceAccount().toString());
        }
        return settings.build();
    }
}
