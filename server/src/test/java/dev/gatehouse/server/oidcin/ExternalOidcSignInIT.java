package dev.gatehouse.server.oidcin;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.util.Base64URL;
import dev.gatehouse.server.console.ConsoleClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestDns;
import dev.gatehouse.server.testing.UpstreamOidcProvider;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signing in through an external OpenID Connect provider — NAV's mock-oauth2-server on 127.0.0.1,
 * reached by Gatehouse under the name the tests' operator allows — driven over HTTP as a browser
 * would (cookies, redirects followed by hand): JIT creates the user with the mapped group role; every
 * forged or stale answer (tampered signature, another issuer, another audience, another nonce, an
 * expired token, a replayed or foreign state, the provider's error) ends on the sign-in page without a
 * session; hostile issuers are refused when the provider is saved; signing out of the console signs out
 * at the provider with the ID token as hint.
 */
class ExternalOidcSignInIT extends IntegrationTest {

    private static final String CLIENT_ID = "gatehouse-clinic";
    private static final String DOMAIN = "clinic-sso.example";
    private static final String ROLE = "front_desk";
    @RegisterExtension
    static final UpstreamOidcProvider idp = new UpstreamOidcProvider();

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private SignedInTenant clinic;
    private String issuerId;
    private String providerId;

    @BeforeEach
    void clinicWithAProvider() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        issuerId = "idp-" + clinic.slug();
        Response created = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Clinic IdP",
                "kind", "OIDC", "domains", raw("[\"" + DOMAIN + "\"]"),
                "config", raw(json("issuer", idp.issuer(issuerId), "clientId", CLIENT_ID, "clientSecret", "client-secret-1",
                        "scopes", raw("[\"openid\",\"email\",\"profile\"]"))),
                "jitProvisioning", true, "mappings", raw("[" + json("group", "front-desk", "role", ROLE) + "]"),
                "enforced", false));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        providerId = created.text("/id");
        assertThat(created.raw()).doesNotContain("client-secret-1");
        assertThat(created.body().at("/config/discovered/tokenEndpoint").asString()).endsWith("/" + issuerId + "/token");
    }

    private DefaultOAuth2TokenCallback person(String subject, Map<String, Object> extra) {
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("email", "ann@" + DOMAIN, "email_verified", true,
                "given_name", "Ann", "family_name", "Lee", "preferred_username", "ann.lee",
                "groups", List.of("front-desk", "other")));
        claims.putAll(extra);
        return new DefaultOAuth2TokenCallback(issuerId, subject, "JWT", null, claims, 3600);
    }

    /** The browser starts signing in at Gatehouse; answers the provider's authorize URL it was sent to. */
    private URI start(ConsoleClient browser) {
        HttpResponse<String> started = browser.get("/sso/oidc/" + clinic.slug() + "/" + providerId);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(302);
        URI authorize = URI.create(started.headers().firstValue("Location").orElseThrow());
        assertThat(authorize.toString()).startsWith(idp.issuer(issuerId) + "/authorize?");
        Map<String, String> query = query(authorize);
        assertThat(query).containsKeys("state", "nonce", "code_challenge").containsEntry("code_challenge_method", "S256")
                .containsEntry("client_id", CLIENT_ID).containsEntry("response_type", "code");
        assertThat(query.get("redirect_uri")).endsWith("/sso/oidc/" + clinic.slug() + "/" + providerId + "/callback");
        return authorize;
    }

    /** The provider signs the person in and sends the browser back: the callback's local path and query. */
    private String atProvider(URI authorize) throws Exception {
        URI direct = URI.create(authorize.toString().replace(TestDns.RECEIVER, "127.0.0.1"));
        HttpResponse<String> answered = http.send(HttpRequest.newBuilder(direct).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(302);
        URI back = URI.create(answered.headers().firstValue("Location").orElseThrow());
        return back.getRawPath() + "?" + back.getRawQuery();
    }

    /**
     * A whole sign-in. The person is queued just before the callback, whose code exchange takes it: a
     * queued person left unused would stand before every later test's (the mock takes only the head).
     */
    private HttpResponse<String> signIn(ConsoleClient browser, DefaultOAuth2TokenCallback person) throws Exception {
        String callback = atProvider(start(browser));
        idp.server().enqueueCallback(person);
        return browser.get(callback);
    }

    private static void assertRefused(HttpResponse<String> answer, String message) {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(401);
        assertThat(answer.body()).contains(message);
        assertThat(answer.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("gatehouse_session=")
                && !c.startsWith("gatehouse_session=;"));
    }

    @Test
    void aSuspendedOrganisationIsToldSoAtTheStartAndAtTheCallbackOfASignInBegunBefore() throws Exception {
        ConsoleClient browser = new ConsoleClient(port());
        String callback = atProvider(start(browser));
        assertThat(api.patch("/api/v1/tenants/" + clinic.slug(), operatorToken(),
                json("status", "SUSPENDED", "reason", "unpaid invoice")).status()).isEqualTo(200);

        HttpResponse<String> back = browser.get(callback);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(403);
        assertThat(back.body()).contains("This organisation is suspended; contact your platform operator");
        assertThat(back.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("gatehouse_session=")
                && !c.startsWith("gatehouse_session=;"));
        HttpResponse<String> started = new ConsoleClient(port()).get("/sso/oidc/" + clinic.slug() + "/" + providerId);
        assertThat(started.statusCode()).isEqualTo(403);
        assertThat(started.body()).contains("This organisation is suspended");
    }

    @Test
    void signsInThroughTheProviderCreatingTheUserWithTheMappedRole() throws Exception {
        ConsoleClient browser = new ConsoleClient(port());
        HttpResponse<String> back = signIn(browser, person("ann-subject", Map.of()));
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location").orElseThrow()).contains("/console");
        assertThat(back.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("gatehouse_session=ey")
                || c.matches("gatehouse_session=[^;]+;.*"));
        assertThat(browser.get("/console").statusCode()).isEqualTo(200);

        Response users = api.get(clinic.path("/users?q=ann"), clinic.adminToken());
        assertThat(users.raw()).as(api.get(clinic.path("/users"), clinic.adminToken()).raw()).contains("ann@" + DOMAIN);
        String userId = users.body().at("/items/0/id").asString();
        Response roles = api.get(clinic.path("/users/" + userId + "/roles"), clinic.adminToken());
        assertThat(roles.raw()).contains(ROLE).contains("SSO");

        // A second sign-in finds the same user (linked by subject), no second account.
        HttpResponse<String> again = signIn(new ConsoleClient(port()), person("ann-subject", Map.of()));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(302);
        assertThat(api.get(clinic.path("/users?q=ann"), clinic.adminToken()).body().at("/items").size()).isEqualTo(1);
    }

    @Test
    void refusesIdTokensTamperedWithFromAnotherIssuerForAnotherAudienceWithAnotherNonceOrExpired() throws Exception {
        try (FakeProvider fake = new FakeProvider(TestDns.RECEIVER)) {
            Response created = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Fake",
                    "kind", "OIDC", "domains", raw("[]"), "config", raw(json("issuer", fake.issuer(), "clientId",
                            CLIENT_ID, "clientSecret", "s")), "jitProvisioning", true, "mappings", raw("[]"),
                    "enforced", false));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            String fakeId = created.text("/id");

            ConsoleClient browser = new ConsoleClient(port());
            Map<String, String> asked = startAt(browser, fakeId);
            String[] parts = fake.idToken(fake.issuer(), CLIENT_ID, "victim", asked.get("nonce"), "boss@" + DOMAIN)
                    .split("\\.");
            String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                    .replace("victim", "attacker");
            fake.answerWith(parts[0] + "." + Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
            assertRefused(browser.get(callback(fakeId, "code-1", asked.get("state"))), "could not be verified");

            ConsoleClient second = new ConsoleClient(port());
            Map<String, String> again = startAt(second, fakeId);
            fake.answerWith(fake.idToken("https://another-issuer.example", CLIENT_ID, "victim", again.get("nonce"),
                    "boss@" + DOMAIN));
            assertRefused(second.get(callback(fakeId, "code-2", again.get("state"))), "could not be verified");

            ConsoleClient audience = new ConsoleClient(port());
            Map<String, String> forOther = startAt(audience, fakeId);
            fake.answerWith(fake.idToken(fake.issuer(), "another-client", "victim", forOther.get("nonce"),
                    "boss@" + DOMAIN));
            assertRefused(audience.get(callback(fakeId, "code-4", forOther.get("state"))), "could not be verified");

            ConsoleClient nonce = new ConsoleClient(port());
            Map<String, String> forNonce = startAt(nonce, fakeId);
            fake.answerWith(fake.idToken(fake.issuer(), CLIENT_ID, "victim", "a-nonce-of-another-request",
                    "boss@" + DOMAIN));
            assertRefused(nonce.get(callback(fakeId, "code-5", forNonce.get("state"))),
                    "could not be verified (invalid_nonce)");

            ConsoleClient expired = new ConsoleClient(port());
            Map<String, String> late = startAt(expired, fakeId);
            fake.answerWith(fake.idToken(fake.issuer(), CLIENT_ID, "victim", late.get("nonce"), "boss@" + DOMAIN,
                    -600));
            assertRefused(expired.get(callback(fakeId, "code-6", late.get("state"))), "could not be verified");
            assertThat(api.get(clinic.path("/users?q=boss"), clinic.adminToken()).raw()).doesNotContain("boss@");

            // The same provider's honest token is accepted: the refusals above are the forgery's, not the setup's.
            ConsoleClient honest = new ConsoleClient(port());
            Map<String, String> third = startAt(honest, fakeId);
            fake.answerWith(fake.idToken(fake.issuer(), CLIENT_ID, "victim", third.get("nonce"), "boss@" + DOMAIN));
            assertThat(honest.get(callback(fakeId, "code-3", third.get("state"))).statusCode()).isEqualTo(302);
        }
    }

    private Map<String, String> startAt(ConsoleClient browser, String id) {
        HttpResponse<String> started = browser.get("/sso/oidc/" + clinic.slug() + "/" + id);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(302);
        return query(URI.create(started.headers().firstValue("Location").orElseThrow()));
    }

    private String callback(String id, String code, String state) {
        return "/sso/oidc/" + clinic.slug() + "/" + id + "/callback?code=" + code + "&state=" + state;
    }

    @Test
    void refusesAReplayedStateAStateFromAnotherBrowserAndTheProvidersError() throws Exception {
        ConsoleClient browser = new ConsoleClient(port());
        String callback = atProvider(start(browser));
        idp.server().enqueueCallback(person("ann-subject", Map.of()));
        assertThat(browser.get(callback).statusCode()).isEqualTo(302);
        assertRefused(browser.get(callback), "expired or was already used");

        // Login CSRF: a callback started in the attacker's browser, completed in the victim's.
        ConsoleClient attacker = new ConsoleClient(port());
        String planted = atProvider(start(attacker));
        assertRefused(new ConsoleClient(port()).get(planted), "expired or was already used");

        ConsoleClient refusedAtProvider = new ConsoleClient(port());
        String state = query(start(refusedAtProvider)).get("state");
        assertRefused(refusedAtProvider.get("/sso/oidc/" + clinic.slug() + "/" + providerId + "/callback?error=access_denied"
                + "&state=" + state), "did not sign you in (access_denied)");
        assertRefused(new ConsoleClient(port()).get("/sso/oidc/" + clinic.slug() + "/" + providerId + "/callback?code=x"),
                "expired or was already used");
    }

    @Test
    void anotherTenantsProviderOrAnUnknownOneIsNotAWayIn() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        HttpResponse<String> answer = new ConsoleClient(port()).get("/sso/oidc/" + other.slug() + "/" + providerId);
        assertRefused(answer, "not available");
        assertRefused(new ConsoleClient(port()).get("/sso/oidc/" + clinic.slug() + "/not-an-id"), "not available");
    }

    @Test
    void refusesHostileOrWrongIssuersWhenTheProviderIsSaved() {
        for (String hostile : List.of("http://127.0.0.1:" + idp.port() + "/" + issuerId,
                "https://169.254.169.254/latest", "http://localhost:" + idp.port() + "/" + issuerId,
                "https://user@" + TestDns.RECEIVER + "/x")) {
            Response refused = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Hostile",
                    "kind", "OIDC", "domains", raw("[]"), "config", raw(json("issuer", hostile, "clientId", "c",
                            "clientSecret", "s")), "jitProvisioning", false, "mappings", raw("[]"), "enforced", false));
            assertThat(refused.status()).as(hostile + " " + refused.raw()).isEqualTo(400);
            assertThat(refused.raw()).as(hostile).contains("config.issuer");
        }
        // A provider that answers, but not as an OpenID Connect provider.
        Response noDocument = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Nothing",
                "kind", "OIDC", "domains", raw("[]"), "config", raw(json("issuer", "http://" + TestDns.RECEIVER + ":"
                        + port() + "/nothing-here", "clientId", "c", "clientSecret", "s")), "jitProvisioning", false,
                "mappings", raw("[]"), "enforced", false));
        assertThat(noDocument.status()).as(noDocument.raw()).isEqualTo(400);
        assertThat(noDocument.raw()).contains("config.issuer");
        Response preset = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Entra",
                "kind", "OIDC", "preset", "ENTRA", "domains", raw("[]"), "config", raw(json("clientId", "c",
                        "clientSecret", "s")), "jitProvisioning", false, "mappings", raw("[]"), "enforced", false));
        assertThat(preset.status()).as(preset.raw()).isEqualTo(400);
        assertThat(preset.raw()).contains("config.tenantId");
        Response noSecret = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "No secret",
                "kind", "OIDC", "domains", raw("[]"), "config", raw(json("issuer", idp.issuer(issuerId), "clientId", "c")),
                "jitProvisioning", false, "mappings", raw("[]"), "enforced", false));
        assertThat(noSecret.status()).as(noSecret.raw()).isEqualTo(400);
        assertThat(noSecret.raw()).contains("config.clientSecret");
    }

    @Test
    void signingOutOfTheConsoleSignsOutAtTheProviderOnce() throws Exception {
        ConsoleClient browser = new ConsoleClient(port());
        assertThat(signIn(browser, person("ann-subject", Map.of())).statusCode()).isEqualTo(302);
        // While the console session lives, the sign-out page does nothing (a link elsewhere cannot use it).
        HttpResponse<String> early = browser.get(OidcSignInController.SIGN_OUT);
        assertThat(early.statusCode()).isEqualTo(302);
        assertThat(early.headers().firstValue("Location").orElseThrow()).contains("/console/sign-in");

        ConsoleClient again = new ConsoleClient(port());
        assertThat(signIn(again, person("ann-subject", Map.of())).statusCode()).isEqualTo(302);
        assertThat(again.get("/console").statusCode()).isEqualTo(200);
        HttpResponse<String> signedOut = again.post("/console/sign-out", Map.of());
        assertThat(signedOut.statusCode()).isEqualTo(302);
        assertThat(signedOut.headers().firstValue("Location").orElseThrow()).endsWith(OidcSignInController.SIGN_OUT);
        HttpResponse<String> toProvider = again.get(OidcSignInController.SIGN_OUT);
        assertThat(toProvider.statusCode()).isEqualTo(200);
        String body = toProvider.body().replace("&amp;", "&");
        String endSession = "http://" + TestDns.RECEIVER + ":" + idp.port()
                + idp.server().endSessionEndpointUrl(issuerId).encodedPath();
        assertThat(body).contains(endSession + "?id_token_hint=ey")
                .contains("client_id=" + CLIENT_ID).contains("post_logout_redirect_uri=");
        HttpResponse<String> twice = again.get(OidcSignInController.SIGN_OUT);
        assertThat(twice.statusCode()).isEqualTo(302);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }
}
