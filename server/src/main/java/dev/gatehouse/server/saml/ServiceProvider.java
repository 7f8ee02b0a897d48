package dev.gatehouse.server.saml;

import com.onelogin.saml2.settings.Saml2Settings;
import com.onelogin.saml2.settings.SettingsBuilder;
import com.onelogin.saml2.util.Constants;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.shared.PublicUrl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Gatehouse as the service provider of one SAML identity provider: its addresses under the public
 * URL, and java-saml's settings for it, strict everywhere — signed assertions required (a signed
 * response around an unsigned assertion is not enough), schema validation of every response (which
 * also refuses most signature-wrapping shapes), SHA-1 signatures refused, an InResponseTo always
 * expected, and the SP's own key for decrypting encrypted assertions.
 */
@Component
class ServiceProvider {

    static final String PATH = "/sso/saml/";

    private final PublicUrl publicUrl;
    private final SpKeys keys;

    ServiceProvider(PublicUrl publicUrl, SpKeys keys) {
        this.publicUrl = publicUrl;
        this.keys = keys;
    }

    /** The SP's entity ID for this provider, which is also where sign-in starts. */
    String entityId(String tenantSlug, UUID provider) {
        return publicUrl.base() + loginPath(tenantSlug, provider);
    }

    String acsUrl(String tenantSlug, UUID provider) {
        return entityId(tenantSlug, provider) + "/acs";
    }

    String metadataUrl(String tenantSlug, UUID provider) {
        return entityId(tenantSlug, provider) + "/metadata";
    }

    static String loginPath(String tenantSlug, UUID provider) {
        return PATH + tenantSlug + "/" + provider;
    }

    /** java-saml's settings for signing in with {@code provider}, whose config prepare completed. */
    Saml2Settings settings(IdentityProvider provider) {
        return settings(SamlConfig.of(provider.config()), entityId(provider.tenantSlug(), provider.id()),
                acsUrl(provider.tenantSlug(), provider.id()), keys.of(provider.tenant(), provider.id()));
    }

    static Saml2Settings settings(SamlConfig config, String entityId, String acsUrl, SpKeys.SpKey key) {
        Map<String, Object> values = new HashMap<>();
        values.put(SettingsBuilder.STRICT_PROPERTY_KEY, true);
        values.put(SettingsBuilder.DEBUG_PROPERTY_KEY, false);
        values.put(SettingsBuilder.SP_ENTITYID_PROPERTY_KEY, entityId);
        values.put(SettingsBuilder.SP_ASSERTION_CONSUMER_SERVICE_URL_PROPERTY_KEY, acsUrl);
        values.put(SettingsBuilder.SP_ASSERTION_CONSUMER_SERVICE_BINDING_PROPERTY_KEY, Constants.BINDING_HTTP_POST);
        values.put(SettingsBuilder.SP_NAMEIDFORMAT_PROPERTY_KEY, Constants.NAMEID_UNSPECIFIED);
        values.put(SettingsBuilder.SP_X509CERT_PROPERTY_KEY, key.certificate());
        values.put(SettingsBuilder.SP_PRIVATEKEY_PROPERTY_KEY, key.privateKey());
        values.put(SettingsBuilder.IDP_ENTITYID_PROPERTY_KEY, config.idpEntityId());
        values.put(SettingsBuilder.IDP_SINGLE_SIGN_ON_SERVICE_URL_PROPERTY_KEY, config.idpSsoUrl());
        values.put(SettingsBuilder.IDP_SINGLE_SIGN_ON_SERVICE_BINDING_PROPERTY_KEY, Constants.BINDING_HTTP_REDIRECT);
        List<String> certificates = config.idpCertificates();
        values.put(SettingsBuilder.IDP_X509CERT_PROPERTY_KEY, SpKeys.certificate(certificates.getFirst()));
        for (int i = 0; i < certificates.size(); i++) {
            values.put(SettingsBuilder.IDP_X509CERTMULTI_PROPERTY_KEY + "." + i, SpKeys.certificate(certificates.get(i)));
        }
        values.put(SettingsBuilder.SECURITY_WANT_ASSERTIONS_SIGNED, true);
        values.put(SettingsBuilder.SECURITY_WANT_MESSAGES_SIGNED, false);
        values.put(SettingsBuilder.SECURITY_WANT_ASSERTIONS_ENCRYPTED, config.wantAssertionsEncrypted());
        values.put(SettingsBuilder.SECURITY_WANT_NAMEID, true);
        values.put(SettingsBuilder.SECURITY_WANT_NAMEID_ENCRYPTED, false);
        values.put(SettingsBuilder.SECURITY_WANT_XML_VALIDATION, true);
        values.put(SettingsBuilder.SECURITY_REJECT_DEPRECATED_ALGORITHM, true);
        values.put(SettingsBuilder.SECURITY_REJECT_UNSOLICITED_RESPONSES_WITH_INRESPONSETO, true);
        values.put(SettingsBuilder.SECURITY_AUTHREQUEST_SIGNED, false);
        values.put(SettingsBuilder.SECURITY_SIGNATURE_ALGORITHM, Constants.RSA_SHA256);
        values.put(SettingsBuilder.SECURITY_DIGEST_ALGORITHM, Constants.SHA256);
        values.put(SettingsBuilder.UNIQUE_ID_PREFIX_PROPERTY_KEY, "GATEHOUSE_");
        return new SettingsBuilder().fromValues(values).build();
    }
}
