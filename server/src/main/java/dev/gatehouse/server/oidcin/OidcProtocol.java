package dev.gatehouse.server.oidcin;

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
 * OpenID Connect in the identity provider registry: checks a provider's settings when a tenant admin
 * saves them — the preset's issuer, the client, a discovery document fetched now through the guard
 * whose issuer matches exactly and whose endpoints the guard lets through — and stores what discovery
 * said beside them. {@code clientSecret} is write-only, kept encrypted by the registry.
 */
@Component
class OidcProtocol implements ProviderProtocol {

    static final String CLIENT_SECRET = "clientSecret";

    private final DiscoveryDocuments discovery;

    OidcProtocol(DiscoveryDocuments discovery) {
        this.discovery = discovery;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.OIDC;
    }

    @Override
    public Set<String> secretFields() {
        return Set.of(CLIENT_SECRET);
    }

    @Override
    public ObjectNode prepare(@Nullable String preset, ObjectNode config, Map<String, String> secrets,
            UUID providerId, String tenantSlug, List<FieldError> errors) {
        ObjectNode prepared = config.deepCopy();
        prepared.remove(Discovered.FIELD);
        OidcSettings settings = OidcSettings.read(preset, prepared, errors);
        String secret = secrets.get(CLIENT_SECRET);
        if (secret == null || secret.isBlank()) {
            errors.add(new FieldError("config." + CLIENT_SECRET, "is required (the client secret the provider gave"
                    + " Gatehouse)"));
        } else if (secret.length() > 1024) {
            errors.add(new FieldError("config." + CLIENT_SECRET, "must be at most 1024 characters"));
        }
        if (settings == null) {
            return prepared;
        }
        settings.writeTo(prepared);
        try {
            discovery.fresh(settings.issuer()).writeTo(prepared);
        } catch (DiscoveryDocuments.Failed e) {
            errors.add(new FieldError("config.issuer", settings.issuer() + " " + e.getMessage()));
        }
        return prepared;
    }

    @Override
    public String loginPath(String tenantSlug, UUID providerId) {
        return OidcSignInController.BASE + "/" + tenantSlug + "/" + providerId;
    }
}
