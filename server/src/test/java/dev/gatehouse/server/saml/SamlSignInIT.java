package dev.gatehouse.server.saml;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import com.onelogin.saml2.util.Util;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestDns;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * SAML sign-in end to end: a tenant admin registers a SAML IdP (metadata uploaded), a user signs in
 * with an assertion signed by the test IdP's key, is created (JIT) with the role mapped from a group;
 * an encrypted assertion works; and each forgery, a replay, a response to no request of ours and a
 * metadata URL pointing inside are refused — each refusal answered 401 on the sign-in page and
 * audited as a failed sign-in with its reason.
 */
class SamlSignInIT extends IntegrationTest {

    private static final Pattern CERTIFICATE = Pattern.compile("<ds:X509Certificate>([^<]+)</ds:X509Certificate>");

    @Autowired
    private JdbcClient jdbc;

    private final TestIdp idp = new TestIdp();
    private SignedInTenant clinic;
    private String providerId;

    @BeforeEach
    void clinicWithASamlProvider() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        providerId = register("Clinic IdP", "clinic.example", false);
    }

    private String register(String name, String domain, boolean encrypted) {
        Response created = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", name,
                "kind", "SAML", "domains", raw("[\"" + domain + "\"]"), "jitProvisioning", true, "enforced", false,
                "mappings", raw("[{\"group\":\"Nurses\",\"role\":\"provider\"}]"),
                "config", raw(json("idpMetadataXml", idp.metadata(), "wantAssertionsEncrypted", encrypted,
                        "trustEmail", true))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }

    private String spEntityId(String provider) {
        return "http://127.0.0.1:" + port() + "/sso/saml/" + clinic.slug() + "/" + provider;
    }

    /** What the browser carries to the IdP: our request's ID and the RelayState. */
    private record Started(String requestId, String relayState) {}

    private Started start(String provider) {
        Response redirect = api.get("/sso/saml/" + clinic.slug() + "/" + provider, null);
        assertThat(redirect.status()).as(redirect.raw()).isEqualTo(302);
        URI location = URI.create(redirect.http().headers().firstValue("Location").orElseThrow());
        assertThat(location.getHost()).isEqualTo("idp.example");
        Map<String, String> query = new HashMap<>();
        for (String pair : location.getRawQuery().split("&")) {
            String[] parts = pair.split("=", 2);
            query.put(parts[0], URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        String request = Util.base64decodedInflated(query.get("SAMLRequest"));
        Matcher id = Pattern.compile(" ID=\"([^\"]+)\"").matcher(request);
        assertThat(id.find()).as(request).isTrue();
        assertThat(request).contains("AssertionConsumerServiceURL=\"" + spEntityId(provider) + "/acs\"");
        return new Started(id.group(1), query.get("RelayState"));
    }

    private Response post(String provider, String xml, String relayState) {
        String form = "SAMLResponse=" + URLEncoder.encode(TestIdp.base64(xml), StandardCharsets.UTF_8)
                + (relayState == null ? "" : "&RelayState=" + URLEncoder.encode(relayState, StandardCharsets.UTF_8));
        return api.send("/sso/saml/" + clinic.slug() + "/" + provider + "/acs", null, request -> request
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private Forgeries.Target target(String provider, Started started) {
        return new Forgeries.Target(idp, spEntityId(provider), spEntityId(provider) + "/acs", started.requestId());
    }

    private String nurseResponse(Forgeries.Target target) {
        TestIdp.Assertion assertion = target.assertion();
        assertion.attributes.put("email", List.of("n.nurse@clinic.example"));
        assertion.attributes.put("firstName", List.of("Nora"));
        assertion.attributes.put("lastName", List.of("Nurse"));
        assertion.attributes.put("groups", List.of("Nurses", "Everyone"));
        return target.response(idp.signed(assertion.xml()));
    }

    /** The session token the ACS's redirect set, or fails. */
    private static String session(Response signedIn) {
        assertThat(signedIn.status()).as(signedIn.raw()).isEqualTo(302);
        return signedIn.http().headers().allValues("Set-Cookie").stream()
                .filter(cookie -> cookie.startsWith("gatehouse_session=")).findFirst()
                .map(cookie -> cookie.substring("gatehouse_session=".length(), cookie.indexOf(';')))
                .orElseThrow(() -> new AssertionError("no session cookie: " + signedIn.http().headers()));
    }

    @Test
    void aSuspendedOrganisationIsToldSoAtTheStartAndAtTheAcsEvenForAValidResponse() {
        Started started = start(providerId);
        String valid = nurseResponse(target(providerId, started));
        Response suspended = api.patch("/api/v1/tenants/" + clinic.slug(), operatorToken(),
                json("status", "SUSPENDED", "reason", "unpaid invoice"));
        assertThat(suspended.status()).as(suspended.raw()).isEqualTo(200);

        Response acs = post(providerId, valid, started.relayState());
        assertThat(acs.status()).isEqualTo(403);
        assertThat(acs.raw()).contains("This organisation is suspended; contact your platform operator");
        assertThat(acs.http().headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("gatehouse_session="));
        Response again = api.get("/sso/saml/" + clinic.slug() + "/" + providerId, null);
        assertThat(again.status()).isEqualTo(403);
        assertThat(again.raw()).contains("This organisation is suspended");
        assertThat(jdbc.sql("select count(*) from users where tenant_id = :t and email = 'n.nurse@clinic.example'")
                .param("t", java.util.UUID.fromString(clinic.id())).query(Long.class).single())
                .as("nobody provisioned").isZero();

        assertThat(api.patch("/api/v1/tenants/" + clinic.slug(), operatorToken(), json("status", "ACTIVE")).status())
                .isEqualTo(200);
        Started restarted = start(providerId);
        session(post(providerId, nurseResponse(target(providerId, restarted)), restarted.relayState()));
    }

    @Test
    void aSignedAssertionSignsInAndProvisionsTheUserWithTheMappedRole() {
        Started started = start(providerId);
        Response signedIn = post(providerId, nurseResponse(target(providerId, started)), started.relayState());
        String token = session(signedIn);

        Response me = api.get("/api/v1/me", token);
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        String userId = me.text("/user/id");
        Response roles = api.get(clinic.path("/users/" + userId + "/roles"), clinic.adminToken());
        assertThat(roles.body().at("/items").valueStream().map(item -> item.at("/role").asString()).toList())
                .containsExactly("provider");
        RecordedAudit.Event success = RecordedAudit.of(jdbc, clinic.id(), "LOGIN_SUCCEEDED").getLast();
        assertThat(success.details().at("/method").asString()).isEqualTo("SAML");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "LOGIN_FAILED")).isEmpty();
    }

    @Test
    void theSameResponseTwiceIsRefusedTheSecondTime() {
        Started started = start(providerId);
        String xml = nurseResponse(target(providerId, started));
        session(post(providerId, xml, started.relayState()));

        Response again = post(providerId, xml, started.relayState());

        assertThat(again.status()).isEqualTo(401);
        assertRefusedAndAudited("UNSOLICITED");
    }

    @Test
    void anAssertionIdSeenBeforeIsAReplayEvenInAnswerToANewRequest() {
        Started first = start(providerId);
        TestIdp.Assertion assertion = target(providerId, first).assertion();
        session(post(providerId, target(providerId, first).response(idp.signed(assertion.xml())), first.relayState()));

        // The IdP's key signs the same assertion ID again for a new request: only the replay store catches it.
        Started second = start(providerId);
        TestIdp.Assertion replayed = target(providerId, second).assertion();
        replayed.id = assertion.id;
        Response refused = post(providerId, target(providerId, second).response(idp.signed(replayed.xml())),
                second.relayState());

        assertThat(refused.status()).isEqualTo(401);
        assertRefusedAndAudited("REPLAYED");
    }

    @Test
    void aResponseWithoutARequestOfOursIsRefused() {
        Started started = start(providerId);
        String xml = nurseResponse(target(providerId, started));

        assertThat(post(providerId, xml, null).status()).isEqualTo(401);
        assertThat(post(providerId, xml, "made-up-relay-state").status()).isEqualTo(401);

        assertThat(RecordedAudit.of(jdbc, clinic.id(), "LOGIN_FAILED")).extracting(e -> e.details().at("/reason")
                .asString()).containsExactly("UNSOLICITED", "UNSOLICITED");
    }

    static List<Forgeries.Forgery> forgeries() {
        return Forgeries.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgeries")
    void eachForgeryIsRefusedAndAudited(Forgeries.Forgery forgery) {
        Started started = start(providerId);

        Response refused = post(providerId, forgery.xml().apply(target(providerId, started)), started.relayState());

        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.raw()).contains("did not work. Start again from the sign-in page").doesNotContain("Exception");
        assertRefusedAndAudited(forgery.reason());
        assertThat(jdbc.sql("select count(*) from users where tenant_id = :tenant")
                .param("tenant", java.util.UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(1L);
    }

    @Test
    void anAssertionEncryptedToTheSpKeySignsIn() throws Exception {
        String encryptedProvider = register("Encrypting IdP", "encrypting.example", true);
        Response metadata = api.get("/sso/saml/" + clinic.slug() + "/" + encryptedProvider + "/metadata", null);
        assertThat(metadata.status()).isEqualTo(200);
        assertThat(metadata.raw()).contains("entityID=\"" + spEntityId(encryptedProvider) + "\"")
                .contains("Location=\"" + spEntityId(encryptedProvider) + "/acs\"");
        Matcher certificate = CERTIFICATE.matcher(metadata.raw());
        assertThat(certificate.find()).isTrue();
        X509Certificate spCertificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(Base64.getMimeDecoder().decode(certificate.group(1))));

        Started started = start(encryptedProvider);
        Forgeries.Target target = target(encryptedProvider, started);
        String plain = nurseResponse(target);
        Response refused = post(encryptedProvider, plain, started.relayState());
        assertThat(refused.status()).isEqualTo(401);

        Started again = start(encryptedProvider);
        String encrypted = TestIdp.encrypted(nurseResponse(target(encryptedProvider, again)), spCertificate);
        assertThat(encrypted).contains("EncryptedAssertion").doesNotContain("n.nurse@clinic.example");
        session(post(encryptedProvider, encrypted, again.relayState()));
    }

    @Test
    void metadataUrlsPointingInsideAreRefusedAtSave() {
        for (String url : List.of("https://127.0.0.1/metadata", "http://169.254.169.254/latest/meta-data/",
                "https://localhost/idp.xml")) {
            Response refused = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Inside",
                    "kind", "SAML", "domains", raw("[]"), "jitProvisioning", false, "enforced", false,
                    "mappings", raw("[]"), "config", raw(json("idpMetadataUrl", url))));
            assertThat(refused.status()).as(url + ": " + refused.raw()).isEqualTo(400);
            assertThat(refused.raw()).contains("config.idpMetadataUrl");
        }
    }

    @Test
    void metadataWithAnExternalEntityIsRefusedAtSave() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE md [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + idp.metadata().replace("Location=\"" + idp.ssoUrl + "\"", "Location=\"" + idp.ssoUrl + "&xxe;\"");
        Response refused = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "XXE",
                "kind", "SAML", "domains", raw("[]"), "jitProvisioning", false, "enforced", false,
                "mappings", raw("[]"), "config", raw(json("idpMetadataXml", xxe))));

        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.raw()).contains("config.idpMetadataXml").doesNotContain("root:");
    }

    @Test
    void metadataIsFetchedThroughTheGuardFromAnAllowedHost() throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        try {
            byte[] body = idp.metadata().getBytes(StandardCharsets.UTF_8);
            server.createContext("/metadata", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/samlmetadata+xml");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            String url = "http://" + TestDns.RECEIVER + ":" + server.getAddress().getPort() + "/metadata";
            Response created = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "By URL",
                    "kind", "SAML", "domains", raw("[]"), "jitProvisioning", true, "enforced", false,
                    "mappings", raw("[]"), "config", raw(json("idpMetadataUrl", url))));

            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            assertThat(created.text("/config/idpEntityId")).isEqualTo(idp.entityId);
            assertThat(created.text("/config/idpSsoUrl")).isEqualTo(idp.ssoUrl);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void anotherTenantsProviderOrAnUnknownOneAnswers404() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        assertThat(api.get("/sso/saml/" + other.slug() + "/" + providerId, null).status()).isEqualTo(404);
        assertThat(api.get("/sso/saml/" + other.slug() + "/" + providerId + "/metadata", null).status()).isEqualTo(404);
        assertThat(api.get("/sso/saml/" + clinic.slug() + "/not-an-id", null).status()).isEqualTo(404);
    }

    private void assertRefusedAndAudited(String reason) {
        RecordedAudit.Event failed = RecordedAudit.of(jdbc, clinic.id(), "LOGIN_FAILED").getLast();
        assertThat(failed.details().at("/method").asString()).isEqualTo("SAML");
        assertThat(failed.details().at("/provider").asString()).isEqualTo(providerId);
        assertThat(failed.details().at("/reason").asString()).isEqualTo(reason);
    }
}
