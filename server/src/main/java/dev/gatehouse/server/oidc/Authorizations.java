package dev.gatehouse.server.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.Credentials;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantSuspended;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.core.convert.converter.Converter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The authorization server's authorizations (a code, then the access, refresh and ID tokens of one
 * grant), in {@code oidc_authorizations}: each sealed whole with the server's key
 * ({@link SecretBox}), found by the SHA-256 of a token, never by the token itself — a copy of the
 * database holds no usable token.
 *
 * <p>Client-credentials tokens are not stored (issue 17: a row per token cost 17–27× Keycloak's
 * database work per token). Such an access token is a self-contained JWT that says it came from
 * that grant ({@link AccessTokens#GRANT}); presented again, it is verified and its authorization
 * rebuilt from its claims. Revoking one (RFC 7009) is the only write: its {@code jti} in
 * {@code oidc_revoked_tokens} until it would have expired, after which introspection answers
 * {@code active: false} and the API refuses it.
 *
 * <p>Where an authorization or token is looked up, it is also judged alive: its tenant active, its
 * client active, its user active and its Gatehouse session live — not ended, not past its maximum
 * length, not idle past its user's timeout. A dead one is not found, so a refresh is refused,
 * introspection answers {@code active: false}, userinfo 401 and the API refuses the access token.
 * Verdicts are kept in memory until something they depend on changes on any node ({@link Verdicts}).
 * Lookups are scoped to the tenant whose issuer the request reached: a token of tenant A does not
 * exist at tenant B's.
 *
 * <p>Refresh tokens rotate on every use, and a refresh is a use of the session it came from; a
 * rotated one presented again means two parties hold the family (RFC 9700 §4.14.2): the whole
 * authorization is removed and {@code REFRESH_TOKEN_REUSED} recorded, which raises an alert.
 */
@Component
class Authorizations implements OAuth2AuthorizationService {

    private static final String PURPOSE = "oidc authorization";
    private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);
    private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);
    private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType("id_token");
    /** The attribute, never stored, holding the refresh hash an authorization was found by (Base64). */
    private static final String FOUND_BY_REFRESH = "gatehouse.found-by-refresh-hash";
    /** Only the classes an authorization is made of are read back (defence in depth behind the seal). */
    private static final ObjectInputFilter CLASSES = ObjectInputFilter.Config.createFilter(
            "maxdepth=30;java.lang.*;java.util.*;java.time.*;java.net.URL;org.springframework.security.**;"
                    + "dev.gatehouse.server.oidc.SignedInSession;com.nimbusds.**;!*");
    /** A token's claims as the server keeps them for introspection (times as instants, audience a list). */
    private static final Converter<Map<String, Object>, Map<String, Object>> CLAIMS =
            MappedJwtClaimSetConverter.withDefaults(Map.of());

    private final JdbcClient jdbc;
    private final SecretBox box;
    private final TenantDirectory tenants;
    private final Credentials users;
    private final Sessions sessions;
    private final ClientStore clients;
    private final AccessTokens accessTokens;
    private final Verdicts verdicts;
    private final AccessChanges changes;
    private final AuditLog audit;
    private final Actors actors;
    private final TransactionTemplate transactions;
    private final Clock clock;

    Authorizations(JdbcClient jdbc, SecretBox box, TenantDirectory tenants, Credentials users, Sessions sessions,
            ClientStore clients, AccessTokens accessTokens, Verdicts verdicts, AccessChanges changes, AuditLog audit,
            Actors actors, TransactionTemplate transactions, Clock clock) {
        this.actors = actors;
        this.jdbc = jdbc;
        this.box = box;
        this.tenants = tenants;
        this.users = users;
        this.sessions = sessions;
        this.clients = clients;
        this.accessTokens = accessTokens;
        this.verdicts = verdicts;
        this.changes = changes;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** One stored row: the facts liveness needs, beside the sealed authorization. */
    private record Row(String id, TenantId tenant, UUID clientRowId, @Nullable UUID user, @Nullable UUID session,
            byte[] sealed) {}

    /**
     * Saves the authorization; a new authorization code for a signed-in user is the user signing
     * in to the client, recorded as {@code OIDC_SIGN_IN} in the same transaction. A client-credentials
     * token is not stored: only its revocation is ({@link #revokeUnstored}).
     */
    @Override
    public void save(OAuth2Authorization authorization) {
        TenantId tenant = TenantIssuer.current().map(TenantIssuer.Issuer::tenant)
                .orElseThrow(() -> new IllegalStateException("an authorization is saved only through an issuer"));
        if (isUnstored(authorization)) {
            revokeUnstored(tenant, authorization);
            return;
        }
        byte[] rotating = rotating(authorization);
        if (authorization.getAttribute(FOUND_BY_REFRESH) != null) {
            authorization = OAuth2Authorization.from(authorization)
                    .attributes(attributes -> attributes.remove(FOUND_BY_REFRESH)).build();
        }
        OAuth2Authorization saved = authorization;
        // A rotation writes one statement (and at most every 30 s the session's use, which needs no company):
        // it commits alone, without a BEGIN and a COMMIT of its own (issue 17). Anything else that writes
        // more (a code's sign-in and its audit event, a revocation and its announcement) commits together.
        boolean written = rotating != null && !anyInvalidated(saved) ? write(tenant, saved, rotating)
                : Boolean.TRUE.equals(transactions.execute(status -> write(tenant, saved, rotating)));
        if (!written) {
            rotatedConcurrently(tenant, saved.getId());
        }
    }

    /**
     * The refresh hash an authorization found by its refresh token was found by, when its save replaces
     * that token (a rotation); null for any other save (a code exchanged, a token revoked).
     */
    private static byte @Nullable [] rotating(OAuth2Authorization authorization) {
        String found = authorization.getAttribute(FOUND_BY_REFRESH);
        if (found == null) {
            return null;
        }
        byte[] was = Base64.getDecoder().decode(found);
        byte[] now = hash(authorization.getRefreshToken());
        return now == null || Arrays.equals(was, now) ? null : was;
    }

    /**
     * The refresh token was rotated by another request between this one's lookup and its save: it was
     * presented twice (RFC 9700 §4.14.2), so the family dies as when a rotated token comes back, and
     * this request is refused.
     */
    private void rotatedConcurrently(TenantId tenant, String id) {
        row("id = :value and tenant_id = :tenant", id, tenant).ifPresent(this::reused);
        throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_GRANT,
                "the refresh token was used twice", null));
    }

    /**
     * Saves the authorization in the current transaction. A refresh token's rotation ({@code rotating}:
     * the refresh hash it was found by) updates the row only while that token is still its current one:
     * a second use of the same token, concurrent with the first, finds it rotated and is refused as reuse
     * ({@link #rotatedConcurrently}), where before both were answered and the later overwrote the earlier.
     *
     * @return false when the rotation found its token already rotated (nothing was written)
     */
    private boolean write(TenantId tenant, OAuth2Authorization authorization, byte @Nullable [] rotating) {
        Owner owner = owner(tenant, authorization);
        byte[] code = hash(authorization.getToken(OAuth2AuthorizationCode.class));
        byte[] refresh = hash(authorization.getRefreshToken());
        byte[] access = hash(authorization.getAccessToken());
        byte[] idToken = hash(authorization.getToken(OidcIdToken.class));
        byte[] sealed = seal(authorization);
        Timestamp expires = Timestamp.from(expiry(authorization));
        // An existing authorization (a code exchanged, a refresh rotated) is locked, read as it was and
        // updated in one statement; only a new one takes a second, its insert, with its refresh family's key.
        // A rotated refresh token is listed by hash only in a family from before those keys (RefreshFamilies).
        // A rotation names the token it replaces: the lock waits for a concurrent rotation of the same row, and
        // PostgreSQL then checks the condition again on the row as that one left it (read committed).
        Optional<Stored> stored = jdbc.sql("""
                        update oidc_authorizations a set
                            rotated_refresh_hashes = case when :legacy and was.refresh_hash is not null
                                and was.refresh_hash <> :refresh
                                then array_append(a.rotated_refresh_hashes, was.refresh_hash)
                                else a.rotated_refresh_hashes end,
                            state_hash = :state, code_hash = :code, access_hash = :access, refresh_hash = :refresh,
                            id_token_hash = :idToken, sealed = :sealed, expires_at = :expires, updated_at = now()
                        from (select id, tenant_id, code_hash, refresh_hash from oidc_authorizations
                            where id = :id and tenant_id = :tenant
                                and (cast(:rotating as bytea) is null or refresh_hash = :rotating) for update) was
                        where a.id = was.id and a.tenant_id = was.tenant_id
                        returning was.code_hash, was.refresh_hash
                        """)
                .param("id", authorization.getId()).param("tenant", tenant.value())
                .param("rotating", rotating)
                .param("state", stateHash(authorization)).param("code", code)
                .param("access", access).param("refresh", refresh)
                .param("idToken", idToken)
                .param("sealed", sealed).param("expires", expires)
                .param("legacy", RefreshFamilies.isLegacy(authorization))
                .query((rs, n) -> new Stored(rs.getBytes("code_hash"), rs.getBytes("refresh_hash"))).optional();
        boolean exists = stored.isPresent();
        if (!exists && rotating != null) {
            return false;
        }
        if (!exists) {
            jdbc.sql("""
                            insert into oidc_authorizations (id, tenant_id, client_row_id, principal_name, user_id,
                                session_id, grant_type, state_hash, code_hash, access_hash, refresh_hash, id_token_hash,
                                sealed, expires_at)
                            values (:id, :tenant, :client, :principal, :user, :session, :grant, :state, :code, :access,
                                :refresh, :idToken, :sealed, :expires)
                            """)
                    .param("id", authorization.getId()).param("tenant", tenant.value())
                    .param("state", stateHash(authorization)).param("code", code)
                    .param("access", access).param("refresh", refresh)
                    .param("idToken", idToken)
                    .param("sealed", seal(RefreshFamilies.withKey(authorization))).param("expires", expires)
                    .param("client", Ids.parse(authorization.getRegisteredClientId()).orElseThrow())
                    .param("principal", authorization.getPrincipalName()).param("user", owner.user())
                    .param("session", owner.session())
                    .param("grant", authorization.getAuthorizationGrantType().getValue())
                    .update();
        }
        if (stored.filter(before -> before.refreshed(refresh)).isPresent() && owner.session() != null) {
            sessions.usedThrough(tenant, owner.session(), clock.instant());
        }
        if (anyInvalidated(authorization)) {
            revoked(tenant, authorization.getId(), owner.user());
        }
        boolean newCode = code != null && (!exists || stored.get().code() == null);
        if (newCode && owner.session() != null && owner.user() != null) {
            OAuthClient client = clients.byId(tenant, Ids.parse(authorization.getRegisteredClientId()).orElseThrow())
                    .orElseThrow();
            audit.record(tenant, "OIDC_SIGN_IN", actors.of(tenant, owner.user(),
                            users.byId(tenant, owner.user()).map(Credentials.Account::username).orElse(null)),
                    new AuditLog.Target("client", client.clientId(), client.name()), null, null,
                    Map.of("client", client.clientId(), "session", owner.session().toString(),
                            "scopes", List.copyOf(authorization.getAuthorizedScopes())));
        }
        return true;
    }

    /** What a stored authorization held before this save: a new refresh token means it was refreshed. */
    private record Stored(byte @Nullable [] code, byte @Nullable [] refresh) {
        boolean refreshed(byte @Nullable [] now) {
            return refresh != null && now != null && !Arrays.equals(refresh, now);
        }
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        TenantId tenant = TenantIssuer.current().map(TenantIssuer.Issuer::tenant).orElse(null);
        if (tenant != null && isUnstored(authorization)) {
            revokeUnstored(tenant, authorization);
            return;
        }
        transactions.executeWithoutResult(status -> jdbc.sql("delete from oidc_authorizations where id = :id"
                        + " returning tenant_id, user_id")
                .param("id", authorization.getId())
                .query((rs, n) -> Map.entry(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        Optional.ofNullable(rs.getObject("user_id", UUID.class))))
                .optional()
                .ifPresent(removed -> revoked(removed.getKey(), authorization.getId(),
                        removed.getValue().orElse(null))));
    }

    @Override
    public @Nullable OAuth2Authorization findById(String id) {
        return TenantIssuer.current()
                .flatMap(issuer -> row("id = :value and tenant_id = :tenant", id, issuer.tenant()))
                .filter(this::isAlive).map(this::open).orElse(null);
    }

    @Override
    public @Nullable OAuth2Authorization findByToken(String token, @Nullable OAuth2TokenType tokenType) {
        Optional<TenantIssuer.Issuer> issuer = TenantIssuer.current();
        if (issuer.isEmpty()) {
            return null;
        }
        if (tokenType == null || OAuth2TokenType.ACCESS_TOKEN.equals(tokenType)) {
            Optional<JWTClaimsSet> unstored = accessTokens.verified(token).filter(AccessTokens::isClientCredentials);
            if (unstored.isPresent()) {
                return unstored(issuer.get(), token, unstored.get()).orElse(null);
            }
        }
        byte[] hash = ClientSecrets.sha256(token);
        String column = tokenType == null ? null : column(tokenType);
        if (tokenType != null && column == null) {
            return null;
        }
        Optional<Row> found = column != null
                ? row(column + " = :value and tenant_id = :tenant", hash, issuer.get().tenant())
                : row("(state_hash = :value or code_hash = :value or access_hash = :value or refresh_hash = :value"
                        + " or id_token_hash = :value) and tenant_id = :tenant", hash, issuer.get().tenant());
        if (found.isEmpty() && (tokenType == null || OAuth2TokenType.REFRESH_TOKEN.equals(tokenType))) {
            rotated(token, hash, issuer.get().tenant()).ifPresent(this::reused);
            return null;
        }
        OAuth2Authorization authorization = found.filter(this::isAlive).map(this::open).orElse(null);
        if (authorization != null && OAuth2TokenType.REFRESH_TOKEN.equals(tokenType)) {
            // A save of it that replaces this refresh token updates the row only while it is still current.
            return OAuth2Authorization.from(authorization)
                    .attribute(FOUND_BY_REFRESH, Base64.getEncoder().encodeToString(hash)).build();
        }
        return authorization;
    }

    /**
     * Whether the access token, whose signature and expiry the API's bearer path verified already
     * ({@code claims}), is live in {@code tenant}: answered from the verdicts in memory, judged again
     * only when something it depends on changed.
     */
    boolean isLiveAccessToken(TenantId tenant, String token, JWTClaimsSet claims) {
        if (AccessTokens.isClientCredentials(claims)) {
            return unstoredVerdict(tenant, claims).alive();
        }
        byte[] hash = ClientSecrets.sha256(token);
        return verdicts.of(ByteBuffer.wrap(hash), () -> storedAccessToken(tenant, hash)).alive();
    }

    private Verdicts.Verdict storedAccessToken(TenantId tenant, byte[] hash) {
        Optional<Row> found = row("access_hash = :value and tenant_id = :tenant", hash, tenant);
        if (found.isEmpty()) {
            return Verdicts.Verdict.dead(tenant, clock.instant());
        }
        Verdicts.Verdict verdict = judge(found.get());
        OAuth2Authorization.Token<OAuth2AccessToken> token = open(found.get()).getAccessToken();
        if (token == null || !token.isActive()) {
            return new Verdicts.Verdict(false, tenant, verdict.client(), verdict.user(), verdict.session(),
                    verdict.authorization(), verdict.until());
        }
        Instant expires = token.getToken().getExpiresAt();
        return expires == null || !expires.isBefore(verdict.until()) ? verdict
                : new Verdicts.Verdict(verdict.alive(), tenant, verdict.client(), verdict.user(), verdict.session(),
                        verdict.authorization(), expires);
    }

    /**
     * A suspended tenant's authorizations (refresh tokens included) are removed, not only judged
     * dead while it is suspended: reactivating the tenant brings no grant back (issue 16). Its
     * unstored client-credentials tokens are refused while it is suspended and have expired by the
     * time it could be reactivated, or else died with the clients' service accounts.
     */
    @EventListener
    void tenantSuspended(TenantSuspended suspended) {
        jdbc.sql("delete from oidc_authorizations where tenant_id = :tenant")
                .param("tenant", suspended.tenant().value()).update();
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT10M")
    void removeExpired() {
        Timestamp cutoff = Timestamp.from(clock.instant().minus(Duration.ofDays(1)));
        jdbc.sql("delete from oidc_authorizations where expires_at < :cutoff").param("cutoff", cutoff).update();
        jdbc.sql("delete from oidc_revoked_tokens where expires_at < :cutoff").param("cutoff", cutoff).update();
    }

    private boolean isAlive(Row row) {
        return verdicts.of(row.id(), () -> judge(row)).alive();
    }

    /** Judges a stored authorization by its tenant, client, user and session, now. */
    private Verdicts.Verdict judge(Row row) {
        Instant now = clock.instant();
        Instant until = now.plus(Verdicts.MAX_AGE);
        boolean alive = tenants.isActive(row.tenant())
                && clients.byId(row.tenant(), row.clientRowId()).filter(OAuthClient::isActive).isPresent();
        if (alive && row.user() != null) {
            Optional<Credentials.Account> account = activeAccount(row.tenant(), row.user(), now);
            alive = account.isPresent();
            until = earlier(until, account.map(Credentials.Account::expiresAt).orElse(null));
        }
        if (alive && row.session() != null) {
            Optional<Instant> live = sessions.liveUntil(row.tenant(), row.session(), now);
            alive = live.isPresent();
            until = earlier(until, live.orElse(null));
        }
        return new Verdicts.Verdict(alive, row.tenant(), row.clientRowId(), row.user(), row.session(), row.id(),
                until);
    }

    private Optional<Credentials.Account> activeAccount(TenantId tenant, UUID user, Instant now) {
        return users.byId(tenant, user)
                .filter(account -> account.status().equals("ACTIVE") && !account.expiredBy(now));
    }

    /**
     * An unstored (client-credentials) token presented at this issuer: its authorization rebuilt from
     * the verified claims, when it was issued here and is alive.
     */
    private Optional<OAuth2Authorization> unstored(TenantIssuer.Issuer issuer, String token, JWTClaimsSet claims) {
        if (!issuer.url().equals(claims.getIssuer())) {
            return Optional.empty();
        }
        Verdicts.Verdict verdict = unstoredVerdict(issuer.tenant(), claims);
        if (!verdict.alive()) {
            return Optional.empty();
        }
        String clientId = String.valueOf(claims.getClaim("client_id"));
        Set<String> scopes = scopes(claims.getClaim("scope"));
        RegisteredClient client = RegisteredClient.withId(String.valueOf(verdict.client())).clientId(clientId)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).build();
        OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, token,
                claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant(), scopes);
        Map<String, Object> kept = CLAIMS.convert(claims.getClaims());
        return Optional.of(OAuth2Authorization.withRegisteredClient(client)
                .id(claims.getJWTID())
                .principalName(clientId)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .authorizedScopes(scopes)
                .token(accessToken, metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, kept))
                .build());
    }

    private Verdicts.Verdict unstoredVerdict(TenantId tenant, JWTClaimsSet claims) {
        return verdicts.of(new Verdicts.TokenId(tenant, claims.getJWTID()), () -> judgeUnstored(tenant, claims));
    }

    /**
     * Judges a client-credentials token: its tenant active, its client active and still acting as
     * the token's subject, that service account active, and the token not revoked.
     */
    private Verdicts.Verdict judgeUnstored(TenantId tenant, JWTClaimsSet claims) {
        Instant now = clock.instant();
        UUID user = Ids.parse(claims.getSubject()).orElse(null);
        Optional<OAuthClient> client = clients.byClientId(tenant, String.valueOf(claims.getClaim("client_id")));
        UUID clientRow = client.map(OAuthClient::id).orElse(null);
        Instant until = earlier(now.plus(Verdicts.MAX_AGE), claims.getExpirationTime().toInstant());
        Optional<Credentials.Account> account = user == null ? Optional.empty() : activeAccount(tenant, user, now);
        boolean alive = user != null && tenants.isActive(tenant)
                && client.filter(OAuthClient::isActive).filter(c -> user.equals(c.serviceAccount())).isPresent()
                && account.isPresent()
                && !isRevoked(tenant, claims.getJWTID());
        return new Verdicts.Verdict(alive, tenant, clientRow, user, null, null,
                earlier(until, account.map(Credentials.Account::expiresAt).orElse(null)));
    }

    private boolean isRevoked(TenantId tenant, String jti) {
        return jdbc.sql("select exists (select 1 from oidc_revoked_tokens where tenant_id = :tenant and jti = :jti)")
                .param("tenant", tenant.value()).param("jti", jti).query(Boolean.class).single();
    }

    /**
     * A client-credentials authorization: its access token says it came from that grant. Such an
     * authorization is saved again only to revoke its token (RFC 7009), written down by its {@code jti}
     * until it would have expired; on every node its verdicts go, as its service account's change.
     */
    private static boolean isUnstored(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
        return token != null && token.getClaims() != null && AuthorizationGrantType.CLIENT_CREDENTIALS.getValue()
                .equals(token.getClaims().get(AccessTokens.GRANT));
    }

    private void revokeUnstored(TenantId tenant, OAuth2Authorization authorization) {
        OAuth2Authorization.Token<OAuth2AccessToken> token = authorization.getAccessToken();
        if (!token.isInvalidated()) {
            return; // issued: nothing is stored
        }
        Map<String, Object> claims = token.getClaims();
        String jti = String.valueOf(claims.get("jti"));
        Instant expires = token.getToken().getExpiresAt() == null ? clock.instant().plus(TenantClients.ACCESS_TOKEN_TTL)
                : token.getToken().getExpiresAt();
        UUID user = Ids.parse(String.valueOf(claims.get("sub"))).orElse(null);
        transactions.executeWithoutResult(status -> {
            jdbc.sql("""
                            insert into oidc_revoked_tokens (tenant_id, jti, expires_at) values (:tenant, :jti, :expires)
                            on conflict (tenant_id, jti) do nothing
                            """)
                    .param("tenant", tenant.value()).param("jti", jti).param("expires", Timestamp.from(expires))
                    .update();
            revoked(tenant, authorization.getId(), user);
        });
    }

    /**
     * A token of the authorization was revoked or the authorization removed: its verdicts go here
     * once this commits, and on every node as a change of its user (when it has one; a client without
     * a user has only stored authorizations, found by their rows).
     */
    private void revoked(TenantId tenant, String authorization, @Nullable UUID user) {
        verdicts.forgetAuthorizationAfterCommit(authorization);
        if (user != null) {
            changes.subjectChanged(tenant, user);
        }
    }

    private static boolean anyInvalidated(OAuth2Authorization authorization) {
        OAuth2Authorization.Token<?> access = authorization.getAccessToken();
        OAuth2Authorization.Token<?> refresh = authorization.getRefreshToken();
        return (access != null && access.isInvalidated()) || (refresh != null && refresh.isInvalidated());
    }

    private static Instant earlier(Instant one, @Nullable Instant other) {
        return other == null || one.isBefore(other) ? one : other;
    }

    private static Set<String> scopes(@Nullable Object claim) {
        Set<String> scopes = new LinkedHashSet<>();
        if (claim instanceof String text && !text.isBlank()) {
            scopes.addAll(List.of(text.split(" ")));
        } else if (claim instanceof Collection<?> values) {
            values.forEach(value -> scopes.add(String.valueOf(value)));
        }
        return scopes;
    }

    /**
     * The authorization a refresh token no longer current was rotated out of: the one it names and
     * was issued in ({@link RefreshFamilies}), or, for a family from before those, the one listing its hash.
     */
    private Optional<Row> rotated(String token, byte[] hash, TenantId tenant) {
        Optional<String> family = RefreshFamilies.familyOf(token);
        if (family.isPresent()) {
            return row("id = :value and tenant_id = :tenant", family.get(), tenant)
                    .filter(row -> RefreshFamilies.issuedIn(open(row), token));
        }
        return row("rotated_refresh_hashes <> '{}' and rotated_refresh_hashes @> array[cast(:value as bytea)]"
                + " and tenant_id = :tenant", hash, tenant);
    }

    /** A rotated refresh token came back: the family is compromised, so it all dies, on the record. */
    private void reused(Row row) {
        transactions.executeWithoutResult(status -> {
            int removed = jdbc.sql("delete from oidc_authorizations where id = :id").param("id", row.id()).update();
            if (removed == 0) {
                return;
            }
            String clientId = clients.byId(row.tenant(), row.clientRowId()).map(OAuthClient::clientId).orElse("");
            audit.record(row.tenant(), "REFRESH_TOKEN_REUSED", AuditLog.Actor.SYSTEM,
                    new AuditLog.Target("client", clientId, null), null, null,
                    Map.of("user", row.user() == null ? "" : row.user().toString(), "authorization", row.id(),
                            "outcome", "every token of the authorization was revoked"));
            revoked(row.tenant(), row.id(), row.user());
        });
    }

    /** Whose authorization it is: the signed-in user and session, or a client's service account. */
    private record Owner(@Nullable UUID user, @Nullable UUID session) {}

    private Owner owner(TenantId tenant, OAuth2Authorization authorization) {
        Object principal = authorization.getAttribute(Principal.class.getName());
        if (principal instanceof Authentication authentication
                && authentication.getDetails() instanceof SignedInSession session) {
            return new Owner(Ids.parse(authentication.getName()).orElseThrow(), session.session());
        }
        UUID serviceAccount = clients.byId(tenant, Ids.parse(authorization.getRegisteredClientId()).orElseThrow())
                .map(OAuthClient::serviceAccount).orElse(null);
        return new Owner(serviceAccount, null);
    }

    private Optional<Row> row(String where, Object value, TenantId tenant) {
        return jdbc.sql("select id, tenant_id, client_row_id, user_id, session_id, sealed from oidc_authorizations"
                        + " where " + where + " limit 1")
                .param("value", value).param("tenant", tenant.value())
                .query((rs, n) -> row(rs)).optional();
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), new TenantId(rs.getObject("tenant_id", UUID.class)),
                rs.getObject("client_row_id", UUID.class), rs.getObject("user_id", UUID.class),
                rs.getObject("session_id", UUID.class), rs.getBytes("sealed"));
    }

    private static @Nullable String column(OAuth2TokenType type) {
        if (STATE.equals(type)) {
            return "state_hash";
        }
        if (CODE.equals(type)) {
            return "code_hash";
        }
        if (OAuth2TokenType.ACCESS_TOKEN.equals(type)) {
            return "access_hash";
        }
        if (OAuth2TokenType.REFRESH_TOKEN.equals(type)) {
            return "refresh_hash";
        }
        if (ID_TOKEN.equals(type)) {
            return "id_token_hash";
        }
        return null;
    }

    private static byte @Nullable [] stateHash(OAuth2Authorization authorization) {
        String state = authorization.getAttribute(OAuth2ParameterNames.STATE);
        return state == null ? null : ClientSecrets.sha256(state);
    }

    private static byte @Nullable [] hash(OAuth2Authorization.@Nullable Token<? extends AbstractOAuth2Token> token) {
        return token == null ? null : ClientSecrets.sha256(token.getToken().getTokenValue());
    }

    /** When nothing in the authorization can be used any more (a pending consent lives as long as a code). */
    private Instant expiry(OAuth2Authorization authorization) {
        Instant latest = clock.instant().plus(TenantClients.CODE_TTL).plus(Duration.ofMinutes(10));
        for (Class<? extends AbstractOAuth2Token> type : java.util.List.of(OAuth2AuthorizationCode.class,
                OAuth2AccessToken.class, OAuth2RefreshToken.class, OidcIdToken.class)) {
            OAuth2Authorization.Token<? extends AbstractOAuth2Token> token = authorization.getToken(type);
            if (token != null && token.getToken().getExpiresAt() != null
                    && token.getToken().getExpiresAt().isAfter(latest)) {
                latest = token.getToken().getExpiresAt();
            }
        }
        return latest;
    }

    private byte[] seal(OAuth2Authorization authorization) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(authorization);
        } catch (IOException e) {
            throw new IllegalStateException("an authorization could not be serialized", e);
        }
        return box.seal(PURPOSE, bytes.toByteArray());
    }

    private OAuth2Authorization open(Row row) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(box.open(PURPOSE, row.sealed())))) {
            in.setObjectInputFilter(CLASSES);
            return (OAuth2Authorization) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("stored authorization " + row.id() + " does not read back", e);
        }
    }
}
