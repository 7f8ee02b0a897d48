package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.throttling.Throttle;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
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
    private final ObjectProvider<ProviderProtocol> protocols;
    private final TenantDirectory tenants;
    private final PublicUrl publicUrl;
    private final Throttle throttle;

    Discovery(IdentityProviders providers, ObjectProvider<ProviderProtocol> protocols, TenantDirectory tenants,
            PublicUrl publicUrl, Throttle throttle) {
        this.throttle = throttle;
        this.providers = providers;
        this.protocols = protocols;
        this.tenants = tenants;
        this.publicUrl = publicUrl;
    }

    /**
     * Where someone of the tenant with this e-mail address (or username) signs in: the enabled provider
     * claiming the domain when it signs in through the browser, else the password (an LDAP provider's
     * too). An unknown or inactive tenant, or a username, is answered PASSWORD like any other.
     *
     * @throws dev.gatehouse.server.shared.TooManyRequests over the address's limit: every request counts,
     *     as each costs a lookup and a script could walk the domains that use single sign-on
     */
    public Answer discover(String tenant, String email, Origin origin) {
        throttle.enter(new Throttle.Attempt(Throttle.Door.DISCOVERY, origin.ip(), null, null, origin.userAgent()));
        Optional<TenantDirectory.Named> named = tenants.named(tenant.strip());
        if (named.isEmpty() || !tenants.isActive(named.get().id())) {
            return PASSWORD;
        }
        return providers.forEmail(named.get().id(), email)
                .flatMap(provider -> loginPath(provider).map(path -> new Answer("SSO",
                        new Provider(provider.id().toString(), provider.name(), publicUrl.base() + path))))
                .orElse(PASSWORD);
    }

    /**
     * Whether the tenant's sign-in page asks for the e-mail address first: it has an enabled provider
     * that signs in through the browser (OIDC or SAML). Says nothing about any account.
     */
    public boolean asksEmailFirst(String tenant) {
        return tenants.named(tenant.strip()).filter(named -> tenants.isActive(named.id()))
                .map(named -> providers.hasBrowserSignIn(named.id())).orElse(false);
    }

    private Optional<String> loginPath(IdentityProvider provider) {
        return protocols.orderedStream().filter(protocol -> protocol.kind() == provider.kind()).findFirst()
                .map(protocol -> protocol.loginPath(provider.tenantSlug(), provider.id()));
    }
}
