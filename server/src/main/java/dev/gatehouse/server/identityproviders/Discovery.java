package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.OpenTenants;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.throttling.Throttle;
import dev.gatehouse.server.users.RegistrationDesk;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Home-realm discovery (issue 15): where a person of a tenant signs in, told by their e-mail
 * domain alone. No account is looked up, so the answer is the same for every address of a domain,
 * taken or not: it tells nothing about who has an account.
 *
 * <p>Domain mappings (issue 16) route too: a mapping of the tenant named that targets one of its
 * children sends the address to the child's provider, and with no tenant named the platform-wide
 * routing of registrations decides (one owner's mappings, highest priority first). The answer then
 * names the tenant to sign in at — the only tenant an anonymous caller learns of, and only the one a
 * mapping routes the domain to; with no mapping and no tenant the answer is PASSWORD, naming none.
 */
@Service
public class Discovery {

    /**
     * {@code method} SSO with the provider to go to, or PASSWORD; {@code tenant} the slug to sign in at
     * when a domain mapping chose another tenant than the one named (or one when none was named).
     */
    public record Answer(String method, @Nullable Provider provider, @Nullable String tenant) {

        Answer(String method, @Nullable Provider provider) {
            this(method, provider, null);
        }
    }

    public record Provider(String id, String name, String loginUrl) {}

    private static final Answer PASSWORD = new Answer("PASSWORD", null);

    private final IdentityProviders providers;
    private final ObjectProvider<ProviderProtocol> protocols;
    private final TenantDirectory tenants;
    /** The tenant a caller who has not signed in names (a query or a form): the one resolver's answer. */
    private final OpenTenants open;
    private final PublicUrl publicUrl;
    private final Throttle throttle;
    private final RegistrationDesk mappings;

    Discovery(IdentityProviders providers, ObjectProvider<ProviderProtocol> protocols, TenantDirectory tenants,
            OpenTenants open, PublicUrl publicUrl, Throttle throttle, RegistrationDesk mappings) {
        this.open = open;
        this.throttle = throttle;
        this.mappings = mappings;
        this.providers = providers;
        this.protocols = protocols;
        this.tenants = tenants;
        this.publicUrl = publicUrl;
    }

    /**
     * Where someone with this e-mail address (or username) signs in: a domain mapping's target (see the
     * class comment), else the tenant named; there, the enabled provider claiming the domain when it signs
     * in through the browser, else the password (an LDAP provider's too). An unknown or inactive tenant,
     * a username, or no tenant and no mapping, is answered PASSWORD like any other.
     *
     * @param tenant the tenant's slug or id, or null when the person named none
     * @throws dev.gatehouse.server.shared.TooManyRequests over the address's limit: every request counts,
     *     as each costs a lookup and a script could walk the domains that use single sign-on
     */
    public Answer discover(@Nullable String tenant, String email, Origin origin) {
        throttle.enter(new Throttle.Attempt(Throttle.Door.DISCOVERY, origin.ip(), null, null, origin.userAgent()));
        TenantId active = null;
        if (tenant != null && !tenant.isBlank()) {
            Optional<OpenTenants.Active> found = open.bySlugOrId(tenant);
            if (found.isEmpty()) {
                return PASSWORD;
            }
            active = found.get().id();
        }
        Optional<TenantId> mapped = mappings.signInTenant(email, active);
        TenantId at = mapped.orElse(active);
        if (at == null) {
            return PASSWORD;
        }
        String routed = at.equals(active) ? null : tenants.slug(at);
        Optional<IdentityProvider> provider = providers.forEmail(at, email)
                .or(() -> mapped.isPresent() ? providers.onlyBrowserProvider(at) : Optional.empty());
        return provider.flatMap(found -> loginPath(found).map(path -> new Answer("SSO",
                        new Provider(found.id().toString(), found.name(), publicUrl.base() + path), routed)))
                .orElse(new Answer("PASSWORD", null, routed));
    }

    /**
     * Whether the tenant's sign-in page asks for the e-mail address first: it has an enabled provider
     * that signs in through the browser (OIDC or SAML). Says nothing about any account.
     */
    public boolean asksEmailFirst(String tenant) {
        return open.bySlugOrId(tenant).map(active -> providers.hasBrowserSignIn(active.id())).orElse(false);
    }

    private Optional<String> loginPath(IdentityProvider provider) {
        return protocols.orderedStream().filter(protocol -> protocol.kind() == provider.kind()).findFirst()
                .map(protocol -> protocol.loginPath(provider.tenantSlug(), provider.id()));
    }
}
