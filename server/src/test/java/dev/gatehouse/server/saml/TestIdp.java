package dev.gatehouse.server.saml;

import com.onelogin.saml2.util.Constants;
import com.onelogin.saml2.util.Util;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.apache.xml.security.encryption.EncryptedData;
import org.apache.xml.security.encryption.EncryptedKey;
import org.apache.xml.security.encryption.XMLCipher;
import org.apache.xml.security.keys.KeyInfo;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * A SAML identity provider in the tests: its own key and certificate, its metadata, and responses
 * built and signed here (java-saml's signing helper over Apache Santuario), so a test can make the
 * valid one and every way of spoiling it.
 */
final class TestIdp {

    static {
        org.apache.xml.security.Init.init();
    }

    final KeyPair keys = SpKeys.newKeyPair();
    final X509Certificate certificate = SpKeys.selfSigned(keys, "CN=Test IdP", Instant.now(), Duration.ofDays(30));
    final String entityId = "https://idp.example/" + UUID.randomUUID();
    final String ssoUrl = "https://idp.example/sso";

    String metadata() {
        return """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="%s">
                  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    <md:KeyDescriptor use="signing">
                      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
                        <ds:X509Data><ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data>
                      </ds:KeyInfo>
                    </md:KeyDescriptor>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="%s/post"/>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="%s"/>
                  </md:IDPSSODescriptor>
                </md:EntityDescriptor>
                """.formatted(entityId, SpKeys.base64(certificate), ssoUrl, ssoUrl);
    }

    /** What one assertion says; each test changes what it attacks. */
    static final class Assertion {
        String id = "_a" + UUID.randomUUID();
        String issuer;
        String nameId = "n.nurse@clinic.example";
        String recipient;
        String inResponseTo;
        String audience;
        Instant notBefore = Instant.now().minus(1, ChronoUnit.MINUTES);
        Instant notOnOrAfter = Instant.now().plus(5, ChronoUnit.MINUTES);
        String authnContext = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport";
        Map<String, List<String>> attributes = new LinkedHashMap<>();

        String xml() {
            StringBuilder statements = new StringBuilder();
            attributes.forEach((name, values) -> {
                statements.append("<saml:Attribute Name=\"").append(name).append("\">");
                values.forEach(value -> statements.append("<saml:AttributeValue>").append(value)
                        .append("</saml:AttributeValue>"));
                statements.append("</saml:Attribute>");
            });
            String now = time(Instant.now());
            return """
                    <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="%s" Version="2.0" \
                    IssueInstant="%s"><saml:Issuer>%s</saml:Issuer><saml:Subject>\
                    <saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">%s</saml:NameID>\
                    <saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">\
                    <saml:SubjectConfirmationData NotOnOrAfter="%s" Recipient="%s" InResponseTo="%s"/>\
                    </saml:SubjectConfirmation></saml:Subject>\
                    <saml:Conditions NotBefore="%s" NotOnOrAfter="%s"><saml:AudienceRestriction>\
                    <saml:Audience>%s</saml:Audience></saml:AudienceRestriction></saml:Conditions>\
                    <saml:AuthnStatement AuthnInstant="%s" SessionIndex="_s1"><saml:AuthnContext>\
                    <saml:AuthnContextClassRef>%s</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>\
                    %s</saml:Assertion>"""
                    .formatted(id, now, issuer, nameId, time(notOnOrAfter), recipient, inResponseTo, time(notBefore),
                            time(notOnOrAfter), audience, now, authnContext,
                            statements.isEmpty() ? "" : "<saml:AttributeStatement>" + statements + "</saml:AttributeStatement>");
        }
    }

    /** An assertion from this IdP to {@code sp}'s ACS, answering {@code requestId}. */
    Assertion assertion(String spEntityId, String acsUrl, String requestId) {
        Assertion assertion = new Assertion();
        assertion.issuer = entityId;
        assertion.recipient = acsUrl;
        assertion.inResponseTo = requestId;
        assertion.audience = spEntityId;
        return assertion;
    }

    /** The assertion signed with this IdP's key (enveloped, RSA-SHA256, exclusive c14n). */
    String signed(String assertionXml) {
        return signedWith(assertionXml, keys, certificate);
    }

    static String signedWith(String xml, KeyPair keys, X509Certificate certificate) {
        try {
            Document document = Util.convertStringToDocument(xml);
            String signed = Util.addSign(document, keys.getPrivate(), certificate, Constants.RSA_SHA256,
                    Constants.SHA256);
            return withoutDeclaration(signed);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Response around {@code inner} (a signed assertion, or anything a test puts there). */
    String response(String inner, String destination, String inResponseTo) {
        return """
                <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" \
                xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r%s" Version="2.0" IssueInstant="%s" \
                Destination="%s" InResponseTo="%s"><saml:Issuer>%s</saml:Issuer><samlp:Status>\
                <samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>%s</samlp:Response>"""
                .formatted(UUID.randomUUID(), time(Instant.now()), destination, inResponseTo, entityId, inner);
    }

    /** The response with its signed assertion encrypted to {@code spCertificate} (AES-128-CBC, key by RSA-OAEP). */
    static String encrypted(String responseXml, X509Certificate spCertificate) {
        try {
            Document document = Util.convertStringToDocument(responseXml);
            Element assertion = (Element) document.getElementsByTagNameNS(Constants.NS_SAML, "Assertion").item(0);
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(128);
            SecretKey key = generator.generateKey();
            XMLCipher keyCipher = XMLCipher.getInstance(XMLCipher.RSA_OAEP);
            keyCipher.init(XMLCipher.WRAP_MODE, spCertificate.getPublicKey());
            EncryptedKey encryptedKey = keyCipher.encryptKey(document, key);
            XMLCipher cipher = XMLCipher.getInstance(XMLCipher.AES_128);
            cipher.init(XMLCipher.ENCRYPT_MODE, key);
            EncryptedData data = cipher.getEncryptedData();
            KeyInfo info = new KeyInfo(document);
            info.add(encryptedKey);
            data.setKeyInfo(info);
            Element wrapper = document.createElementNS(Constants.NS_SAML, "saml:EncryptedAssertion");
            assertion.getParentNode().replaceChild(wrapper, assertion);
            wrapper.appendChild(assertion);
            cipher.doFinal(document, assertion, false);
            return withoutDeclaration(Util.convertDocumentToString(document));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String base64(String xml) {
        return Base64.getEncoder().encodeToString(xml.getBytes(StandardCharsets.UTF_8));
    }

    static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String withoutDeclaration(String xml) {
        return xml.startsWith("<?xml") ? xml.substring(xml.indexOf("?>") + 2).strip() : xml;
    }
}
