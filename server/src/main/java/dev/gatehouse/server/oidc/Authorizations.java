package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.Ids;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.Credentials;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.secrets.SecretBox;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The authorization server's authorizations (a code, then the access, refresh and ID tokens of one
 * grant), in {@code oidc_authorizations}: each sealed whole with the server's key
 * ({@link SecretBox}), found by the SHA-256 of a token, never by the token itself — a copy of the
 * database holds no usable token.
 *
 * <p>Where an authorization is looked up, it is also judged alive (within {@link #LIVENESS_TTL} on
 * every node): its tenant active, its client active, its user active and its Gatehouse session
 * open. A dead one is not found, so a refresh is refused, introspection answers
 * {@code active: false}, userinfo 401 and the API refuses the access token. Lookups are scoped to
 * the tenant whose issuer the request reached: a token of tenant A does not exist at tenant B's.
 *
 * <p>Refresh tokens rotate on every use; a rotated one presented again means two parties hold the
 * family (RFC 9700 §4.14.2): the whole authorization is removed and {@code REFRESH_TOKEN_REUSED}
 * recorded, which raises an alert.
 */
@Component
class Authorizations implements OAuth2AuthorizationService {

    static final Duration LIVENESS_TTL = Duration.ofSeconds(1);
    private static final String PURPOSE = "oidc authorization";
    private static final OAuth2TokenType STATE = new OAuth2TokenType(OAuth2ParameterNames.STATE);
    private static final OAuth2TokenType CODE = new OAuth2TokenType(OAuth2ParameterNames.CODE);
    private static final OAuth2TokenType ID_TOKEN = new OAuth2TokenType("id_token");
    /** Only the classes an authorization is made of are read back (defence in depth behind the seal). */
    private static final ObjectInputFilter CLASSES = ObjectInputFilter.Config.createFilter(
            "maxdepth=30;java.lang.*;java.util.*;java.time.*;java.net.URL;org.springframework.security.**;"
                    + "dev.gatehouse.server.oidc.SignedInSession;com.nimbusds.**;!*");

    private final JdbcClient jdbc;
    private final SecretBox box;
    private final TenantDirectory tenants;
    private final Credentials users;
    private final Sessions sessions;
    private final ClientStore clients;
    private final AuditLog audit;
    private final Actors actors;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final Cache<String, Boolean> alive = Caffeine.newBuilder().expireAfterWrite(LIVENESS_TTL)
            .maximumSize(100_000).build();
    /** The API's question per access token (by its hash), so a burst of calls costs one lookup a second. */
    private final Cache<ByteBuffer, Boolean> liveAccessTokens = Caffeine.newBuilder().expireAfterWrite(LIVENESS_TTL)
            .maximumSize(100_000).build();

    Authorizations(JdbcClient jdbc, SecretBox box, TenantDirectory tenants, Credentials users, Sessions sessions,
            ClientStore clients, AuditLog audit, Actors actors, TransactionTemplate transactions, Clock clock) {
        this.actors = actors;
        this.jdbc = jdbc;
        this.box = box;
        this.tenants = tenants;
        this.users = users;
        this.sessions = sessions;
        this.clients = clients;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** One stored row: the facts liveness needs, beside the sealed authorization. */
    private record Row(String id, TenantId tenant, UUID clientRowId, @Nullable UUID user, @Nullable UUID session,
            byte[] sealed) {}

    /**
     * Saves the authorization; a new authorization code for a signed-in user is the user signing
     * in to the client, recorded as {@code OIDC_SIGN_IN} in the same transaction.
     */
    @Override
    public void save(OAuth2Authorization authorization) {
        TenantId tenant = TenantIssuer.current().map(TenantIssuer.Issuer::tenant)
                .orElseThrow(() -> new IllegalStateException("an authorization is saved only through an issuer"));
        transactions.executeWithoutResult(status -> write(tenant, authorization));
        forget();
    }

    private void write(TenantId tenant, OAuth2Authorization authorization) {
        Owner owner = owner(tenant, authorization);
        byte[] code = hash(authorization.getToken(OAuth2AuthorizationCode.class));
        Optional<byte[]> storedCode = jdbc.sql("select code_hash from oidc_authorizations where id = :id and tenant_id"
                        + " = :tenant for update")
                .param("id", authorization.getId()).param("tenant", tenant.value())
                .query((rs, n) -> Optional.ofNullable(rs.getBytes("code_hash"))).optional()
                .orElse(null);
        boolean exists = storedCode != null;
        String sql = exists ? """
                update oidc_authorizations set
                    rotated_refresh_hashes = case when refresh_hash is not null and refresh_hash <> :refresh
                        then array_append(rotated_refresh_hashes, refresh_hash) else rotated_refresh_hashes end,
                    state_hash = :state, code_hash = :code, access_hash = :access, refresh_hash = :refresh,
                    id_token_hash = :idToken, sealed = :sealed, expires_at = :expires, updated_at = now()
                where id = :id and tenant_id = :tenant
                """ : """
                insert into oidc_authorizations (id, tenant_id, client_row_id, principal_name, user_id, session_id,
                    grant_type, state_hash, code_hash, access_hash, refresh_hash, id_token_hash, sealed, expires_at)
                values (:id, :tenant, :client, :principal, :user, :session, :grant, :state, :code, :access,
                    :refresh, :idToken, :sealed, :expires)
                """;
        var statement = jdbc.sql(sql)
                .param("id", authorization.getId()).param("tenant", tenant.value())
                .param("state", stateHash(authorization)).param("code", code)
                .param("access", hash(authorization.getAccessToken()))
                .param("refresh", hash(authorization.getRefreshToken()))
                .param("idToken", hash(authorization.getToken(OidcIdToken.class)))
                .param("sealed", seal(authorization)).param("expires", Timestamp.from(expiry(authorization)));
        if (!exists) {
            statement = statement.param("client", Ids.parse(authorization.getRegisteredClientId()).orElseThrow())
                    .param("principal", authorization.getPrincipalName()).param("user", owner.user())
                    .param("session", owner.session())
                    .param("grant", authorization.getAuthorizationGrantType().getValue());
        }
        statement.update();
        boolean newCode = code != null && (!exists || storedCode.isEmpty());
        if (newCode && owner.session() != null && owner.user() != null) {
            OAuthClient client = clients.byId(tenant, Ids.parse(authorization.getRegisteredClientId()).orElseThrow())
                    .orElseThrow();
            audit.record(tenant, "OIDC_SIGN_IN", actors.of(tenant, owner.user(),
                            users.byId(tenant, owner.user()).map(Credentials.Account::username).orElse(null)),
                    new AuditLog.Target("client", client.clientId(), client.name()), null, null,
                    Map.of("client", client.clientId(), "session", owner.session().toString(),
                            "scopes", List.copyOf(authorization.getAuthorizedScopes())));
        }
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        jdbc.sql("delete from oidc_authorizations where id = :id").param("id", authorization.getId()).update();
        forget();
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
            row(":value = any(rotated_refresh_hashes) and tenant_id = :tenant", hash, issuer.get().tenant())
                    .ifPresent(this::reused);
            return null;
        }
        return found.filter(this::isAlive).map(this::open).orElse(null);
    }

    /**
     * Whether the access token with this value is of a live authorization of {@code tenant}, for
     * the API's bearer path (which verified the token's signature already).
     */
    boolean isLiveAccessToken(TenantId tenant, String token) {
        byte[] hash = ClientSecrets.sha256(token);
        return liveAccessTokens.get(ByteBuffer.wrap(hash), key -> row("access_hash = :value and tenant_id = :tenant",
                hash, tenant).filter(this::isAlive).map(this::open)
                .map(OAuth2Authorization::getAccessToken).filter(OAuth2Authorization.Token::isActive).isPresent());
    }

    /**
     * A suspended tenant's authorizations (refresh tokens included) are removed, not only judged
     * dead while it is suspended: reactivating the tenant brings no grant back (issue 16).
     */
    @EventListener
    void tenantSuspended(TenantSuspended suspended) {
        jdbc.sql("delete from oidc_authorizations where tenant_id = :tenant")
                .param("tenant", suspended.tenant().value()).update();
        forgetAfterCommit();
    }

    /** A user, session or tenant changed here or on another node: judge every authorization again. */
    @EventListener
    void accessChanged(AccessChanged changed) {
        forget();
    }

    /**
     * Forgets every judgement once the current transaction commits (at once without one): a client
     * changed or an authorization was revoked on this node. Other nodes judge again within
     * {@link #LIVENESS_TTL}.
     */
    void forgetAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    forget();
                }
            });
        } else {
            forget();
        }
    }

    private void forget() {
        alive.invalidateAll();
        liveAccessTokens.invalidateAll();
    }

    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT10M")
    void removeExpired() {
        jdbc.sql("delete from oidc_authorizations where expires_at < :cutoff")
                .param("cutoff", Timestamp.from(clock.instant().minus(Duration.ofDays(1)))).update();
    }

    private boolean isAlive(Row row) {
        return alive.get(row.id(), id -> judge(row));
    }

    private boolean judge(Row row) {
        if (!tenants.isActive(row.tenant())) {
            return false;
        }
        if (clients.byId(row.tenant(), row.clientRowId()).filter(OAuthClient::isActive).isEmpty()) {
            return false;
        }
        if (row.user() != null && users.byId(row.tenant(), row.user())
                .filter(account -> account.status().equals("ACTIVE") && !account.expiredBy(clock.instant()))
                .isEmpty()) {
            return false;
        }
        return row.session() == null || sessions.isOpen(row.tenant(), row.session(), clock.instant());
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
        });
        forget();
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
