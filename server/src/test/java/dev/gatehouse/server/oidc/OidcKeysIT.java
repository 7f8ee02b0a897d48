package dev.gatehouse.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SecondNode;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The signing keys: stored sealed (no private part readable without the server's key), and the
 * same key set published by every node on the database.
 */
class OidcKeysIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private DataSource dataSource;
    @Autowired
    private SigningKeys keys;

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

    private static JWKSet jwks(int port, String slug) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/oauth2/" + slug + "/jwks")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JWKSet.parse(response.body());
    }
}
