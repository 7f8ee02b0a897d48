package dev.gatehouse.server.saml;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;

/**
 * Responses an attacker might post to the assertion consumer, each built from a valid one: what a
 * test of the validation ({@link SamlResponsesTest}) and of the whole sign-in ({@code SamlSignInIT})
 * both run. {@code reason} is the code the refusal must carry (java-saml's ValidationError name).
 */
final class Forgeries {

    /** Where a forged response is aimed: this SP, answering this request. */
    record Target(TestIdp idp, String spEntityId, String acsUrl, String requestId) {

        TestIdp.Assertion assertion() {
            return idp.assertion(spEntityId, acsUrl, requestId);
        }

        String response(String inner) {
            return idp.response(inner, acsUrl, requestId);
        }
    }

    record Forgery(String name, String reason, Function<Target, String> xml) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final KeyPair OTHER_KEYS = SpKeys.newKeyPair();
    private static final X509Certificate OTHER_CERTIFICATE = SpKeys.selfSigned(OTHER_KEYS, "CN=Attacker",
            Instant.now(), java.time.Duration.ofDays(30));

    private Forgeries() {}

    static List<Forgery> all() {
        return List.of(
                new Forgery("unsigned assertion", "NO_SIGNED_ASSERTION", target -> target.response(target.assertion().xml())),
                new Forgery("signed by another key", "INVALID_SIGNATURE", target -> target.response(
                        TestIdp.signedWith(target.assertion().xml(), OTHER_KEYS, OTHER_CERTIFICATE))),
                new Forgery("NameID changed after signing", "INVALID_SIGNATURE", target -> target.response(
                        target.idp().signed(target.assertion().xml()).replace("n.nurse@clinic.example",
                                "admin@clinic.example"))),
                new Forgery("attribute added after signing", "INVALID_SIGNATURE", target -> {
                    TestIdp.Assertion assertion = target.assertion();
                    assertion.attributes.put("groups", List.of("Nurses"));
                    return target.response(target.idp().signed(assertion.xml()).replace(
                            "<saml:AttributeValue>Nurses</saml:AttributeValue>",
                            "<saml:AttributeValue>Nurses</saml:AttributeValue><saml:AttributeValue>Admins</saml:AttributeValue>"));
                }),
                new Forgery("wrapping: unsigned assertion beside the signed one", "WRONG_NUMBER_OF_ASSERTIONS", target -> {
                    TestIdp.Assertion evil = target.assertion();
                    evil.nameId = "admin@clinic.example";
                    return target.response(evil.xml() + target.idp().signed(target.assertion().xml()));
                }),
                new Forgery("wrapping: signed assertion hidden in the evil one's Signature Object", "WRONG_NUMBER_OF_ASSERTIONS",
                        target -> {
                            TestIdp.Assertion original = target.assertion();
                            String signed = target.idp().signed(original.xml());
                            TestIdp.Assertion evil = target.assertion();
                            evil.id = original.id;
                            evil.nameId = "admin@clinic.example";
                            String signature = signed.substring(signed.indexOf("<ds:Signature"),
                                    signed.indexOf("</ds:Signature>"));
                            String wrapped = signature + "<ds:Object>" + signed + "</ds:Object></ds:Signature>";
                            String evilXml = evil.xml();
                            int afterIssuer = evilXml.indexOf("</saml:Issuer>") + "</saml:Issuer>".length();
                            return target.response(evilXml.substring(0, afterIssuer) + wrapped
                                    + evilXml.substring(afterIssuer));
                        }),
                new Forgery("wrapping: signature moved onto an evil assertion with the same ID", "INVALID_SIGNATURE",
                        target -> {
                            TestIdp.Assertion original = target.assertion();
                            String signed = target.idp().signed(original.xml());
                            String evil = signed.replace("n.nurse@clinic.example", "admin@clinic.example");
                            return target.response(evil);
                        }),
                new Forgery("wrapping: the signed response inside an evil response", "WRONG_NUMBER_OF_ASSERTIONS",
                        target -> {
                            String genuine = target.response(target.idp().signed(target.assertion().xml()));
                            TestIdp.Assertion evil = target.assertion();
                            evil.nameId = "admin@clinic.example";
                            String outer = target.response(evil.xml());
                            int afterIssuer = outer.indexOf("</saml:Issuer>") + "</saml:Issuer>".length();
                            return outer.substring(0, afterIssuer) + "<samlp:Extensions>" + genuine
                                    + "</samlp:Extensions>" + outer.substring(afterIssuer);
                        }),
                new Forgery("XXE: external entity in the response", "INVALID_XML_FORMAT", target ->
                        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                                + target.response(target.idp().signed(target.assertion().xml()))
                                        .replace("n.nurse@clinic.example", "&xxe;")),
                new Forgery("DTD in the response", "INVALID_XML_FORMAT", target -> "<!DOCTYPE samlp:Response>"
                        + target.response(target.idp().signed(target.assertion().xml()))),
                new Forgery("expired", "ASSERTION_EXPIRED", target -> {
                    TestIdp.Assertion assertion = target.assertion();
                    assertion.notBefore = Instant.now().minus(30, ChronoUnit.MINUTES);
                    assertion.notOnOrAfter = Instant.now().minus(10, ChronoUnit.MINUTES);
                    return target.response(target.idp().signed(assertion.xml()));
                }),
                new Forgery("not yet valid", "ASSERTION_TOO_EARLY", target -> {
                    TestIdp.Assertion assertion = target.assertion();
                    assertion.notBefore = Instant.now().plus(10, ChronoUnit.MINUTES);
                    assertion.notOnOrAfter = Instant.now().plus(20, ChronoUnit.MINUTES);
                    return target.response(target.idp().signed(assertion.xml()));
                }),
                new Forgery("for another audience", "WRONG_AUDIENCE", target -> {
                    TestIdp.Assertion assertion = target.assertion();
                    assertion.audience = "https://other-sp.example/saml";
                    return target.response(target.idp().signed(assertion.xml()));
                }),
                new Forgery("for another recipient", "WRONG_SUBJECTCONFIRMATION", target -> {
                    TestIdp.Assertion assertion = target.assertion();
                    assertion.recipient = "https://other-sp.example/acs";
                    return target.response(target.idp().signed(assertion.xml()));
                }),
                new Forgery("for another destination", "WRONG_DESTINATION", target -> target.idp().response(
                        target.idp().signed(target.assertion().xml()), "https://other-sp.example/acs",
                        target.requestId())),
                new Forgery("from another issuer", "WRONG_ISSUER", target -> {
                    TestIdp.Assertion assertion = target.assertion();
                    assertion.issuer = "https://evil.example/idp";
                    return target.response(target.idp().signed(assertion.xml()));
                }),
                new Forgery("answering a request we did not send", "WRONG_INRESPONSETO", target -> {
                    TestIdp.Assertion assertion = target.assertion();
                    assertion.inResponseTo = "_not-ours";
                    return target.idp().response(target.idp().signed(assertion.xml()), target.acsUrl(), "_not-ours");
                }),
                new Forgery("signed response around an unsigned assertion", "NO_SIGNED_ASSERTION", target ->
                        TestIdp.signedWith(target.response(target.assertion().xml()), target.idp().keys,
                                target.idp().certificate)));
    }
}
