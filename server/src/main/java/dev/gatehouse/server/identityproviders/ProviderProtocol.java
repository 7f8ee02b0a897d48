package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.FieldError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ObjectNode;

/** One protocol's part in the registry: one bean per kind, in {@code oidcin}, {@code saml} and {@code ldap}. */
public interface ProviderProtocol {

    ProviderKind kind();

    /** Config fields stored encrypted, never returned by GET. */
    Set<String> secretFields();

    /**
     * Checks (and completes: preset defaults, fetched metadata) a config before it is saved; adds
     * errors with field names "config.&lt;name&gt;"; must check every URL with the outbound guard.
     */
    ObjectNode prepare(@Nullable String preset, ObjectNode config, Map<String, String> secrets, UUID providerId,
            String tenantSlug, List<FieldError> errors);

    /** Where the browser starts signing in with it (path under the public URL), or null (LDAP: password). */
    @Nullable String loginPath(String tenantSlug, UUID providerId);
}
