package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.console.SsoSignInPages;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.TenantDirectory;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Protocols for the registry's tests, ahead of any shipped one (@Order): an OIDC one that wants an
 * https {@code issuer} and keeps {@code clientSecret} secret, and an LDAP one that wants a {@code url}
 * and keeps {@code bindPassword} secret and signs in by password (no login path). The real protocols
 * are tested in their own packages. The OIDC one's login path is {@link FakeIdentityProvider}: a page
 * that vouches for whatever address is typed into it, to drive the sign-in pages end to end.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestProtocols {

    @Bean
    FakeIdentityProvider fakeIdentityProvider(SsoSignInPages pages, TenantDirectory tenants) {
        return new FakeIdentityProvider(pages, tenants);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    ProviderProtocol testOidc() {
        return new Protocol(ProviderKind.OIDC, "issuer", "https://", "clientSecret", FakeIdentityProvider.PATH + "/");
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    ProviderProtocol testLdap() {
        return new Protocol(ProviderKind.LDAP, "url", "ldaps://", "bindPassword", null);
    }

    private record Protocol(ProviderKind kind, String field, String scheme, String secret, @Nullable String path)
            implements ProviderProtocol {

        @Override
        public Set<String> secretFields() {
            return Set.of(secret);
        }

        @Override
        public ObjectNode prepare(@Nullable String preset, ObjectNode config, Map<String, String> secrets,
                UUID providerId, String tenantSlug, List<FieldError> errors) {
            JsonNode value = config.get(field);
            if (value == null || !value.isString() || !value.asString().startsWith(scheme)) {
                errors.add(new FieldError("config." + field, "must be a " + scheme + " URL"));
            }
            if ("GOOGLE".equals(preset)) {
                config.put("preset-defaults", "applied");
            }
            return config;
        }

        @Override
        public @Nullable String loginPath(String tenantSlug, UUID providerId) {
            return path == null ? null : path + tenantSlug + "/" + providerId;
        }
    }
}
