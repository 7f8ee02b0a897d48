package dev.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SecondNode;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The signing keys: stored sealed (no private part readable without the server's key), and the
 * same key set published by every node on the database, rotated by one node without breaking a
 * token signed before.
 */
class OidcKeysIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private SigningKeys keys;
    @Autowired
    private TestClock clock;
    @Autowired
    private SecretBox box;
    @Autowired
    private TransactionTemplate transactions;

    @AfterEach
    void clockBack() {
        clock.reset();
    }

    @Test
    void theStoredPrivateKeyIsNotReadableWithoutTheServersKey() {
        keys.signing();
        byte[] sealed = jdbc.sql("select sealed_jwk from oidc_signing_keys order by created_at desc limit 1")
                .query(byte[].class).single();

        String raw = new String(sealed, StandardCharsets.ISO_8859_1);
        assertThat(raw).doesNotContain("\"d\"").doesNotContain("RSA").doesNotContain("\"kty\"");
        assertThatThrownBy(() -> SecretBox.of(new byte[32]).open("oidc signing key", sealed))
                .isInstanceOf(SecretBox.SealBroken.class);
    }

    @Test
    void twoNodesOnOneDatabasePublishTheSameKeySet() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        try (SecondNode other = SecondNode.startBeside(dataSource)) {
            JWKSet here = jwks(port(), clinic.slug());
            JWKSet there = jwks(other.port(), clinic.slug());

            assertThat(here.getKeys()).isNotEmpty();
            assertThat(there.toString()).isEqualTo(here.toString());
            assertThat(here.getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
        }
    }

    @Test
    void aRotatedKeyKeepsVerifyingWhatItSignedWhileTheNewKeySignsFromThenOn() throws Exception {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        OidcFlowIT.Machine machine = machine(clinic);
        Duration ripe = SigningKeys.PUBLISH_AHEAD.plus(Duration.ofMinutes(1));
        clock.moveAhead(ripe);
        String before = accessToken(clinic, machine);
        String oldKid = SignedJWT.parse(before).getHeader().getKeyID();

        makeTheSigningKeyDue();
        keys.rotateIfDue();
        JWKSet published = jwks(port(), clinic.slug());
        List<String> kids = published.getKeys().stream().map(JWK::getKeyID).toList();
        assertThat(kids).as("the new key is published before it signs").contains(oldKid).hasSizeGreaterThan(1);
        String newKid = kids.getFirst();
        assertThat(newKid).isNotEqualTo(oldKid);
        assertThat(SignedJWT.parse(accessToken(clinic, machine)).getHeader().getKeyID())
                .as("within %s of being published the new key does not sign yet", SigningKeys.PUBLISH_AHEAD)
                .isEqualTo(oldKid);

        clock.moveAhead(ripe.multipliedBy(2));
        String after = accessToken(clinic, machine);

        assertThat(SignedJWT.parse(after).getHeader().getKeyID()).isEqualTo(newKid);
        JWKSet stillPublished = jwks(port(), clinic.slug());
        assertThat(stillPublished.getKeys()).extracting(JWK::getKeyID).contains(oldKid, newKid);
        assertThat(verify(stillPublished, before).getStringClaim("client_id")).isEqualTo(machine.clientId());
        assertThat(verify(stillPublished, after).getStringClaim("client_id")).isEqualTo(machine.clientId());
        Response me = api.get("/api/v1/me", before);
        assertThat(me.status()).as("the API still takes the old key's token: %s", me.raw()).isEqualTo(200);
    }

    @Test
    void aNodeFindingAnotherRotatingLeavesTheRotationToIt() throws Exception {
        keys.signing();
        makeTheSigningKeyDue();
        List<String> before = storedKids();

        // Another node holds the rotation's advisory lock, as it does while it rotates.
        try (Connection otherNode = dataSource.getConnection(); Statement lock = otherNode.createStatement()) {
            otherNode.setAutoCommit(false);
            lock.execute("select pg_advisory_xact_lock(hashtext('oidc_signing_keys'))");
            keys.rotateIfDue();
            assertThat(storedKids()).as("no key made while another node rotates").isEqualTo(before);
            otherNode.rollback();
        }

        keys.rotateIfDue();
        keys.rotateIfDue();
        assertThat(storedKids()).filteredOn(kid -> !before.contains(kid))
                .as("the lock released, this node rotates the key that is due, once").hasSize(1);
    }

    @Test
    void aNodeFindingNoKeyWhileAnotherMakesTheFirstWaitsAndSignsWithThatKey() throws Exception {
        keys.signing();
        List<Map<String, Object>> kept = jdbc.sql(
                "select kid, sealed_jwk, created_at, retired_at, publish_until from oidc_signing_keys").query().listOfRows();
        ExecutorService freshNodeThread = Executors.newSingleThreadExecutor();
        try (Connection otherNode = dataSource.getConnection(); Statement statement = otherNode.createStatement()) {
            jdbc.sql("delete from oidc_signing_keys").update();
            SigningKeys freshNode = new SigningKeys(jdbc, box, transactions, clock, Duration.ofDays(30));

            // A fresh database: the other node is making the first key, under the lock, not committed yet.
            otherNode.setAutoCommit(false);
            statement.execute("select pg_advisory_xact_lock(hashtext('oidc_signing_keys'))");
            RSAKey first = new RSAKeyGenerator(2048).keyID("first-" + UUID.randomUUID()).generate();
            try (PreparedStatement insert = otherNode.prepareStatement(
                    "insert into oidc_signing_keys (kid, sealed_jwk) values (?, ?)")) {
                insert.setString(1, first.getKeyID());
                insert.setBytes(2, box.seal("oidc signing key", first.toJSONString().getBytes(StandardCharsets.UTF_8)));
                insert.executeUpdate();
            }
            Future<JWK> signing = freshNodeThread.submit(freshNode::signing);
            while (!signing.isDone() && !waitingOnAnAdvisoryLock()) {
                Thread.onSpinWait();
            }
            otherNode.commit();

            assertThat(signing.get(1, TimeUnit.MINUTES).getKeyID())
                    .as("this node waited for the other's first key and signs with it").isEqualTo(first.getKeyID());
            assertThat(storedKids()).as("the first key is made once").containsExactly(first.getKeyID());
        } finally {
            freshNodeThread.shutdownNow();
            jdbc.sql("delete from oidc_signing_keys").update();
            for (Map<String, Object> row : kept) {
                jdbc.sql("""
                        insert into oidc_signing_keys (kid, sealed_jwk, created_at, retired_at, publish_until)
                        values (:kid, :sealed_jwk, :created_at, :retired_at, :publish_until)
                        """).param("kid", row.get("kid")).param("sealed_jwk", row.get("sealed_jwk"))
                        .param("created_at", row.get("created_at")).param("retired_at", row.get("retired_at"))
                        .param("publish_until", row.get("publish_until")).update();
            }
        }
    }

    private boolean waitingOnAnAdvisoryLock() {
        return jdbc.sql("select count(*) from pg_locks where locktype = 'advisory' and not granted")
                .query(Integer.class).single() > 0;
    }

    /** Ages the signing key past the rotation period ({@code gatehouse.oidc.key-rotation}, 30 days here). */
    private void makeTheSigningKeyDue() {
        jdbc.sql("update oidc_signing_keys set created_at = created_at - interval '31 days' where retired_at is null")
                .update();
    }

    private List<String> storedKids() {
        return jdbc.sql("select kid from oidc_signing_keys order by kid").query(String.class).list();
    }

    private OidcFlowIT.Machine machine(SignedInTenant tenant) {
        String service = new OidcClientsIT.Fixtures(api).serviceAccount(tenant, "billing-job");
        Response created = api.post(tenant.path("/clients"),
                tenant.adminToken(), OidcClientsIT.machine(service));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return new OidcFlowIT.Machine(created.text("/clientId"), created.text("/clientSecret"), service);
    }

    private String accessToken(SignedInTenant tenant, OidcFlowIT.Machine client) throws Exception {
        String basic = Base64.getEncoder().encodeToString((OidcFlowIT.encode(client.clientId()) + ":"
                + OidcFlowIT.encode(client.secret())).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port() + "/oauth2/" + tenant.slug() + "/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OidcFlowIT.form(Map.of("grant_type", "client_credentials",
                        "scope", "gatehouse.api")))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonMapper.builder().build().readTree(response.body()).get("access_token").asString();
    }

    private static JWTClaimsSet verify(JWKSet published, String jwt) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier((type, context) -> { });
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(published)));
        return processor.process(jwt, null);
    }

    private static JWKSet jwks(int port, String slug) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/oauth2/" + slug + "/jwks")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JWKSet.parse(response.body());
    }
}
