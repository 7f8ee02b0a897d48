package dev.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The provider's endpoints over HTTP: discovery lists exactly the tenant's endpoints under its
 * issuer, the JWKS verifies the tokens it signs, client credentials give a service account's RFC
 * 9068 access token, introspection and revocation work for the client's own tenant only, and an
 * unknown tenant's provider does not exist.
 */
class OidcFlowIT extends IntegrationTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    private SignedInTenant clinic;

    @Autowired
    private TestClock clock;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    String base() {
        return "http://localhost:" + port();
    }

    String issuer(SignedInTenant tenant) {
        return base() + "/oauth2/" + tenant.slug();
    }

    @Test
    void discoveryListsExactlyTheTenantsEndpointsUnderItsIssuer() throws Exception {
        JsonNode discovery = getJson(issuer(clinic) + "/.well-known/openid-configuration");

        String issuer = issuer(clinic);
        assertThat(discovery.get("issuer").asString()).isEqualTo(issuer);
        assertThat(discovery.get("authorization_endpoint").asString()).isEqualTo(issuer + "/authorize");
        assertThat(discovery.get("token_endpoint").asString()).isEqualTo(issuer + "/token");
        assertThat(discovery.get("jwks_uri").asString()).isEqualTo(issuer + "/jwks");
        assertThat(discovery.get("introspection_endpoint").asString()).isEqualTo(issuer + "/introspect");
        assertThat(discovery.get("revocation_endpoint").asString()).isEqualTo(issuer + "/revoke");
        assertThat(discovery.get("userinfo_endpoint").asString()).isEqualTo(issuer + "/userinfo");
        assertThat(discovery.get("end_session_endpoint").asString()).isEqualTo(issuer + "/logout");
        List<String> endpoints = discovery.propertyNames().stream().filter(name -> name.endsWith("_endpoint")
                || name.equals("jwks_uri")).sorted().toList();
        assertThat(endpoints).containsExactly("authorization_endpoint", "end_session_endpoint",
                "introspection_endpoint", "jwks_uri", "revocation_endpoint", "token_endpoint", "userinfo_endpoint");
        assertThat(discovery.get("grant_types_supported").valueStream().map(JsonNode::asString).toList())
                .containsExactlyInAnyOrder("authorization_code", "refresh_token", "client_credentials");
        assertThat(discovery.get("code_challenge_methods_supported").valueStream().map(JsonNode::asString).toList())
                .containsExactly("S256");
    }

    @Test
    void anUnknownTenantHasNoProvider() throws Exception {
        for (String path : List.of("/.well-known/openid-configuration", "/jwks", "/token", "/authorize")) {
            HttpResponse<String> unknown = get(base() + "/oauth2/no-such-tenant" + path);
            assertThat(unknown.statusCode()).as(path).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(type ->
                    assertThat(type).startsWith("application/problem+json"));
        }
    }

    @Test
    void clientCredentialsGiveTheServiceAccountAnAccessTokenSignedByThePublishedKeys() throws Exception {
        Machine machine = machine(clinic);

        JsonNode token = tokenRequest(clinic, machine, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api"));

        assertThat(token.get("token_type").asString()).isEqualTo("Bearer");
        assertThat(token.has("refresh_token")).isFalse();
        JWTClaimsSet claims = verify(clinic, token.get("access_token").asString());
        assertThat(claims.getIssuer()).isEqualTo(issuer(clinic));
        assertThat(claims.getSubject()).isEqualTo(machine.serviceAccount());
        assertThat(claims.getStringClaim("tenant")).isEqualTo(clinic.slug());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(machine.clientId());
        assertThat(claims.getStringClaim("preferred_username")).isEqualTo("billing-job");
        assertThat(claims.getClaim("roles").toString()).contains("front_desk");
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getExpirationTime()).isNotNull();
    }

    @Test
    void introspectionAndRevocationAnswerForTheClientsOwnTenantOnly() throws Exception {
        Machine machine = machine(clinic);
        String accessToken = tokenRequest(clinic, machine, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api")).get("access_token").asString();

        JsonNode active = postForm(clinic, machine, "/introspect", Map.of("token", accessToken));
        assertThat(active.get("active").asBoolean()).isTrue();
        assertThat(active.get("client_id").asString()).isEqualTo(machine.clientId());
        assertThat(active.get("sub").asString()).isEqualTo(machine.serviceAccount());

        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        Machine elsewhere = machine(other);
        JsonNode foreign = postForm(other, elsewhere, "/introspect", Map.of("token", accessToken));
        assertThat(foreign.get("active").asBoolean()).isFalse();
        HttpResponse<String> wrongIssuer = post(issuer(other) + "/token", machine,
                Map.of("grant_type", "client_credentials", "scope", "gatehouse.api"));
        assertThat(wrongIssuer.statusCode()).isEqualTo(401);

        HttpResponse<String> revoked = post(issuer(clinic) + "/revoke", machine, Map.of("token", accessToken));
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(postForm(clinic, machine, "/introspect", Map.of("token", accessToken)).get("active").asBoolean())
                .isFalse();
    }

    @Test
    void aWrongOrRotatedSecretIsRefused() throws Exception {
        Machine machine = machine(clinic);
        Machine wrong = new Machine(machine.clientId(), machine.secret() + "x", machine.serviceAccount());
        assertThat(post(issuer(clinic) + "/token", wrong, Map.of("grant_type", "client_credentials")).statusCode())
                .isEqualTo(401);

        Response rotated = api.post(clinic.path("/clients/" + machine.clientId() + "/secret"), clinic.adminToken(),
                "{}");
        assertThat(post(issuer(clinic) + "/token", machine, Map.of("grant_type", "client_credentials")).statusCode())
                .isEqualTo(401);
        Machine renewed = new Machine(machine.clientId(), rotated.text("/clientSecret"), machine.serviceAccount());
        assertThat(post(issuer(clinic) + "/token", renewed, Map.of("grant_type", "client_credentials")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theApiTakesAnAccessTokenWithTheApiScopeAsItsSubjectInItsOwnTenantOnly() throws Exception {
        Machine machine = machine(clinic);
        String accessToken = tokenRequest(clinic, machine, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api")).get("access_token").asString();

        Response me = api.get("/api/v1/me", accessToken);
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        assertThat(me.text("/user/id")).isEqualTo(machine.serviceAccount());
        assertThat(me.text("/tenant/slug")).isEqualTo(clinic.slug());

        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.get(other.path("/users"), accessToken).status()).isEqualTo(404);

        String withoutApiScope = tokenRequest(clinic, machine, Map.of("grant_type", "client_credentials",
                "scope", "roles")).get("access_token").asString();
        assertThat(api.get("/api/v1/me", withoutApiScope).status()).isEqualTo(401);
        String[] parts = accessToken.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertThat(api.get("/api/v1/me", tampered).status()).isEqualTo(401);
    }

    @Test
    void anAccessTokenFromOutsideTheNetworksItsUserMayUseIsRefusedAndRecorded() throws Exception {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        Machine machine = machine(tenant);
        String accessToken = tokenRequest(tenant, machine, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api")).get("access_token").asString();
        // The service account holds front_desk; its sessions, keys and tokens may come only from 10/8 now.
        assertThat(api.patch(tenant.path("/settings"), tenant.adminToken(), """
                {"ipAllowlistByRole": {"front_desk": ["10.0.0.0/8"]}}""").status()).isEqualTo(200);

        Response refused = api.get("/api/v1/me", accessToken);

        assertThat(refused.status()).as("from 127.0.0.1: %s", refused.raw()).isEqualTo(403);
        assertThat(refused.raw()).contains("ipAllowlist");
        Response trail = api.get(tenant.path("/audit?action=REQUEST_REFUSED_IP"), tenant.adminToken());
        assertThat(trail.body().path("items")).hasSize(1);
        assertThat(trail.raw()).contains(machine.clientId()).doesNotContain(accessToken);
    }

    @Test
    void theTokensOfAnAccountPastItsExpiryStopAndItGetsNoMore() throws Exception {
        Machine machine = machine(clinic);
        String accessToken = tokenRequest(clinic, machine, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api")).get("access_token").asString();
        // A contractor's integration (issue 13): its account ends in a minute; the token would live longer.
        Response ends = api.patch(clinic.path("/users/" + machine.serviceAccount()), clinic.adminToken(),
                "{\"expiresAt\": \"" + clock.instant().plusSeconds(60) + "\"}");
        assertThat(ends.status()).as(ends.raw()).isEqualTo(200);

        clock.moveAhead(Duration.ofMinutes(2));

        assertThat(api.get("/api/v1/me", accessToken).status()).as("the account expired").isEqualTo(401);
        HttpResponse<String> more = post(issuer(clinic) + "/token", machine, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api"));
        assertThat(more.statusCode()).as(more.body()).isIn(400, 401);
    }

    @Test
    void aRevokedTokenOrADisabledClientIsRefusedEverywhere() throws Exception {
        Machine machine = machine(clinic);
        String first = tokenRequest(clinic, machine, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api")).get("access_token").asString();
        String second = tokenRequest(clinic, machine, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api")).get("access_token").asString();
        assertThat(api.get("/api/v1/me", first).status()).isEqualTo(200);

        assertThat(post(issuer(clinic) + "/revoke", machine, Map.of("token", first)).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", first).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", second).status()).isEqualTo(200);

        Response disabled = api.patch(clinic.path("/clients/" + machine.clientId()), clinic.adminToken(),
                "{\"status\":\"DISABLED\"}");
        assertThat(disabled.status()).as(disabled.raw()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", second).status()).isEqualTo(401);
        assertThat(post(issuer(clinic) + "/token", machine, Map.of("grant_type", "client_credentials")).statusCode())
                .isEqualTo(401);
    }

    @Test
    void guessingAClientSecretIsThrottledWhileSuccessesCostNothing() throws Exception {
        Machine machine = machine(clinic);
        Machine guesser = new Machine(machine.clientId(), "ghcs_guess", machine.serviceAccount());
        for (int i = 0; i < 5; i++) {
            assertThat(post(issuer(clinic) + "/token", machine, Map.of("grant_type", "client_credentials"))
                    .statusCode()).isEqualTo(200);
        }
        int refusedAt = -1;
        for (int i = 0; i < 150 && refusedAt < 0; i++) {
            HttpResponse<String> guess = post(issuer(clinic) + "/token", guesser,
                    Map.of("grant_type", "client_credentials"));
            if (guess.statusCode() == 429) {
                refusedAt = i;
                assertThat(guess.headers().firstValue("Retry-After")).isPresent();
            } else {
                assertThat(guess.statusCode()).isEqualTo(401);
            }
        }
        assertThat(refusedAt).as("the per-client limit (sign-in's per-account one) is reached").isPositive();
        assertThat(post(issuer(clinic) + "/token", machine, Map.of("grant_type", "client_credentials")).statusCode())
                .isEqualTo(429);
    }

    /** A confidential client with client_credentials acting as a new service account of {@code tenant}. */
    record Machine(String clientId, String secret, String serviceAccount) {

        /** Registers one in {@code tenant} through its admin. */
        static Machine create(ApiClient api, SignedInTenant tenant) {
            String service = new OidcClientsIT.Fixtures(api).serviceAccount(tenant, "billing-job");
            Response created = api.post(tenant.path("/clients"), tenant.adminToken(), OidcClientsIT.machine(service));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            return new Machine(created.text("/clientId"), created.text("/clientSecret"), service);
        }
    }

    Machine machine(SignedInTenant tenant) {
        return Machine.create(api, tenant);
    }

    JWTClaimsSet verify(SignedInTenant tenant, String jwt) throws Exception {
        JWKSet keys = JWKSet.parse(get(issuer(tenant) + "/jwks").body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(keys)));
        return processor.process(jwt, null);
    }

    JsonNode tokenRequest(SignedInTenant tenant, Machine client, Map<String, String> form) throws Exception {
        HttpResponse<String> response = post(issuer(tenant) + "/token", client, form);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    JsonNode postForm(SignedInTenant tenant, Machine client, String endpoint, Map<String, String> form)
            throws Exception {
        HttpResponse<String> response = post(issuer(tenant) + endpoint, client, form);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    HttpResponse<String> post(String url, Machine client, Map<String, String> form) throws Exception {
        String basic = Base64.getEncoder().encodeToString((encode(client.clientId()) + ":" + encode(client.secret()))
                .getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode getJson(String url) throws Exception {
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static String form(Map<String, String> form) {
        return form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
