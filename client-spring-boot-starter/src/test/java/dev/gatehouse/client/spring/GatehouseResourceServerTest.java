package dev.gatehouse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * The starter's decoder against tokens signed as Gatehouse signs them, with the tenant's key published by a fake
 * Gatehouse: an RFC 9068 access token of the tenant is accepted; another issuer's, another type's, another
 * key's, or (when the audience is set) another application's is refused.
 */
class GatehouseResourceServerTest {

    /** RFC 9068 §2.1: an access token's {@code typ}. */
    private static final JOSEObjectType ACCESS_TOKEN = new JOSEObjectType("at+jwt");

    private final FakeGatehouseServer server = FakeGatehouseServer.start();
    private final RSAKey tenantKey = key();
    private final ApplicationContextRunner application = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(GatehouseAutoConfiguration.class, GatehouseResourceServerAutoConfiguration.class))
            .withPropertyValues(server.properties())
            .withPropertyValues("gatehouse.local.enabled=false", "gatehouse.resource-server.audience=clinic-app");

    GatehouseResourceServerTest() {
        server.publishKeys(new JWKSet(tenantKey.toPublicJWK()).toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anAccessTokenOfTheTenantIssuedToThisApplicationIsAccepted() {
        application.run(context -> {
            Jwt token = context.getBean(JwtDecoder.class).decode(token(tenantKey, ACCESS_TOKEN, claims -> claims));
            assertThat(token.getSubject()).isEqualTo("7d9e5c1a-0000-4000-8000-000000000001");
            assertThat(token.getClaimAsString("tenant")).isEqualTo(FakeGatehouseServer.TENANT);
        });
    }

    @Test
    void anotherIssuersTokenIsRefused() {
        refused(token(tenantKey, ACCESS_TOKEN, claims -> claims.issuer(server.url() + "/oauth2/elsewhere")));
    }

    @Test
    void anIdTokenOrOtherJwtIsNotAnAccessToken() {
        refused(token(tenantKey, JOSEObjectType.JWT, claims -> claims));
    }

    @Test
    void aTokenSignedWithAKeyTheTenantDoesNotPublishIsRefused() {
        refused(token(key(), ACCESS_TOKEN, claims -> claims));
    }

    @Test
    void anotherApplicationsTokenIsRefusedWhenTheAudienceIsSet() {
        refused(token(tenantKey, ACCESS_TOKEN, claims -> claims.audience("outside-scheduler")));
    }

    private void refused(String token) {
        application.run(context -> assertThatThrownBy(() -> context.getBean(JwtDecoder.class).decode(token))
                .isInstanceOf(JwtException.class));
    }

    /** An access token as Gatehouse's token customizer writes one, changed by {@code change}. */
    private String token(RSAKey signer, JOSEObjectType type, UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(server.issuer())
                .subject("7d9e5c1a-0000-4000-8000-000000000001")
                .audience("clinic-app")
                .claim("client_id", "clinic-app")
                .claim("tenant", FakeGatehouseServer.TENANT)
                .claim(RoleAuthorities.CLAIM, List.of(Map.of("role", "provider")))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .jwtID(UUID.randomUUID().toString());
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signer.getKeyID()).type(type).build(),
                    change.apply(claims).build());
            jwt.sign(new RSASSASigner(signer));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RSAKey key() {
        try {
            return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
