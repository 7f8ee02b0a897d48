package dev.gatehouse.server.saml;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A SAML provider's configuration as stored in its {@code config}: what the admin set (metadata by URL
 * or upload, encryption wanted, attribute names) and what {@link SamlProtocol#prepare} read from the
 * metadata (the IdP's entity ID, SSO URL and signing certificates).
 */
record SamlConfig(String idpEntityId, String idpSsoUrl, List<String> idpCertificates, boolean wantAssertionsEncrypted,
        boolean trustEmail, List<String> emailAttributes, List<String> firstNameAttributes, List<String> lastNameAttributes,
        List<String> groupsAttributes) {

    static final String METADATA_URL = "idpMetadataUrl";
    static final String METADATA_XML = "idpMetadataXml";
    static final String ENTITY_ID = "idpEntityId";
    static final String SSO_URL = "idpSsoUrl";
    static final String CERTIFICATES = "idpCertificates";
    static final String ENCRYPTED = "wantAssertionsEncrypted";
    /**
     * Whether the IdP's e-mail attribute counts as verified (SAML says nothing about it): only then may
     * a first sign-in link to an existing account with that address (with the user's consent). Off
     * by default, since some IdPs let users edit their own address.
     */
    static final String TRUST_EMAIL = "trustEmail";
    static final String EMAIL = "emailAttribute";
    static final String FIRST_NAME = "firstNameAttribute";
    static final String LAST_NAME = "lastNameAttribute";
    static final String GROUPS = "groupsAttribute";
    /** Written by prepare for the admin to paste into the IdP; recomputed, never read back. */
    static final String SP_ENTITY_ID = "spEntityId";
    static final String ACS_URL = "acsUrl";
    static final String SP_METADATA_URL = "spMetadataUrl";

    static final Set<String> FIELDS = Set.of(METADATA_URL, METADATA_XML, ENTITY_ID, SSO_URL, CERTIFICATES, ENCRYPTED,
            TRUST_EMAIL, EMAIL, FIRST_NAME, LAST_NAME, GROUPS, SP_ENTITY_ID, ACS_URL, SP_METADATA_URL);
    static final Set<String> ATTRIBUTE_FIELDS = Set.of(EMAIL, FIRST_NAME, LAST_NAME, GROUPS);

    /**
     * The attribute names tried when the admin names none: Entra ID's and ADFS's claim URIs, the
     * OIDs of the SAML2 attribute profiles (eduPerson, Shibboleth), and the plain names Okta, Google
     * and most test IdPs send.
     */
    static final List<String> DEFAULT_EMAIL = List.of(
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "urn:oid:0.9.2342.19200300.100.1.3",
            "email", "mail", "emailAddress", "Email");
    static final List<String> DEFAULT_FIRST_NAME = List.of(
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "urn:oid:2.5.4.42", "firstName",
            "givenName", "given_name", "FirstName");
    static final List<String> DEFAULT_LAST_NAME = List.of(
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "urn:oid:2.5.4.4", "lastName", "sn",
            "surname", "family_name", "LastName");
    static final List<String> DEFAULT_GROUPS = List.of(
            "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
            "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", "urn:oid:1.3.6.1.4.1.5923.1.5.1.1",
            "groups", "memberOf", "Role", "role");

    /** The stored config of a provider that {@link SamlProtocol#prepare} accepted. */
    static SamlConfig of(ObjectNode config) {
        List<String> certificates = new ArrayList<>();
        JsonNode stored = config.get(CERTIFICATES);
        if (stored != null && stored.isArray()) {
            stored.forEach(certificate -> certificates.add(certificate.asString()));
        }
        return new SamlConfig(text(config, ENTITY_ID, ""), text(config, SSO_URL, ""), List.copyOf(certificates),
                flag(config, ENCRYPTED), flag(config, TRUST_EMAIL), names(config, EMAIL, DEFAULT_EMAIL),
                names(config, FIRST_NAME, DEFAULT_FIRST_NAME), names(config, LAST_NAME, DEFAULT_LAST_NAME),
                names(config, GROUPS, DEFAULT_GROUPS));
    }

    /** Whether prepare has completed it (metadata read): only then can anyone sign in with it. */
    boolean complete() {
        return !idpEntityId.isEmpty() && !idpSsoUrl.isEmpty() && !idpCertificates.isEmpty();
    }

    private static boolean flag(ObjectNode config, String field) {
        JsonNode node = config.get(field);
        return node != null && node.isBoolean() && node.asBoolean();
    }

    private static List<String> names(ObjectNode config, String field, List<String> defaults) {
        String named = text(config, field, null);
        return named == null || named.isBlank() ? defaults : List.of(named.strip());
    }

    private static @Nullable String text(ObjectNode config, String field, @Nullable String otherwise) {
        JsonNode node = config.get(field);
        return node != null && node.isString() ? node.asString() : otherwise;
    }
}
