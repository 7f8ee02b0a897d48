package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.engine.Assignment;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * What Gatehouse's tokens say (docs/api.md, "Applications"): access tokens are RFC 9068 JWTs
 * ({@code typ: at+jwt}, {@code client_id}); access and ID tokens carry {@code sub} (the user, or a
 * client-credentials client's service account), {@code tenant}, {@code preferred_username},
 * {@code email}, {@code name}, {@code roles: [{role, location?}]} held at issue, and, for a signed-in
 * user, {@code sid}, {@code auth_time} and {@code amr} of the Gatehouse session. A client-credentials
 * access token also says so ({@code gty: client_credentials}, {@link AccessTokens#GRANT}): it is
 * not stored, and is judged by its claims when it comes back.
 */
@Component
class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    static final String TENANT = "tenant";
    static final String ROLES = "roles";
    /** The request attribute holding the account this request's tokens stand for, once read. */
    private static final String ACCOUNT_READ = TokenClaims.class.getName() + ".account:";

    private final UserStore users;
    private final Access access;
    private final Clock clock;

    TokenClaims(UserStore users, Access access, Clock clock) {
        this.users = users;
        this.access = access;
        this.clock = clock;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        TenantIssuer.Issuer issuer = TenantIssuer.current()
                .orElseThrow(() -> new IllegalStateException("tokens are issued only through an issuer"));
        JwtClaimsSet.Builder claims = context.getClaims();
        Authentication principal = context.getPrincipal();
        UUID user;
        if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
            // The client as the token endpoint found it names its service account (TenantClients): no read.
            String serviceAccount = context.getRegisteredClient().getClientSettings()
                    .getSetting(TenantClients.SERVICE_ACCOUNT);
            user = Ids.parse(serviceAccount)
                    .orElseThrow(() -> new IllegalStateException("a client-credentials client has a service account"));
            claims.subject(user.toString());
        } else {
            user = Ids.parse(principal.getName()).orElseThrow();
        }
        UserAccount account = activeAccount(issuer, user);
        claims.claim(TENANT, issuer.slug());
        if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
            context.getJwsHeader().type("at+jwt");
            claims.claim("client_id", context.getRegisteredClient().getClientId());
            if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType())) {
                claims.claim(AccessTokens.GRANT, AuthorizationGrantType.CLIENT_CREDENTIALS.getValue());
            }
        } else if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
            return;
        }
        person(claims, account);
        claims.claim(ROLES, roles(issuer, user));
        if (principal.getDetails() instanceof SignedInSession session) {
            claims.claim("sid", session.session().toString());
            // A Date, as the server itself writes auth_time (and reads it back on refresh).
            claims.claims(all -> all.putIfAbsent("auth_time", Date.from(session.authTime())));
            claims.claim("amr", session.amr());
        }
    }

    /**
     * The account a token stands for, read once for both the check and its claims; no token for an
     * account that may not act now: disabled, locked, or past its {@code expiresAt}
     * (a contractor's integration, issue 13). Its tokens already issued die by {@link Authorizations}'
     * liveness; this keeps the token endpoint from handing out new ones (a refresh, client credentials).
     */
    private UserAccount activeAccount(TenantIssuer.Issuer issuer, UUID user) {
        // Once per token request (issue 17): a refresh or a code exchange issues an access and an ID token
        // for the same account, and the second must not read it again; the next request reads it afresh.
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        String key = ACCOUNT_READ + issuer.tenant().value() + ":" + user;
        if (request != null && request.getAttribute(key, RequestAttributes.SCOPE_REQUEST) instanceof UserAccount read) {
            return read;
        }
        UserAccount account = users.find(issuer.tenant(), user)
                .filter(found -> found.status().equals("ACTIVE") && !found.expiredBy(clock.instant()))
                .orElseThrow(() -> new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                        "the account this token would stand for is not active (disabled, locked or expired)", null)));
        if (request != null) {
            request.setAttribute(key, account, RequestAttributes.SCOPE_REQUEST);
        }
        return account;
    }

    private static void person(JwtClaimsSet.Builder claims, UserAccount account) {
        claims.claim("preferred_username", account.username());
        claims.claim("name", (account.firstName() + " " + account.lastName()).strip());
        if (account.email() != null) {
            claims.claim("email", account.email());
        }
    }

    private List<Map<String, String>> roles(TenantIssuer.Issuer issuer, UUID user) {
        Instant now = clock.instant();
        List<Map<String, String>> roles = new ArrayList<>();
        access.profile(issuer.tenant(), user).ifPresent(profile -> {
            for (Assignment assignment : profile.subject().assignments()) {
                if (assignment.validAt(now)) {
                    Map<String, String> role = new LinkedHashMap<>();
                    role.put("role", assignment.role());
                    if (assignment.location() != null) {
                        role.put("location", assignment.location());
                    }
                    roles.add(role);
                }
            }
        });
        return roles;
    }
}
