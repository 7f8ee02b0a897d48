package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * Home-realm discovery (issue 15): where a person of a tenant signs in, told by their e-mail
 * domain alone. No account is looked up, so the answer is the same for every address of a domain,
 * taken or not: it tells nothing about who has an account.
 */
@Service
public class Discovery {

    /** {@code method} SSO with the provider to go to, or PASSWORD. */
    public record Answer(String method, @Nullable Provider provider) {}

    public record Provider(String id, String name, String loginUrl) {}

    private static final Answer PASSWORD = new Answer("PASSWORD", null);

    private final IdentityProviders providers;
    private final List<ProviderProtocol> protocols;
    private final TenantDirectory tenants;
    private final PublicUrl publicUrl;

    Discovery(IdentityProviders providers, List<ProviderProtocol> protocols, TenantDirectory tenants,
            PublicUrl publicUrl) {
        this.providers = providers;
        this.protocols = protocols;
        this.tenants = tenants;
        this.publicUrl = publicUrl;
    }

    /**
     * Where someone of the tenant with this e-mail address (or username) signs in: the enabled provider
     * claiming the domain when it signs in through the browser, else the password (an LDAP provider's
     * too). An unknown or inactive tenant, or a username, is answered PASSWORD like any other.
     */
    public Answer discover(String tenant, String email) {
        Optional<TenantDirectory.Named> named = tenants.named(tenant.strip());
        if (named.isEmpty() || !tenants.isActive(named.get().id())) {
            return PASSWORD;
        }
        return providers.forEmail(named.get().id(), email)
                .flatMap(provider -> loginPath(provider).map(path -> new Answer("SSO",
                        new Provider(provider.id().toString(), provider.name(), publicUrl.base() + path))))
                .orElse(PASSWORD);
    }

    private Optional<String> loginPath(IdentityProvider provider) {
        return protocols.stream().filter(protocol -> protocol.kind() == provider.kind()).findFirst()
                .map(protocol -> protocol.loginPath(provider.tenantSlug(), provider.id()));
    }
}
