package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.console.SsoSignInPages;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.TenantDirectory;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Test doubles of the OIDC and LDAP protocols, in every IT's context ({@code IntegrationTest}), for the
 * registry's own tests: they speak only for providers whose address names a {@code .idp.test} host (OIDC
 * {@code issuer}, LDAP {@code url}) and hand every other provider to the shipped protocol of the kind —
 * among them those of {@code receiver.test} (TestDns.RECEIVER), where the protocols' ITs run real servers —
 * so the protocols' own tests see only their own beans' behaviour. The OIDC double wants an https
 * issuer and keeps {@code clientSecret} secret; its login path is {@link FakeIdentityProvider}, a page
 * that vouches for whatever address is typed into it. The LDAP double wants an ldaps URL, keeps
 * {@code bindPassword} secret and signs in by password (no login path).
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestProtocols {

    /** An address of this host suffix makes a provider the doubles'. */
    public static final String TEST_HOST = ".idp.test";

    @Bean
    FakeIdentityProvider fakeIdentityProvider(SsoSignInPages pages, TenantDirectory tenants) {
        return new FakeIdentityProvider(pages, tenants);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    ProviderProtocol testOidc(ObjectProvider<ProviderProtocol> all, ObjectProvider<IdentityProviders> providers,
            TenantDirectory tenants) {
        return new Double(ProviderKind.OIDC, "issuer", "https://", "clientSecret", FakeIdentityProvider.PATH + "/",
                all, providers, tenants);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    ProviderProtocol testLdap(ObjectProvider<ProviderProtocol> all, ObjectProvider<IdentityProviders> providers,
            TenantDirectory tenants) {
        return new Double(ProviderKind.LDAP, "url", "ldaps://", "bindPassword", null, all, providers, tenants);
    }

    private record Double(ProviderKind kind, String field, String scheme, String secret, @Nullable String path,
            ObjectProvider<ProviderProtocol> all, ObjectProvider<IdentityProviders> providers,
            TenantDirectory tenants) implements ProviderProtocol {

        @Override
        public Set<String> secretFields() {
            Set<String> fields = new HashSet<>(Set.of(secret));
            shipped().ifPresent(protocol -> fields.addAll(protocol.secretFields()));
            return fields;
        }

        @Override
        public ObjectNode prepare(@Nullable String preset, ObjectNode config, Map<String, String> secrets,
                UUID providerId, String tenantSlug, List<FieldError> errors) {
            if (!ours(config)) {
                Optional<ProviderProtocol> shipped = shipped();
                if (shipped.isEmpty()) {
                    errors.add(new FieldError("config", "kind " + kind + " not available"));
                    return config;
                }
                return shipped.get().prepare(preset, config, secrets, providerId, tenantSlug, errors);
            }
            if (!config.get(field).asString().startsWith(scheme)) {
                errors.add(new FieldError("config." + field, "must be a " + scheme + " URL"));
            }
            return config;
        }

        @Override
        public @Nullable String loginPath(String tenantSlug, UUID providerId) {
            boolean ours = tenants.idOf(tenantSlug).flatMap(tenant -> providers.getObject().find(tenant, providerId))
                    .map(provider -> ours(provider.config())).orElse(false);
            if (ours) {
                return path == null ? null : path + tenantSlug + "/" + providerId;
            }
            return shipped().map(protocol -> protocol.loginPath(tenantSlug, providerId)).orElse(null);
        }

        private boolean ours(ObjectNode config) {
            JsonNode value = config.get(field);
            if (value == null || !value.isString()) {
                return false;
            }
            String address = value.asString();
            int start = address.indexOf("://");
            String host = address.substring(start < 0 ? 0 : start + 3).split("[/:?#]", 2)[0];
            return host.endsWith(TEST_HOST);
        }

        private Optional<ProviderProtocol> shipped() {
            return all.orderedStream().filter(protocol -> protocol.kind() == kind && !(protocol instanceof Double))
                    .findFirst();
        }
    }
}
