package dev.gatehouse.server.oidcin;

import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.TenantId;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sign-ins under way at an external provider ({@code oidc_sign_in_requests}, V121): the authorization
 * request Spring built (state, nonce, PKCE verifier) sealed with the server's key, found by its
 * state's hash, bound to the browser that started it, used once and for at most {@link #LIFETIME}.
 * The callback takes the row in one delete, so a replayed state (or a second request racing the
 * first) finds nothing.
 */
@Component
class SignInRequests {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final String PURPOSE = "oidcin.sign-in-request";

    /** A sign-in the callback may complete. */
    record Pending(TenantId tenant, UUID providerId, OAuth2AuthorizationRequest request, @Nullable String continueTo) {}

    private final JdbcClient jdbc;
    private final SecretBox box;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    SignInRequests(JdbcClient jdbc, SecretBox box, Clock clock) {
        this.jdbc = jdbc;
        this.box = box;
        this.clock = clock;
    }

    void save(TenantId tenant, UUID providerId, String browser, OAuth2AuthorizationRequest request,
            @Nullable String continueTo) {
        Instant now = clock.instant();
        jdbc.sql("delete from oidc_sign_in_requests where expires_at < :now").param("now", Timestamp.from(now)).update();
        ObjectNode sealed = json.createObjectNode();
        sealed.put("authorizationUri", request.getAuthorizationUri());
        sealed.put("clientId", request.getClientId());
        sealed.put("redirectUri", request.getRedirectUri());
        sealed.putArray("scopes").addAll(request.getScopes().stream()
                .map(tools.jackson.databind.node.StringNode::valueOf).toList());
        sealed.put("state", request.getState());
        sealed.put("authorizationRequestUri", request.getAuthorizationRequestUri());
        ObjectNode parameters = sealed.putObject("additionalParameters");
        request.getAdditionalParameters().forEach((name, value) -> parameters.put(name, String.valueOf(value)));
        ObjectNode attributes = sealed.putObject("attributes");
        request.getAttributes().forEach((name, value) -> attributes.put(name, String.valueOf(value)));
        sealed.put("continueTo", continueTo);
        jdbc.sql("""
                insert into oidc_sign_in_requests (state_hash, tenant_id, provider_id, browser_hash, request, expires_at)
                values (:state, :tenant, :provider, :browser, :request, :expires)
                """).param("state", Hashes.sha256(request.getState())).param("tenant", tenant.value())
                .param("provider", providerId).param("browser", Hashes.sha256(browser))
                .param("request", box.seal(PURPOSE, json.writeValueAsBytes(sealed)))
                .param("expires", Timestamp.from(now.plus(LIFETIME))).update();
    }

    /**
     * The sign-in {@code state} names, taken (deleted) whatever follows; empty when there is none,
     * it expired, or {@code browser} (the cookie) is not the one that started it.
     */
    Optional<Pending> take(String state, @Nullable String browser) {
        record Row(UUID tenant, UUID provider, byte[] browser, byte[] request, Timestamp expires) {}
        Optional<Row> row = jdbc.sql("""
                delete from oidc_sign_in_requests where state_hash = :state
                returning tenant_id, provider_id, browser_hash, request, expires_at
                """).param("state", Hashes.sha256(state))
                .query((rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBytes(3),
                        rs.getBytes(4), rs.getTimestamp(5))).optional();
        if (row.isEmpty() || browser == null || !row.get().expires().toInstant().isAfter(clock.instant())
                || !MessageDigest.isEqual(row.get().browser(), Hashes.sha256(browser))) {
            return Optional.empty();
        }
        JsonNode sealed = json.readTree(box.open(PURPOSE, row.get().request()));
        Set<String> scopes = new LinkedHashSet<>();
        sealed.get("scopes").forEach(scope -> scopes.add(scope.asString()));
        Map<String, Object> parameters = new LinkedHashMap<>();
        sealed.get("additionalParameters").properties().forEach(e -> parameters.put(e.getKey(), e.getValue().asString()));
        Map<String, Object> attributes = new LinkedHashMap<>();
        sealed.get("attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asString()));
        OAuth2AuthorizationRequest request = OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(sealed.get("authorizationUri").asString())
                .clientId(sealed.get("clientId").asString())
                .redirectUri(sealed.get("redirectUri").asString())
                .scopes(scopes)
                .state(sealed.get("state").asString())
                .additionalParameters(parameters)
                .attributes(attributes)
                .authorizationRequestUri(sealed.get("authorizationRequestUri").asString())
                .build();
        JsonNode continueTo = sealed.get("continueTo");
        return Optional.of(new Pending(new TenantId(row.get().tenant()), row.get().provider(), request,
                continueTo == null || continueTo.isNull() ? null : continueTo.asString()));
    }
}
