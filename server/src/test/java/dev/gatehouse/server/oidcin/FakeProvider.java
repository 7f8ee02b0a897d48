package dev.gatehouse.server.oidcin;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A provider whose token endpoint answers what the test stages: for ID tokens no honest provider
 * issues (a signature that no longer matches the claims, another issuer), signed with its own key
 * that its JWK set publishes. The mock-oauth2-server covers honest providers.
 */
final class FakeProvider implements AutoCloseable {

    private final HttpServer server;
    private final RSAKey key;
    private final String issuer;
    private final AtomicReference<String> tokenAnswer = new AtomicReference<>("{}");

    FakeProvider(String host) throws Exception {
        key = new RSAKeyGenerator(2048).keyID("fake-1").generate();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        issuer = "http://" + host + ":" + server.getAddress().getPort() + "/fake";
        server.createContext("/fake/.well-known/openid-configuration", exchange -> answer(exchange, """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/authorize","token_endpoint":"%1$s/token",
                 "jwks_uri":"%1$s/jwks","response_types_supported":["code"],"subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["RS256"]}""".formatted(issuer)));
        server.createContext("/fake/jwks", exchange -> answer(exchange, new JWKSet(key.toPublicJWK()).toString()));
        server.createContext("/fake/token", exchange -> answer(exchange, tokenAnswer.get()));
        server.start();
    }

    String issuer() {
        return issuer;
    }

    /** An ID token signed with this provider's key. */
    String idToken(String iss, String audience, String subject, String nonce, String email) throws Exception {
        return idToken(iss, audience, subject, nonce, email, 600);
    }

    /** The same, expiring {@code seconds} from now (in the past when negative). */
    String idToken(String iss, String audience, String subject, String nonce, String email, long seconds)
            throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(iss).audience(audience).subject(subject)
                .issueTime(new Date(System.currentTimeMillis() - Math.max(0, -seconds) * 1000 - 60_000))
                .expirationTime(new Date(System.currentTimeMillis() + seconds * 1000))
                .claim("nonce", nonce).claim("email", email).claim("email_verified", true).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    /** The token endpoint's next answers: this ID token with an access token. */
    void answerWith(String idToken) {
        tokenAnswer.set("{\"access_token\":\"opaque\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\""
                + idToken + "\"}");
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
