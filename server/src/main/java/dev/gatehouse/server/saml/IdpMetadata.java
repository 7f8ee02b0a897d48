package dev.gatehouse.server.saml;

import com.onelogin.saml2.util.Constants;
import com.onelogin.saml2.util.Util;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What Gatehouse needs from an identity provider's SAML metadata: its entity ID, where to send the
 * browser with an AuthnRequest (the HTTP-Redirect binding of SingleSignOnService), and the
 * certificates it signs with. Parsed by java-saml's hardened parser ({@link Util#loadXML}: no DTD,
 * no entities, so no XXE or entity expansion). Certificates marked for encryption only are not
 * trusted for signatures (java-saml's own metadata parser would trust them).
 */
record IdpMetadata(String entityId, String ssoUrl, List<String> certificates) {

    static final int MAX_BYTES = 512 * 1024;
    private static final String NS_MD = Constants.NS_MD;
    private static final String NS_DS = Constants.NS_DS;

    /**
     * @param entityId which entity to take when the document describes several (a federation's
     *     aggregate); ignored when it describes exactly one identity provider
     * @throws IllegalArgumentException saying what is wrong, in words an admin can act on
     */
    static IdpMetadata parse(String xml, @Nullable String entityId) {
        if (xml.length() > MAX_BYTES) {
            throw new IllegalArgumentException("is larger than " + MAX_BYTES / 1024 + " KiB");
        }
        Document document = Util.loadXML(xml);
        if (document == null) {
            throw new IllegalArgumentException("is not well-formed XML (document type declarations and entities are"
                    + " refused)");
        }
        List<Element> providers = new ArrayList<>();
        var descriptors = document.getElementsByTagNameNS(NS_MD, "EntityDescriptor");
        for (int i = 0; i < descriptors.getLength(); i++) {
            Element descriptor = (Element) descriptors.item(i);
            if (child(descriptor, NS_MD, "IDPSSODescriptor") != null) {
                providers.add(descriptor);
            }
        }
        if (providers.isEmpty()) {
            throw new IllegalArgumentException("describes no SAML identity provider (no IDPSSODescriptor)");
        }
        if (providers.size() > 1 && entityId != null) {
            providers.removeIf(descriptor -> !entityId.equals(descriptor.getAttribute("entityID")));
            if (providers.isEmpty()) {
                throw new IllegalArgumentException("describes no identity provider with entity ID " + entityId);
            }
        }
        if (providers.size() > 1) {
            throw new IllegalArgumentException("describes " + providers.size() + " identity providers: set"
                    + " config.idpEntityId to the one to use");
        }
        Element provider = providers.getFirst();
        String entity = provider.getAttribute("entityID").strip();
        if (entity.isEmpty()) {
            throw new IllegalArgumentException("has no entityID");
        }
        Element idp = child(provider, NS_MD, "IDPSSODescriptor");
        String ssoUrl = null;
        List<String> certificates = new ArrayList<>();
        for (Node node = idp.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (!(node instanceof Element element) || !NS_MD.equals(element.getNamespaceURI())) {
                continue;
            }
            if (element.getLocalName().equals("SingleSignOnService")
                    && Constants.BINDING_HTTP_REDIRECT.equals(element.getAttribute("Binding")) && ssoUrl == null) {
                ssoUrl = element.getAttribute("Location").strip();
            } else if (element.getLocalName().equals("KeyDescriptor")
                    && !element.getAttribute("use").equals("encryption")) {
                var values = element.getElementsByTagNameNS(NS_DS, "X509Certificate");
                for (int i = 0; i < values.getLength(); i++) {
                    certificates.add(checkedCertificate(values.item(i).getTextContent()));
                }
            }
        }
        if (ssoUrl == null) {
            throw new IllegalArgumentException("has no SingleSignOnService with the HTTP-Redirect binding");
        }
        checkBrowserUrl(ssoUrl);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("has no signing certificate (KeyDescriptor with an X509Certificate):"
                    + " Gatehouse accepts only signed assertions");
        }
        return new IdpMetadata(entity, ssoUrl, List.copyOf(certificates));
    }

    /** The certificate in one line of base64, after checking it parses and is within its dates. */
    private static String checkedCertificate(String text) {
        String compact = text.replaceAll("\\s", "");
        X509Certificate certificate;
        try {
            certificate = SpKeys.certificate(compact);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a signing certificate that is not an X.509 certificate");
        }
        try {
            certificate.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IllegalArgumentException("has a signing certificate that is not valid now (valid "
                    + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant() + ")");
        }
        return compact;
    }

    /**
     * Where the browser is sent: an absolute https URL (http only for a test IdP on this machine is
     * not offered: an AuthnRequest over plain http leaks the RelayState). It is never fetched by
     * Gatehouse, so it needs no outbound check, but it must not be javascript: or a relative path.
     */
    static void checkBrowserUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("has a SingleSignOnService Location that is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("has a SingleSignOnService Location that is not an absolute https URL");
        }
    }

    private static @Nullable Element child(Element parent, String namespace, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && namespace.equals(element.getNamespaceURI())
                    && name.equals(element.getLocalName())) {
                return element;
            }
        }
        return null;
    }
}
