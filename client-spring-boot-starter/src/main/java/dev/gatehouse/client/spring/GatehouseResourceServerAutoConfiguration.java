package dev.gatehouse.client.spring;

import dev.gatehouse.client.GatehouseClient;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;

/**
 * The application as a resource server for its tenant's Gatehouse-issued access tokens, when Spring Security's
 * resource server is on the class path and the application has no {@link JwtDecoder} of its own: tokens are
 * checked against the tenant's published keys ({@code {url}/oauth2/{tenant}/jwks}) as RFC 9068 asks (signature,
 * {@code typ: at+jwt}, issuer, expiry, the required claims; the audience when {@code gatehouse.resource-server.audience}
 * is set), and their held roles become authorities ({@link RoleAuthorities}) with the principal named by {@code sub}.
 * Before Spring Boot's own resource server configuration, which then backs off, and whose default filter chain
 * uses this decoder when the application declares no chain.
 */
@AutoConfiguration(after = GatehouseAutoConfiguration.class,
        beforeName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration")
@ConditionalOnClass({JwtDecoder.class, JwtAuthenticationConverter.class})
@ConditionalOnProperty(prefix = "gatehouse", name = "url")
public class GatehouseResourceServerAutoConfiguration {

    /** The principal's claim: the user's id, which is what Gatehouse is asked about. */
    static final String SUBJECT = "sub";

    @Bean
    @ConditionalOnMissingBean(JwtDecoder.class)
    JwtDecoder gatehouseJwtDecoder(GatehouseProperties gatehouse, GatehouseClient client) {
        // Built on the first token: the tenant may be learnt from the API key, which needs Gatehouse reachable.
        return new SupplierJwtDecoder(() -> accessTokens(gatehouse, client.tenant()));
    }

    static JwtDecoder accessTokens(GatehouseProperties gatehouse, String tenant) {
        String tenantIssuer = gatehouse.url().toString().replaceAll("/+$", "") + "/oauth2/" + tenant;
        String issuer = gatehouse.resourceServer().issuer() == null ? tenantIssuer : gatehouse.resourceServer().issuer().toString();
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(tenantIssuer + "/jwks").build();
        decoder.setJwtValidator(validator(issuer, gatehouse.resourceServer().audience()));
        return decoder;
    }

    private static OAuth2TokenValidator<Jwt> validator(String issuer, @Nullable String audience) {
        JwtValidators.AtJwtBuilder accessToken = JwtValidators.createAtJwtValidator().issuer(issuer);
        if (audience != null) {
            accessToken.audience(audience);
        }
        return accessToken.build();
    }

    @Bean
    @ConditionalOnMissingBean(JwtAuthenticationConverter.class)
    JwtAuthenticationConverter gatehouseJwtAuthenticationConverter() {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setPrincipalClaimName(SUBJECT);
        converter.setJwtGrantedAuthoritiesConverter(token -> RoleAuthorities.of(token.getClaims().get(RoleAuthorities.CLAIM)));
        return converter;
    }
}
