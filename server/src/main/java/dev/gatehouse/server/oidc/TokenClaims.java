package dev.gatehouse.server.oidc;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
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

/**
 * What Gatehouse's tokens say (docs/api.md, "Applications"): access tokens are RFC 9068 JWTs
 * ({@code typ: at+jwt}, {@code client_id}); access and ID tokens carry {@code sub} (the user, or a
 * client-credentials client's service account), {@code tenant}, {@code preferred_username},
 * {@code email}, {@code name}, {@code roles: [{role, location?}]} held at issue, and, for a signed-in
 * user, {@code sid}, {@code auth_time} and {@code amr} of the Gatehouse session. A client-credentials
 * access token also says so ({@code gty: client_credentials}, {@link AccessTokens#GRANT}): it is
 * not stored, and is judged by its claims when it comes back.
 *
 * <p>The account a token stands for is kept on this node while it is active (issue 17: a read of the
 * users table on every refresh). Every change of what the claims say or of whether the account may act
 * (its names, e-mail, username, status, end, roles; a deletion; the tenant's state) is announced as the
 * user's or the tenant's {@link AccessChanged}, on this node right after the commit and on the others by
 * PostgreSQL NOTIFY within about a quarter of a second, and drops it here: a locked account gets no new
 * token from any node a second later. A read that overlapped a drop is not kept ({@link NodeCache}).
 */
@Component
class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    static final String TENANT = "tenant";
    static final String ROLES = "roles";

    /** What the claims say of an active account, and until when it may act ({@link UserAccount#expiresAt}). */
    private record Person(TenantId tenant, String username, String name, @Nullable String email,
            @Nullable Instant expiresAt) {

        static Person of(TenantId tenant, UserAccount account) {
            return new Person(tenant, account.username(),
                    (account.firstName() + " " + account.lastName()).strip(), account.email(), account.expiresAt());
        }

        boolean expiredBy(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    private record Holder(TenantId tenant, UUID user) {}

    private final UserStore users;
    private final Access access;
    private final Clock clock;
    /** Active accounts only: one becoming active is read afresh, one ceasing to be is announced. */
    private final NodeCache<Holder, Person> people = NodeCache.expiringAfter(20_000, Duration.ofMinutes(10));

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
        Person account = activeAccount(issuer, user);
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
     * The account a token stands for, for both the check and its claims; no token for an account that
     * may not act now: disabled, locked, or past its {@code expiresAt} (a contractor's integration,
     * issue 13). Its tokens already issued die by {@link Authorizations}' liveness; this keeps the token
     * endpoint from handing out new ones (a refresh, client credentials).
     */
    private Person activeAccount(TenantIssuer.Issuer issuer, UUID user) {
        TenantId tenant = issuer.tenant();
        return people.find(new Holder(tenant, user), () -> users.find(tenant, user)
                        .filter(found -> found.status().equals("ACTIVE")).map(found -> Person.of(tenant, found)))
                .filter(person -> !person.expiredBy(clock.instant()))
                .orElseThrow(() -> new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                        "the account this token would stand for is not active (disabled, locked or expired)", null)));
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Subject subject -> people.evict(new Holder(subject.tenant(), subject.user()));
            case AccessChanged.Policy policy -> people.evictIf(person -> person.tenant().equals(policy.tenant()));
            case AccessChanged.Everything everything -> people.evictAll();
        }
    }

    private static void person(JwtClaimsSet.Builder claims, Person person) {
        claims.claim("preferred_username", person.username());
        claims.claim("name", person.name());
        if (person.email() != null) {
            claims.claim("email", person.email());
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
