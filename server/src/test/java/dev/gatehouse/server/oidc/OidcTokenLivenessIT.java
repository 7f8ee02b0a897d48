package dev.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTParser;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Client-credentials tokens without a row each (issue 17), and token liveness from verdicts kept in
 * memory until a change announced on every node drops them (issue 12): nothing is stored when such a
 * token is issued; its revocation (RFC 7009) is written down by {@code jti} and then refused by
 * introspection and the API; a change that only the database and another node's announcement know
 * of ends the token here within a second, and one nobody announced does not reach the verdict.
 */
class OidcTokenLivenessIT extends IntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transaction;

    private SignedInTenant clinic;
    private OidcFlowIT.Machine machine;

    @BeforeEach
    void clinicWithAMachine() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        machine = OidcFlowIT.Machine.create(api, clinic);
    }

    @Test
    void clientCredentialsTokensAreNotStoredYetIntrospectAsActiveWithTheirClaims() throws Exception {
        String first = accessToken(machine);
        String second = accessToken(machine);

        assertThat(jdbc.sql("select count(*) from oidc_authorizations where tenant_id = :tenant")
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single())
                .as("no row per client-credentials token").isZero();
        assertThat(JWTParser.parse(first).getJWTClaimsSet().getStringClaim("gty")).isEqualTo("client_credentials");
        JsonNode active = introspect(machine, first);
        assertThat(active.get("active").asBoolean()).as(active.toString()).isTrue();
        assertThat(active.get("sub").asString()).isEqualTo(machine.serviceAccount());
        assertThat(active.get("client_id").asString()).isEqualTo(machine.clientId());
        assertThat(active.get("scope").asString()).isEqualTo("gatehouse.api");
        assertThat(active.get("exp").asLong()).isPositive();
        assertThat(introspect(machine, second).get("active").asBoolean()).isTrue();
        assertThat(api.get("/api/v1/me", first).status()).isEqualTo(200);
    }

    @Test
    void aRevokedClientCredentialsTokenIsWrittenDownByItsIdAndRefusedEverywhereElse() throws Exception {
        String revoked = accessToken(machine);
        String kept = accessToken(machine);
        assertThat(api.get("/api/v1/me", revoked).status()).as("its verdict is kept now").isEqualTo(200);

        HttpResponse<String> revocation = post("/revoke", machine, Map.of("token", revoked,
                "token_type_hint", "access_token"));

        assertThat(revocation.statusCode()).as(revocation.body()).isEqualTo(200);
        String jti = JWTParser.parse(revoked).getJWTClaimsSet().getJWTID();
        assertThat(jdbc.sql("select jti from oidc_revoked_tokens where tenant_id = :tenant")
                .param("tenant", UUID.fromString(clinic.id())).query(String.class).list()).containsExactly(jti);
        assertThat(introspect(machine, revoked).get("active").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/me", revoked).status()).isEqualTo(401);
        assertThat(introspect(machine, kept).get("active").asBoolean()).isTrue();
        assertThat(api.get("/api/v1/me", kept).status()).isEqualTo(200);
        assertThat(post("/revoke", machine, Map.of("token", revoked)).statusCode()).as("again: nothing to do")
                .isEqualTo(200);
    }

    @Test
    void anotherClientOfTheTenantCannotRevokeTheToken() throws Exception {
        String token = accessToken(machine);
        String otherService = new OidcClientsIT.Fixtures(api).serviceAccount(clinic, "report-job");
        Response created = api.post(clinic.path("/clients"), clinic.adminToken(), OidcClientsIT.machine(otherService));
        OidcFlowIT.Machine other = new OidcFlowIT.Machine(created.text("/clientId"), created.text("/clientSecret"),
                otherService);

        post("/revoke", other, Map.of("token", token));

        assertThat(jdbc.sql("select count(*) from oidc_revoked_tokens where tenant_id = :tenant")
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single()).isZero();
        assertThat(introspect(machine, token).get("active").asBoolean()).isTrue();
    }

    @Test
    void aServiceAccountDisabledOnAnotherNodeEndsItsTokenHereWithinASecond() throws Exception {
        String token = accessToken(machine);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);

        // Another node disables the account: the row changes, and that node announces the change.
        transaction.executeWithoutResult(status -> {
            jdbc.sql("update users set status = 'DISABLED' where tenant_id = :tenant and id = :user")
                    .param("tenant", UUID.fromString(clinic.id())).param("user", UUID.fromString(machine.serviceAccount()))
                    .update();
            announceFromAnotherNode("SUBJECT:" + clinic.id() + ":" + machine.serviceAccount() + ":0");
        });

        assertThat(withinASecond(() -> api.get("/api/v1/me", token).status(), 401)).isEqualTo(401);
        assertThat(introspect(machine, token).get("active").asBoolean()).isFalse();
    }

    @Test
    void aClientDisabledOnAnotherNodeEndsItsTokenHereWithinASecond() throws Exception {
        String token = accessToken(machine);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);

        transaction.executeWithoutResult(status -> {
            jdbc.sql("update oidc_clients set status = 'DISABLED' where tenant_id = :tenant and client_id = :client")
                    .param("tenant", UUID.fromString(clinic.id())).param("client", machine.clientId()).update();
            announceFromAnotherNode("POLICY:" + clinic.id() + ":-:0");
        });

        assertThat(withinASecond(() -> api.get("/api/v1/me", token).status(), 401)).isEqualTo(401);
    }

    @Test
    void aTenantSuspendedOnAnotherNodeEndsItsTokenHereWithinASecond() throws Exception {
        String token = accessToken(machine);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);

        transaction.executeWithoutResult(status -> {
            jdbc.sql("update tenants set status = 'SUSPENDED' where id = :tenant")
                    .param("tenant", UUID.fromString(clinic.id())).update();
            announceFromAnotherNode("POLICY:" + clinic.id() + ":-:0");
        });

        assertThat(withinASecond(() -> api.get("/api/v1/me", token).status(), 401)).isEqualTo(401);
    }

    @Test
    void theVerdictIsKeptUntilAChangeIsAnnouncedNotAskedOfTheDatabaseOnEveryRequest() throws Exception {
        String token = accessToken(machine);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);
        jdbc.sql("update oidc_clients set status = 'DISABLED' where tenant_id = :tenant and client_id = :client")
                .param("tenant", UUID.fromString(clinic.id())).param("client", machine.clientId()).update();

        assertThat(api.get("/api/v1/me", token).status()).as("nobody announced the change: the verdict stands")
                .isEqualTo(200);

        // Through the clients API the change is announced, and the token ends at once.
        jdbc.sql("update oidc_clients set status = 'ACTIVE' where tenant_id = :tenant and client_id = :client")
                .param("tenant", UUID.fromString(clinic.id())).param("client", machine.clientId()).update();
        Response disabled = api.patch(clinic.path("/clients/" + machine.clientId()), clinic.adminToken(),
                "{\"status\":\"DISABLED\"}");
        assertThat(disabled.status()).as(disabled.raw()).isEqualTo(200);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
    }

    /** What another node's {@code AccessChanges} sends: the NOTIFY alone, so only the listener evicts here. */
    private void announceFromAnotherNode(String payload) {
        jdbc.sql("select pg_notify('gatehouse_access', :payload)").param("payload", payload).query().singleValue();
    }

    /** Asks until the answer is {@code wanted} or 1.5 s have passed (the listener polls every 250 ms). */
    private static int withinASecond(Supplier<Integer> ask, int wanted) throws InterruptedException {
        long deadline = System.nanoTime() + 1_500_000_000L;
        int answer = ask.get();
        while (answer != wanted && System.nanoTime() < deadline) {
            Thread.sleep(50);
            answer = ask.get();
        }
        return answer;
    }

    private String accessToken(OidcFlowIT.Machine client) throws Exception {
        HttpResponse<String> response = post("/token", client, Map.of("grant_type", "client_credentials",
                "scope", "gatehouse.api"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return OidcFlowIT.JSON.readTree(response.body()).get("access_token").asString();
    }

    private JsonNode introspect(OidcFlowIT.Machine client, String token) throws Exception {
        HttpResponse<String> response = post("/introspect", client, Map.of("token", token));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return OidcFlowIT.JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String endpoint, OidcFlowIT.Machine client, Map<String, String> form)
            throws Exception {
        String basic = Base64.getEncoder().encodeToString((OidcFlowIT.encode(client.clientId()) + ":"
                + OidcFlowIT.encode(client.secret())).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port() + "/oauth2/" + clinic.slug()
                        + endpoint))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OidcFlowIT.form(form))).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
