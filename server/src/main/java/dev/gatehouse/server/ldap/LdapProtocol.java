package dev.gatehouse.server.ldap;

import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.identityproviders.ProviderProtocol;
import dev.gatehouse.server.shared.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * LDAP in the provider registry: checks a config before it is saved — its fields, then a bind as the
 * service account and a search of the people with the base and filter given, through the outbound
 * guard — and writes the defaults out. LDAP has no browser sign-in: people sign in with their
 * directory password on the ordinary sign-in form ({@link LdapPasswords}).
 */
@Component
class LdapProtocol implements ProviderProtocol {

    private final Directory directory;

    LdapProtocol(Directory directory) {
        this.directory = directory;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.LDAP;
    }

    @Override
    public Set<String> secretFields() {
        return DirectorySettings.SECRETS;
    }

    @Override
    public ObjectNode prepare(@Nullable String preset, ObjectNode config, Map<String, String> secrets,
            UUID providerId, String tenantSlug, List<FieldError> errors) {
        if (preset != null) {
            errors.add(new FieldError("preset", "LDAP providers have no preset"));
        }
        DirectorySettings settings = DirectorySettings.read(config, secrets, errors);
        if (settings == null) {
            return config;
        }
        try {
            directory.check(settings);
        } catch (DirectoryFailure e) {
            errors.add(new FieldError(e.field(), e.getMessage()));
            return config;
        }
        ObjectNode prepared = settings.toConfig();
        if (config.get(DirectorySettings.BREAK_GLASS_USERS) != null) {
            prepared.set(DirectorySettings.BREAK_GLASS_USERS, config.get(DirectorySettings.BREAK_GLASS_USERS));
        }
        return prepared;
    }

    @Override
    public @Nullable String loginPath(String tenantSlug, UUID providerId) {
        return null;
    }
}
