package dev.gatehouse.server.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.server.authentication.CredentialNetworks;
import dev.gatehouse.server.shared.BearerCredentials;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Credential;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Access tokens of the tenants' providers as a kind of bearer credential of the API (issue 12,
 * "Calling the API with either"): a JWT (three base64url parts, which no session token or API key
 * is) of type {@code at+jwt}, signed by a published key of this server, not expired, issued by an
 * active tenant's issuer and carrying the scope {@code gatehouse.api}. Its caller is the token's
 * subject in that tenant — so a token of tenant A reaches none of tenant B's paths — with
 * {@link Credential.AccessToken}. The signature is checked against the in-memory key set
 * ({@link AccessTokens}); whether the token is still alive (user, session, client, revocation) is
 * answered from verdicts kept in memory until a change announced on every node drops them
 * ({@link Authorizations}, {@link Verdicts}), so a locked user's token stops within a second
 * without a database lookup per token.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 100)
class AccessTokenBearer implements BearerCredentials {

    static final String API_SCOPE = "gatehouse.api";

    private final PublicUrl publicUrl;
    private final TenantDirectory tenants;
    private final Authorizations authorizations;
    private final CredentialNetworks networks;
    private final AccessTokens accessTokens;

    AccessTokenBearer(PublicUrl publicUrl, TenantDirectory tenants, Authorizations authorizations,
            AccessTokens accessTokens, CredentialNetworks networks) {
        this.publicUrl = publicUrl;
        this.tenants = tenants;
        this.authorizations = authorizations;
        this.accessTokens = accessTokens;
        this.networks = networks;
    }

    @Override
    public boolean claims(String token) {
        return AccessTokens.looksLikeJwt(token);
    }

    /**
     * The token's caller; from outside the networks the tenant allows the user's roles (its IP
     * allowlist), a 403 recorded on the trail, as for the user's own sessions and API keys.
     */
    @Override
    public Resolution resolve(String token, HttpServletRequest request) {
        Optional<Caller> caller = caller(token);
        if (caller.isEmpty()) {
            return new Dead();
        }
        Caller found = caller.get();
        Credential.AccessToken credential = (Credential.AccessToken) found.credential();
        if (!networks.allowsRequest(found.tenant(), found.userId(), found.username(), request,
                Map.of("client", String.valueOf(credential.clientId())))) {
            return new Refused(403, "ip-not-allowed", "Network not allowed",
                    "your tenant does not allow requests from this address (ipAllowlist)", null);
        }
        return new Live(found);
    }

    @Override
    public Optional<Caller> resolveQuietly(String token, HttpServletRequest request) {
        String ip = Origin.of(request).ip();
        return caller(token).filter(caller -> networks.permits(caller.tenant(), caller.userId(), ip));
    }

    private Optional<Caller> caller(String token) {
        Optional<JWTClaimsSet> verified = accessTokens.verified(token);
        if (verified.isEmpty()) {
            return Optional.empty();
        }
        JWTClaimsSet claims = verified.get();
        String slug = TenantIssuer.slugOf(publicUrl.base(), claims.getIssuer());
        Optional<TenantId> tenant = slug == null ? Optional.empty() : tenants.activeBySlug(slug);
        Optional<UUID> user = Ids.parse(claims.getSubject());
        Set<String> scopes = scopes(claims.getClaim("scope"));
        if (tenant.isEmpty() || user.isEmpty() || !scopes.contains(API_SCOPE)) {
            return Optional.empty();
        }
        TenantId id = tenant.get();
        if (!authorizations.isLiveAccessToken(id, token, claims)) {
            return Optional.empty();
        }
        UUID session = Ids.parse(string(claims.getClaim("sid"))).orElse(null);
        String username = string(claims.getClaim("preferred_username"));
        return Optional.of(new Caller(id, tenants.slug(id), user.get(), username == null ? user.get().toString()
                : username, session, List.of(), null, new Credential.AccessToken(string(claims.getClaim("client_id")),
                        claims.getJWTID(), scopes, session)));
    }

    private static Set<String> scopes(@Nullable Object claim) {
        Set<String> scopes = new LinkedHashSet<>();
        if (claim instanceof String text) {
            scopes.addAll(List.of(text.split(" ")));
        } else if (claim instanceof Collection<?> values) {
            values.forEach(value -> scopes.add(String.valueOf(value)));
        }
        return scopes;
    }

    private static @Nullable String string(@Nullable Object claim) {
        return claim instanceof String text ? text : null;
    }
}
