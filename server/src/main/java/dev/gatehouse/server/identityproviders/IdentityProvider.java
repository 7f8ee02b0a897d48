package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tenant's identity provider as the protocols read it: {@code config} holds the protocol's
 * settings without its secrets, {@code secrets} the write-only settings (client secret, bind
 * password, SP private key …) opened from their sealed form; never shown by any answer.
 */
public record IdentityProvider(UUID id, TenantId tenant, String tenantSlug, String name, ProviderKind kind,
        @Nullable String preset, List<String> domains, ObjectNode config, Map<String, String> secrets,
        boolean jitProvisioning, List<Mapping> mappings, boolean enforced, boolean enabled) {

    public IdentityProvider {
        domains = List.copyOf(domains);
        secrets = Map.copyOf(secrets);
        mappings = List.copyOf(mappings);
    }

    @Override
    public String toString() {
        // A record's own toString would print the secrets into any log line that names the provider.
        return "IdentityProvider[" + kind + " " + name + " " + id + " of " + tenantSlug + "]";
    }
}
