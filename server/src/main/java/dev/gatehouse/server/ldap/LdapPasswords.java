package dev.gatehouse.server.ldap;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.authentication.DirectoryPasswords;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.identityproviders.IdentityProviders;
import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * LDAP password sign-in: for an account a sync linked to an enabled LDAP provider with
 * {@code passwordSignIn}, the password step asks the directory instead of the local hash. The
 * directory is searched for the person (by the username it gave, escaped) and must answer with the
 * very entry linked to the account (same subject); then a bind as that entry with the password
 * decides. An empty password never reaches the directory (an unauthenticated bind succeeds there),
 * and a directory that cannot be reached refuses: the account stays the directory's.
 *
 * <p>Every password sign-in asks, and most tenants have no such provider, so each node keeps whether a
 * tenant has one (issue 17: no read of the account's entries then) until a provider's change is announced
 * (the identity providers' registry announces the tenant as changed; every node hears it within about a
 * quarter of a second, this one right after the commit). A read that overlapped such an eviction is not kept.
 */
@Component
class LdapPasswords implements DirectoryPasswords {

    private static final Logger log = LoggerFactory.getLogger(LdapPasswords.class);

    private final SyncedEntries entries;
    private final IdentityProviders providers;
    private final Directory directory;

    /**
     * Whether each tenant has an enabled LDAP provider with password sign-in, as last read here; a minute's
     * expiry is only a safety net.
     */
    private final NodeCache<TenantId, Boolean> passwordSignInByTenant =
            NodeCache.expiringAfter(10_000, Duration.ofMinutes(1));

    LdapPasswords(SyncedEntries entries, IdentityProviders providers, Directory directory) {
        this.entries = entries;
        this.providers = providers;
        this.directory = directory;
    }

    @Override
    public Optional<Boolean> verify(TenantId tenant, UUID userId, String username, String password) {
        if (!passwordSignIn(tenant)) {
            return Optional.empty();
        }
        for (SyncedEntries.Entry entry : entries.ofUser(tenant, userId)) {
            Optional<IdentityProvider> provider = providers.find(tenant, entry.providerId())
                    .filter(p -> p.kind() == ProviderKind.LDAP && p.enabled());
            if (provider.isEmpty()) {
                continue;
            }
            DirectorySettings settings = DirectorySettings.read(provider.get().config(), provider.get().secrets(),
                    new ArrayList<>());
            if (settings == null || !settings.passwordSignIn()) {
                continue;
            }
            if (password.isEmpty()) {
                return Optional.of(false);
            }
            try {
                Optional<DirectoryEntry> person = directory.person(settings,
                        entry.username() != null ? entry.username() : username);
                if (person.isEmpty() || !person.get().subject().equals(entry.subject()) || person.get().disabled()) {
                    return Optional.of(false);
                }
                return Optional.of(directory.binds(settings, person.get().dn(), password));
            } catch (DirectoryFailure e) {
                log.warn("LDAP sign-in of {} in {} refused: {} ({})", userId, tenant, e.getMessage(), e.field());
                return Optional.of(false);
            }
        }
        return Optional.empty();
    }

    private boolean passwordSignIn(TenantId tenant) {
        return passwordSignInByTenant.get(tenant, () -> providers.ofKind(tenant, ProviderKind.LDAP).stream()
                .filter(IdentityProvider::enabled)
                .map(provider -> DirectorySettings.read(provider.config(), provider.secrets(), new ArrayList<>()))
                .anyMatch(settings -> settings != null && settings.passwordSignIn()));
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Policy policy -> passwordSignInByTenant.evict(policy.tenant());
            case AccessChanged.Everything everything -> passwordSignInByTenant.evictAll();
            case AccessChanged.Subject subject -> {
                // One user's state: not the tenant's providers (the account's entries are read at each sign-in).
            }
        }
    }
}
