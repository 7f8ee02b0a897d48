package dev.gatehouse.server.saml;

import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.identityproviders.ProviderProtocol;
import dev.gatehouse.server.outbound.OutboundHttp;
import dev.gatehouse.server.outbound.RefusedDestination;
import dev.gatehouse.server.shared.FieldError;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The SAML kind of identity provider: checks a config before it is saved and completes it from the
 * IdP's metadata — fetched from {@code idpMetadataUrl} through the outbound guard (never by java-saml,
 * which would open any URL), or uploaded as {@code idpMetadataXml} — so that signing in reads only
 * stored values. The SP's key pair is not a config field: it is made on first use ({@link SpKeys}).
 */
@Component
class SamlProtocol implements ProviderProtocol {

    private static final String FIELD = "config.";

    private final OutboundHttp http;
    private final ServiceProvider serviceProvider;

    SamlProtocol(OutboundHttp http, ServiceProvider serviceProvider) {
        this.http = http;
        this.serviceProvider = serviceProvider;
    }

    @Override
    public ProviderKind kind() {
        return ProviderKind.SAML;
    }

    /** No secret is typed in: the IdP's certificates are public and the SP's key is made here. */
    @Override
    public Set<String> secretFields() {
        return Set.of();
    }

    @Override
    public ObjectNode prepare(@Nullable String preset, ObjectNode config, Map<String, String> secrets, UUID providerId,
            String tenantSlug, List<FieldError> errors) {
        int before = errors.size();
        ObjectNode prepared = config.deepCopy();
        if (preset != null) {
            errors.add(new FieldError("preset", "SAML providers have no presets (ENTRA, OKTA and GOOGLE are OIDC)"));
        }
        for (String field : config.propertyNames()) {
            if (!SamlConfig.FIELDS.contains(field)) {
                errors.add(new FieldError(FIELD + field, "is not a SAML setting"));
            }
        }
        for (String field : SamlConfig.ATTRIBUTE_FIELDS) {
            JsonNode value = config.get(field);
            if (value != null && !value.isNull() && (!value.isString() || value.asString().length() > 512)) {
                errors.add(new FieldError(FIELD + field, "must be an attribute name (text of at most 512 characters)"));
            }
        }
        for (String field : List.of(SamlConfig.ENCRYPTED, SamlConfig.TRUST_EMAIL)) {
            JsonNode flag = config.get(field);
            if (flag != null && !flag.isNull() && !flag.isBoolean()) {
                errors.add(new FieldError(FIELD + field, "must be true or false"));
            }
        }
        String url = text(config, SamlConfig.METADATA_URL);
        String xml = text(config, SamlConfig.METADATA_XML);
        String selected = text(config, SamlConfig.ENTITY_ID);
        if ((url == null) == (xml == null)) {
            errors.add(new FieldError(FIELD + SamlConfig.METADATA_URL, url == null
                    ? "give the identity provider's metadata: idpMetadataUrl, or idpMetadataXml (uploaded)"
                    : "give idpMetadataUrl or idpMetadataXml, not both"));
            return prepared;
        }
        String field = FIELD + (url != null ? SamlConfig.METADATA_URL : SamlConfig.METADATA_XML);
        if (url != null) {
            xml = fetch(url, field, errors);
        }
        if (xml == null || errors.size() > before) {
            return prepared;
        }
        IdpMetadata metadata;
        try {
            metadata = IdpMetadata.parse(xml, selected);
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(field, "the metadata " + e.getMessage()));
            return prepared;
        }
        prepared.put(SamlConfig.ENTITY_ID, metadata.entityId());
        prepared.put(SamlConfig.SSO_URL, metadata.ssoUrl());
        ArrayNode certificates = prepared.putArray(SamlConfig.CERTIFICATES);
        metadata.certificates().forEach(certificates::add);
        prepared.put(SamlConfig.SP_ENTITY_ID, serviceProvider.entityId(tenantSlug, providerId));
        prepared.put(SamlConfig.ACS_URL, serviceProvider.acsUrl(tenantSlug, providerId));
        prepared.put(SamlConfig.SP_METADATA_URL, serviceProvider.metadataUrl(tenantSlug, providerId));
        return prepared;
    }

    @Override
    public String loginPath(String tenantSlug, UUID providerId) {
        return ServiceProvider.loginPath(tenantSlug, providerId);
    }

    /** The metadata document at {@code url}, through the guard (no internal address, no redirect, capped). */
    private @Nullable String fetch(String url, String field, List<FieldError> errors) {
        try {
            OutboundHttp.Response answer = http.get(url, Map.of("Accept",
                    "application/samlmetadata+xml, application/xml;q=0.9, text/xml;q=0.8"), IdpMetadata.MAX_BYTES);
            if (!answer.successful()) {
                errors.add(new FieldError(field, "answered HTTP " + answer.status() + " instead of the metadata"));
                return null;
            }
            return answer.text();
        } catch (RefusedDestination e) {
            errors.add(new FieldError(field, "is refused: " + e.reason()));
        } catch (IOException e) {
            errors.add(new FieldError(field, "could not be fetched (no answer, or larger than "
                    + IdpMetadata.MAX_BYTES / 1024 + " KiB)"));
        }
        return null;
    }

    private static @Nullable String text(ObjectNode config, String field) {
        JsonNode node = config.get(field);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString().strip() : null;
    }
}
