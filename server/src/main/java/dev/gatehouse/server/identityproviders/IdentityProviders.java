package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.node.ObjectNode;

/** The registry's read side, for the protocols and the sign-in pages: a tenant's providers with their secrets opened. */
@Service
public class IdentityProviders {

    private final ProviderStore store;
    private final TenantDirectory tenants;

    IdentityProviders(ProviderStore store, TenantDirectory tenants) {
        this.store = store;
        this.tenants = tenants;
    }

    /** The tenant's provider, enabled or not. */
    public Optional<IdentityProvider> find(TenantId tenant, UUID id) {
        return store.find(tenant, id).map(this::provider);
    }

    public List<IdentityProvider> ofKind(TenantId tenant, ProviderKind kind) {
        return store.ofKind(tenant, kind).stream().map(this::provider).toList();
    }

    /** Every tenant's providers of the kind (the scheduled LDAP sync). */
    public List<IdentityProvider> everyOfKind(ProviderKind kind) {
        return store.everyOfKind(kind).stream().map(this::provider).toList();
    }

    /** The tenant's enabled provider claiming the address's domain: home-realm discovery. */
    public Optional<IdentityProvider> forEmail(TenantId tenant, String email) {
        return domainOf(email).flatMap(domain -> store.enabledForDomain(tenant, domain)).map(this::provider);
    }

    /**
     * The tenant's one enabled provider that signs in through the browser, when it has exactly one: where
     * a domain mapping's address goes when no provider lists its (sub)domain (issue 16).
     */
    public Optional<IdentityProvider> onlyBrowserProvider(TenantId tenant) {
        List<ProviderStore.Row> browser = store.all(tenant).stream()
                .filter(row -> row.enabled() && row.kind() != ProviderKind.LDAP).toList();
        return browser.size() == 1 ? Optional.of(provider(browser.getFirst())) : Optional.empty();
    }

    /** Keeps a small piece of a provider's state under {@code key} (SP keys, the last sync). */
    @Transactional
    public void saveState(TenantId tenant, UUID id, String key, ObjectNode state) {
        store.saveState(tenant, id, key, state);
    }

    /** The state kept under {@code key}, empty when none is. */
    public Optional<ObjectNode> state(TenantId tenant, UUID id, String key) {
        return store.state(tenant, id).get(key) instanceof ObjectNode kept ? Optional.of(kept) : Optional.empty();
    }

    /** Whether the tenant has an enabled provider that signs in through the browser (OIDC or SAML). */
    public boolean hasBrowserSignIn(TenantId tenant) {
        return store.anyEnabledBut(tenant, ProviderKind.LDAP);
    }

    /** The lower-case domain of an e-mail address, empty when the text is no address. */
    static Optional<String> domainOf(String email) {
        String address = email.strip();
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(address.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    IdentityProvider provider(ProviderStore.Row row) {
        return new IdentityProvider(row.id(), row.tenant(), tenants.slug(row.tenant()), row.name(), row.kind(),
                row.preset(), row.domains(), row.config(), row.secrets(), row.jit(), row.mappings(), row.enforced(),
                row.enabled());
    }
}
