package dev.gatehouse.server.oidc;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.gatehouse.server.console.ConsoleClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Authorization code with PKCE through Gatehouse's own console sign-in page, driven as a browser
 * would (cookies, the sign-in form's CSRF token), the ID token validated with Nimbus's certified
 * OpenID Connect client library; refresh rotation and reuse detection; userinfo; a console
 * session of another tenant signing in again; PKCE and redirect URIs enforced exactly.
 */
class OidcSignInIT extends IntegrationTest {

    private static final String REDIRECT = "https://app.example/callback";

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TestClock clock;
    @Autowired
    private TransactionTemplate transactions;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private SignedInTenant clinic;
    private String clientId;
    private String clientSecret;

    @BeforeEach
    void clinicWithAnApp() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response created = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", "Booking site",
                "type", "confidential", "redirectUris", raw("[\"" + REDIRECT + "\"]"),
                "postLogoutRedirectUris", raw("[\"https://app.example/\"]"),
                "grantTypes", raw("[\"authorization_code\",\"refresh_token\"]"),
                "scopes", raw("[\"openid\",\"profile\",\"email\",\"roles\",\"gatehouse.api\"]"), "firstParty", true));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        clientId = created.text("/clientId");
        clientSecret = created.text("/clientSecret");
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private String issuer() {
        return "http://localhost:" + port() + "/oauth2/" + clinic.slug();
    }

    @Test
    void signsInThroughTheConsoleAndGetsValidatedTokensCarryingTheTenantAndRoles() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        Nonce nonce = new Nonce();
        ConsoleClient browser = new ConsoleClient(port());

        String code = signIn(browser, verifier, nonce, "state-1");
        JsonNode tokens = token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "code_verifier", verifier.getValue()));

        IDTokenValidator validator = new IDTokenValidator(new Issuer(issuer()), new ClientID(clientId),
                JWSAlgorithm.RS256, URI.create(issuer() + "/jwks").toURL());
        IDTokenClaimsSet id = validator.validate(JWTParser.parse(tokens.get("id_token").asString()), nonce);
        assertThat(id.getSubject().getValue()).isEqualTo(clinic.adminId());
        assertThat(id.getStringClaim("tenant")).isEqualTo(clinic.slug());
        assertThat(id.getStringClaim("preferred_username")).isEqualTo(SignedInTenant.ADMIN);
        assertThat(id.getClaim("roles").toString()).contains("owner");
        assertThat(id.getAuthenticationTime()).isNotNull();
        assertThat(id.getStringListClaim("amr")).as("a password alone, as this sign-in was").containsExactly("pwd");
        assertThat(id.getStringClaim("sid")).isNotBlank();

        String accessToken = tokens.get("access_token").asString();
        assertThat(JWTParser.parse(accessToken).getHeader().toJSONObject().get("typ")).isEqualTo("at+jwt");
        HttpResponse<String> userInfo = http.send(HttpRequest.newBuilder(URI.create(issuer() + "/userinfo"))
                .header("Authorization", "Bearer " + accessToken).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(userInfo.statusCode()).as(userInfo.body()).isEqualTo(200);
        assertThat(userInfo.body()).contains("\"tenant\":\"" + clinic.slug() + "\"").contains("owner");
        Response me = api.get("/api/v1/me", accessToken);
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        assertThat(me.text("/user/id")).isEqualTo(clinic.adminId());
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "OIDC_SIGN_IN")).singleElement()
                .satisfies(event -> assertThat(event.targetId()).isEqualTo(clientId));

        // The session the user signed in to the application through names it, in their list and the admin's.
        assertThat(api.get("/api/v1/me/sessions", clinic.adminToken()).body().path("items").toString())
                .contains("\"clients\":[\"Booking site\"]").contains("\"clients\":[]");
        assertThat(api.get(clinic.path("/users/" + clinic.adminId() + "/sessions"), clinic.adminToken()).body()
                .path("items").toString()).contains("\"clients\":[\"Booking site\"]");
        assertThat(browser.get("/console/profile").body()).contains("signed in to Booking site");
        assertThat(browser.get("/console/users/" + clinic.adminId()).body()).contains("signed in to Booking site");
    }

    /** The tokens of a fresh sign-in through the authorize endpoint and the code grant (PKCE). */
    private JsonNode codeGrantTokens(String state) throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = signIn(new ConsoleClient(port()), verifier, new Nonce(), state);
        return token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "code_verifier", verifier.getValue()));
    }

    @Test
    void refreshTokensRotateAndAReusedOneKillsTheWholeFamily() throws Exception {
        JsonNode first = codeGrantTokens("state-2");
        String firstRefresh = first.get("refresh_token").asString();

        JsonNode second = token(Map.of("grant_type", "refresh_token", "refresh_token", firstRefresh));
        String secondRefresh = second.get("refresh_token").asString();
        assertThat(secondRefresh).isNotEqualTo(firstRefresh);
        assertThat(api.get("/api/v1/me", second.get("access_token").asString()).status()).isEqualTo(200);

        HttpResponse<String> reuse = tokenResponse(Map.of("grant_type", "refresh_token", "refresh_token",
                firstRefresh));
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(reuse.body()).contains("invalid_grant");
        assertThat(tokenResponse(Map.of("grant_type", "refresh_token", "refresh_token", secondRefresh)).statusCode())
                .isEqualTo(400);
        assertThat(api.get("/api/v1/me", second.get("access_token").asString()).status()).isEqualTo(401);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "REFRESH_TOKEN_REUSED")).singleElement()
                .satisfies(event -> assertThat(event.targetId()).isEqualTo(clientId));
    }

    @Test
    void aRefreshTokenPresentedTwiceAtOnceIsAnsweredOnceAndTheFamilyDies() throws Exception {
        JsonNode tokens = codeGrantTokens("state-5");
        Map<String, String> refresh = Map.of("grant_type", "refresh_token", "refresh_token",
                tokens.get("refresh_token").asString());
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            // The row held locked: both requests read the authorization, then wait to rotate the same token.
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> transactions.executeWithoutResult(status -> {
                jdbc.sql("select id from oidc_authorizations where refresh_hash = :hash for update")
                        .param("hash", ClientSecrets.sha256(refresh.get("refresh_token"))).query(String.class).single();
                locked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            locked.await();
            Future<HttpResponse<String>> one = threads.submit(() -> tokenResponse(refresh));
            Future<HttpResponse<String>> other = threads.submit(() -> tokenResponse(refresh));
            for (int polls = 0; waitingRotations() < 2 && !(one.isDone() && other.isDone()) && polls < 3_000; polls++) {
                Thread.sleep(10);
            }
            assertThat(waitingRotations()).as("both requests wait to rotate the same token").isEqualTo(2);
            release.countDown();
            holder.get();

            List<HttpResponse<String>> answers = List.of(one.get(), other.get());
            assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 400);
            HttpResponse<String> answered = answers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
            JsonNode rotated = OidcFlowIT.JSON.readTree(answered.body());
            assertThat(RecordedAudit.of(jdbc, clinic.id(), "REFRESH_TOKEN_REUSED")).hasSize(1);
            assertDead(rotated);
        } finally {
            threads.shutdownNow();
        }
    }

    /** Requests of this database waiting for a row lock to rotate an authorization. */
    private int waitingRotations() {
        return jdbc.sql("""
                        select count(*) from pg_stat_activity
                        where datname = current_database() and wait_event_type = 'Lock'
                            and query like 'update oidc_authorizations a set%'
                        """).query(Integer.class).single();
    }

    @Test
    void aRefreshAfterTheUsersNameChangedSaysTheNewName() throws Exception {
        TestMembers.Member nurse = TestMembers.member("nurse.nia").holding("front_desk").create(api, clinic);
        JsonNode tokens = tokensOf(nurse.username(), nurse.password());
        JsonNode refreshed = token(Map.of("grant_type", "refresh_token", "refresh_token",
                tokens.get("refresh_token").asString()));
        assertThat(nameIn(refreshed)).isNotEqualTo("Nia Renamed");

        Response renamed = api.patch(clinic.path("/users/" + nurse.id()), clinic.adminToken(),
                json("firstName", "Nia", "lastName", "Renamed"));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);

        JsonNode again = token(Map.of("grant_type", "refresh_token", "refresh_token",
                refreshed.get("refresh_token").asString()));
        assertThat(nameIn(again)).isEqualTo("Nia Renamed");
        assertThat(JWTParser.parse(again.get("access_token").asString()).getJWTClaimsSet().getStringClaim("name"))
                .isEqualTo("Nia Renamed");
    }

    private static String nameIn(JsonNode tokens) throws Exception {
        return JWTParser.parse(tokens.get("id_token").asString()).getJWTClaimsSet().getStringClaim("name");
    }

    @Test
    void aRefreshTokenMadeUpInTheFamilysNameIsRefusedAndKillsNothing() throws Exception {
        JsonNode first = codeGrantTokens("state-3");
        String refresh = first.get("refresh_token").asString();
        // The family's id as the real token says it, another nonce: only the family's key could have signed it.
        byte[] madeUp = Base64.getUrlDecoder().decode(refresh);
        madeUp[20] ^= 1;
        HttpResponse<String> forged = tokenResponse(Map.of("grant_type", "refresh_token", "refresh_token",
                Base64.getUrlEncoder().withoutPadding().encodeToString(madeUp)));
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("invalid_grant");

        JsonNode refreshed = token(Map.of("grant_type", "refresh_token", "refresh_token", refresh));
        assertThat(api.get("/api/v1/me", refreshed.get("access_token").asString()).status()).isEqualTo(200);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "REFRESH_TOKEN_REUSED")).isEmpty();
        // The rotated one is still known as the family's: presented again, the family dies.
        assertThat(tokenResponse(Map.of("grant_type", "refresh_token", "refresh_token", refresh)).statusCode())
                .isEqualTo(400);
        assertThat(tokenResponse(Map.of("grant_type", "refresh_token", "refresh_token",
                refreshed.get("refresh_token").asString())).statusCode()).isEqualTo(400);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "REFRESH_TOKEN_REUSED")).hasSize(1);
    }

    @Test
    void aFamilyFromBeforeFamilyKeysStillDiesWhenARotatedTokenOnItsListComesBack() throws Exception {
        JsonNode tokens = codeGrantTokens("state-4");
        // A plain random token that such an authorization rotated out, listed by its hash as before V156.
        String rotated = "an-older-plain-refresh-token-of-this-family";
        assertThat(jdbc.sql("update oidc_authorizations set rotated_refresh_hashes = array[cast(:rotated as bytea)]"
                        + " where refresh_hash = :current")
                .param("rotated", ClientSecrets.sha256(rotated))
                .param("current", ClientSecrets.sha256(tokens.get("refresh_token").asString())).update()).isEqualTo(1);

        HttpResponse<String> reuse = tokenResponse(Map.of("grant_type", "refresh_token", "refresh_token", rotated));
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "REFRESH_TOKEN_REUSED")).hasSize(1);
        assertDead(tokens);
    }

    @Test
    void aRevokedAccessTokenOfASignInStopsAtOnceWhileItsRefreshTokenStillWorks() throws Exception {
        JsonNode tokens = tokensOf(SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        String accessToken = tokens.get("access_token").asString();
        assertThat(api.get("/api/v1/me", accessToken).status()).as("its verdict is kept now").isEqualTo(200);

        assertThat(post("/revoke", Map.of("token", accessToken, "token_type_hint", "access_token")).statusCode())
                .isEqualTo(200);

        assertThat(api.get("/api/v1/me", accessToken).status()).isEqualTo(401);
        assertThat(OidcFlowIT.JSON.readTree(post("/introspect", Map.of("token", accessToken)).body())
                .get("active").asBoolean()).isFalse();
        JsonNode refreshed = token(Map.of("grant_type", "refresh_token", "refresh_token",
                tokens.get("refresh_token").asString()));
        assertThat(api.get("/api/v1/me", refreshed.get("access_token").asString()).status()).isEqualTo(200);
    }

    @Test
    void theCodeNeedsTheRightPkceVerifierAndTheExactRedirectUri() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        ConsoleClient browser = new ConsoleClient(port());
        String code = signIn(browser, verifier, new Nonce(), "state-3");
        HttpResponse<String> wrongVerifier = tokenResponse(Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT, "code_verifier", new CodeVerifier().getValue()));
        assertThat(wrongVerifier.statusCode()).isEqualTo(400);
        assertThat(wrongVerifier.body()).contains("invalid_grant");

        HttpResponse<String> noPkce = browser.get(authorizePath(null, new Nonce(), "state-4", REDIRECT));
        assertThat(noPkce.statusCode()).isEqualTo(302);
        assertThat(noPkce.headers().firstValue("Location").orElseThrow()).startsWith(REDIRECT)
                .contains("error=invalid_request");

        HttpResponse<String> notExact = browser.get(authorizePath(verifier, new Nonce(), "state-5",
                REDIRECT + "/other"));
        assertThat(notExact.statusCode()).isEqualTo(400);
        assertThat(notExact.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void aConsoleSessionOfAnotherTenantSignsInAgainAndTheContinueUrlStaysLocal() throws Exception {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleClient browser = new ConsoleClient(port());
        browser.get("/console/sign-in");
        HttpResponse<String> signedIn = browser.post("/console/sign-in", Map.of("tenant", other.slug(),
                "username", SignedInTenant.ADMIN, "password", SignedInTenant.ADMIN_PASSWORD));
        assertThat(signedIn.statusCode()).isEqualTo(302);

        HttpResponse<String> authorize = browser.get(authorizePath(new CodeVerifier(), new Nonce(), "s", REDIRECT));
        assertThat(authorize.statusCode()).isEqualTo(302);
        assertThat(local(authorize.headers().firstValue("Location").orElseThrow()))
                .startsWith("/console/sign-in?tenant=" + clinic.slug() + "&continueTo=");

        HttpResponse<String> page = browser.get("/console/sign-in?tenant=" + clinic.slug()
                + "&continueTo=https://evil.example/oauth2/x/authorize");
        assertThat(page.body()).doesNotContain("evil.example");
        HttpResponse<String> posted = browser.post("/console/sign-in", Map.of("tenant", clinic.slug(),
                "username", SignedInTenant.ADMIN, "password", SignedInTenant.ADMIN_PASSWORD,
                "continueTo", "//evil.example/oauth2/x/authorize"));
        assertThat(posted.headers().firstValue("Location").orElseThrow()).doesNotContain("evil.example");
    }

    @Test
    void theApplicationsRequestIsKeptWhileTheUserOpensAnotherConsolePageBeforeSigningIn() throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        ConsoleClient browser = new ConsoleClient(port());
        HttpResponse<String> authorize = browser.get(authorizePath(verifier, new Nonce(), "state-kept", REDIRECT));
        String signInPage = local(authorize.headers().firstValue("Location").orElseThrow());
        String continueTo = URLDecoder.decode(signInPage.substring(signInPage.indexOf("continueTo=") + 11),
                StandardCharsets.UTF_8);
        assertThat(browser.get(signInPage).statusCode()).isEqualTo(200);

        // The user wanders off and signs in from a page that no longer carries the application's request.
        assertThat(browser.get("/console/sign-in?tenant=" + clinic.slug()).body()).doesNotContain("state-kept");
        HttpResponse<String> signedIn = browser.post("/console/sign-in", Map.of("tenant", clinic.slug(),
                "username", SignedInTenant.ADMIN, "password", SignedInTenant.ADMIN_PASSWORD));

        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(local(signedIn.headers().firstValue("Location").orElseThrow())).isEqualTo(continueTo);
        assertThat(signedIn.headers().allValues("Set-Cookie")).as("kept until sign-in completes, then forgotten")
                .anySatisfy(cookie -> assertThat(cookie).startsWith("gatehouse_continue=;").contains("Max-Age=0"));
        HttpResponse<String> back = browser.get(continueTo);
        assertThat(back.headers().firstValue("Location").orElseThrow()).startsWith(REDIRECT + "?code=")
                .contains("state=state-kept");
    }

    @Test
    void aSignInWithPasswordAndAuthenticatorCodeSaysSoInTheIdTokensAmr() throws Exception {
        TestMembers.Member doctor = TestMembers.member("dr.tess").holding("front_desk").withMfa().create(api, clinic);
        ConsoleClient browser = new ConsoleClient(port());
        CodeVerifier verifier = new CodeVerifier();
        String signInPage = local(browser.get(authorizePath(verifier, new Nonce(), "two", REDIRECT)).headers()
                .firstValue("Location").orElseThrow());
        String continueTo = URLDecoder.decode(signInPage.substring(signInPage.indexOf("continueTo=") + 11),
                StandardCharsets.UTF_8);
        browser.get(signInPage);
        HttpResponse<String> step = browser.post("/console/sign-in", Map.of("tenant", clinic.slug(),
                "username", doctor.username(), "password", doctor.password(), "continueTo", continueTo));
        java.util.regex.Matcher mfaToken = java.util.regex.Pattern.compile("name=\"mfaToken\" value=\"([^\"]+)\"")
                .matcher(step.body());
        assertThat(mfaToken.find()).as(step.body()).isTrue();
        // The code of the next step: the one of this step was spent by the enrolment's confirmation.
        HttpResponse<String> signedIn = browser.post("/console/sign-in/second-factor", Map.of("mfaToken",
                mfaToken.group(1), "code", doctor.authenticator().code(1), "emailCodes", "false", "continueTo",
                continueTo));
        assertThat(signedIn.statusCode()).as(signedIn.body()).isEqualTo(302);
        assertThat(local(signedIn.headers().firstValue("Location").orElseThrow())).isEqualTo(continueTo);

        String callback = browser.get(continueTo).headers().firstValue("Location").orElseThrow();
        JsonNode tokens = token(Map.of("grant_type", "authorization_code", "code", query(URI.create(callback)
                .getRawQuery()).get("code"), "redirect_uri", REDIRECT, "code_verifier", verifier.getValue()));
        assertThat(JWTParser.parse(tokens.get("id_token").asString()).getJWTClaimsSet().getStringListClaim("amr"))
                .containsExactly("pwd", "otp", "mfa");
    }

    @Test
    void requiredActionsDuringSignInLeadBackToTheApplicationAndNeverElsewhere() throws Exception {
        String initial = "handed over by the admin 12345";
        TestMembers.member("new.nurse").holding("front_desk").passwords(initial, "unused")
                .createWithoutSignIn(api, clinic.slug(), clinic.adminToken());
        Response patched = api.patch(clinic.path("/settings"), clinic.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ALL\"}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        ConsoleClient browser = new ConsoleClient(port());
        CodeVerifier verifier = new CodeVerifier();
        HttpResponse<String> authorize = browser.get(authorizePath(verifier, new Nonce(), "actions", REDIRECT));
        String signInPage = local(authorize.headers().firstValue("Location").orElseThrow());
        String continueTo = URLDecoder.decode(signInPage.substring(signInPage.indexOf("continueTo=") + 11),
                StandardCharsets.UTF_8);
        String carried = "?continueTo=" + OidcFlowIT.encode(continueTo);
        browser.get(signInPage);

        HttpResponse<String> signedIn = browser.post("/console/sign-in", Map.of("tenant", clinic.slug(),
                "username", "new.nurse", "password", initial, "continueTo", continueTo));
        assertThat(local(signedIn.headers().firstValue("Location").orElseThrow()))
                .isEqualTo("/console/password" + carried);
        assertThat(browser.get("/console/password" + carried).body()).contains("name=\"continueTo\"");
        HttpResponse<String> changed = browser.post("/console/password", Map.of("currentPassword", initial,
                "newPassword", "the nurse's own passphrase", "confirmPassword", "the nurse's own passphrase",
                "continueTo", continueTo));
        assertThat(local(changed.headers().firstValue("Location").orElseThrow()))
                .as("the next required action, the application still carried")
                .isEqualTo("/console/profile/second-factor" + carried);

        assertThat(browser.get("/console/profile/second-factor" + carried).body()).contains("name=\"continueTo\"");
        HttpResponse<String> enrolment = browser.post("/console/profile/second-factor/enrol",
                Map.of("continueTo", continueTo));
        java.util.regex.Matcher secret = java.util.regex.Pattern.compile("class=\"totp-secret\">([A-Z2-7]+)<")
                .matcher(enrolment.body());
        assertThat(secret.find()).as(enrolment.body()).isTrue();
        String code = new TestMembers.Authenticator(TestMembers.base32(secret.group(1)), java.util.List.of()).code(0);
        HttpResponse<String> codes = browser.post("/console/profile/second-factor/confirm",
                Map.of("code", code, "continueTo", continueTo));
        assertThat(codes.statusCode()).as(codes.body()).isEqualTo(200);
        assertThat(codes.body()).as("once the recovery codes are saved, back to the application")
                .contains("href=\"" + continueTo.replace("&", "&amp;") + "\"");

        HttpResponse<String> back = browser.get(continueTo);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        String callback = back.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(REDIRECT + "?code=").contains("state=actions");
        JsonNode tokens = token(Map.of("grant_type", "authorization_code", "code", query(URI.create(callback)
                .getRawQuery()).get("code"), "redirect_uri", REDIRECT, "code_verifier", verifier.getValue()));
        assertThat(JWTParser.parse(tokens.get("id_token").asString()).getJWTClaimsSet().getStringListClaim("amr"))
                .as("this sign-in proved a password; the authenticator was set up after it").containsExactly("pwd");

        HttpResponse<String> elsewhere = browser.post("/console/password", Map.of("currentPassword",
                "the nurse's own passphrase", "newPassword", "yet another passphrase 123", "confirmPassword",
                "yet another passphrase 123", "continueTo", "https://evil.example/oauth2/x/authorize"));
        assertThat(elsewhere.statusCode()).as(elsewhere.body()).isEqualTo(302);
        assertThat(local(elsewhere.headers().firstValue("Location").orElseThrow()))
                .isEqualTo("/console/profile?passwordChanged");
    }

    @Test
    void aThirdPartyClientAsksForConsentOnTheConsolesScreen() throws Exception {
        Response created = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", "Outside scheduler",
                "type", "confidential", "redirectUris", raw("[\"" + REDIRECT + "\"]"),
                "grantTypes", raw("[\"authorization_code\"]"), "scopes", raw("[\"openid\",\"profile\",\"roles\"]")));
        clientId = created.text("/clientId");
        clientSecret = created.text("/clientSecret");
        ConsoleClient browser = new ConsoleClient(port());
        CodeVerifier verifier = new CodeVerifier();

        String authorize = "/oauth2/" + clinic.slug() + "/authorize?response_type=code&client_id=" + clientId
                + "&redirect_uri=" + OidcFlowIT.encode(REDIRECT) + "&scope=" + OidcFlowIT.encode("openid profile roles")
                + "&state=third&code_challenge=" + CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue()
                + "&code_challenge_method=S256";
        browser.get("/console/sign-in");
        browser.post("/console/sign-in", Map.of("tenant", clinic.slug(), "username", SignedInTenant.ADMIN,
                "password", SignedInTenant.ADMIN_PASSWORD));
        HttpResponse<String> asks = browser.get(authorize);
        assertThat(asks.statusCode()).as(asks.body()).isEqualTo(302);
        String consentPage = local(asks.headers().firstValue("Location").orElseThrow());
        assertThat(consentPage).startsWith("/console/consent?");
        Map<String, String> consent = query(URI.create(consentPage).getRawQuery());

        HttpResponse<String> page = browser.get(consentPage);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Outside scheduler").contains("See your roles");

        HttpResponse<String> allowed = browser.post("/oauth2/" + clinic.slug() + "/authorize", Map.of(
                "client_id", clientId, "state", consent.get("state"), "scope", "profile"));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(302);
        String callback = allowed.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(REDIRECT + "?code=").contains("state=third");
        assertThat(token(Map.of("grant_type", "authorization_code", "code", query(URI.create(callback).getRawQuery())
                .get("code"), "redirect_uri", REDIRECT, "code_verifier", verifier.getValue()))
                .get("scope").asString()).contains("profile").doesNotContain("roles");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "CONSENT_GRANTED")).singleElement()
                .satisfies(event -> assertThat(event.targetId()).isEqualTo(clientId));

        // Kept in the database (not a node's memory): asked once, whichever node answers next time.
        assertThat(jdbc.sql("select array_to_string(scopes, ' ') from oidc_consents where user_id = cast(:user as uuid)")
                .param("user", clinic.adminId()).query(String.class).single()).contains("profile").doesNotContain("roles");
        HttpResponse<String> again = browser.get(authorize.replace(OidcFlowIT.encode("openid profile roles"),
                OidcFlowIT.encode("openid profile")).replace("state=third", "state=again"));
        assertThat(again.headers().firstValue("Location").orElseThrow()).as("no second consent for what was granted")
                .startsWith(REDIRECT + "?code=");
    }

    @Test
    void aScopeTheClientMayNotHaveIsRefusedAndTheConsentScreenNamesEveryScopeAskedFor() throws Exception {
        Response created = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", "Outside scheduler",
                "type", "confidential", "redirectUris", raw("[\"" + REDIRECT + "\"]"),
                "grantTypes", raw("[\"authorization_code\"]"), "scopes", raw("[\"openid\",\"profile\"]")));
        String thirdParty = created.text("/clientId");
        ConsoleClient browser = new ConsoleClient(port());
        browser.get("/console/sign-in");
        browser.post("/console/sign-in", Map.of("tenant", clinic.slug(), "username", SignedInTenant.ADMIN,
                "password", SignedInTenant.ADMIN_PASSWORD));

        HttpResponse<String> refused = browser.get("/oauth2/" + clinic.slug() + "/authorize?response_type=code"
                + "&client_id=" + thirdParty + "&redirect_uri=" + OidcFlowIT.encode(REDIRECT) + "&scope="
                + OidcFlowIT.encode("openid profile billing.export") + "&state=s&code_challenge="
                + CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier()).getValue()
                + "&code_challenge_method=S256");
        assertThat(refused.statusCode()).isEqualTo(302);
        assertThat(refused.headers().firstValue("Location").orElseThrow()).as("never the consent screen")
                .startsWith(REDIRECT + "?error=invalid_scope");

        HttpResponse<String> screen = browser.get("/console/consent?client_id=" + thirdParty + "&state=s&scope="
                + OidcFlowIT.encode("openid billing.export profile"));
        assertThat(screen.statusCode()).isEqualTo(200);
        assertThat(screen.body()).contains("See your name and username").contains("billing.export")
                .contains("value=\"billing.export\"").doesNotContain("value=\"openid\"");
    }

    @Test
    void aLockedUsersTokensDieEverywhere() throws Exception {
        TestMembers.Member nurse = TestMembers.member("nurse.nia").holding("front_desk").create(api, clinic);
        JsonNode tokens = tokensOf(nurse.username(), nurse.password());

        Response locked = api.post(clinic.path("/users/" + nurse.id() + "/lock"), clinic.adminToken(), "{}");
        assertThat(locked.status()).as(locked.raw()).isIn(200, 204);

        assertDead(tokens);
    }

    @Test
    void endingTheUsersSessionsEndsTheClientsTokens() throws Exception {
        TestMembers.Member nurse = TestMembers.member("nurse.nia").holding("front_desk").create(api, clinic);
        JsonNode tokens = tokensOf(nurse.username(), nurse.password());

        Response ended = api.delete(clinic.path("/users/" + nurse.id() + "/sessions"), clinic.adminToken());
        assertThat(ended.status()).as(ended.raw()).isIn(200, 204);

        assertDead(tokens);
    }

    @Test
    void theSessionsIdleTimeoutEndsTheClientsTokensWhileRefreshingKeepsItInUse() throws Exception {
        assertThat(api.patch(clinic.path("/settings"), clinic.adminToken(), """
                {"sessionPolicy": {"idleMinutes": 10}}""").status()).isEqualTo(200);
        TestMembers.Member nurse = TestMembers.member("nurse.nia").holding("front_desk").create(api, clinic);
        JsonNode tokens = tokensOf(nurse.username(), nurse.password());
        assertThat(api.get("/api/v1/me", tokens.get("access_token").asString()).status()).isEqualTo(200);

        // Refreshing through the application is using the session: 16 minutes on, it has not idled out.
        clock.moveAhead(Duration.ofMinutes(8));
        JsonNode refreshed = token(Map.of("grant_type", "refresh_token", "refresh_token",
                tokens.get("refresh_token").asString()));
        clock.moveAhead(Duration.ofMinutes(16));
        JsonNode again = token(Map.of("grant_type", "refresh_token", "refresh_token",
                refreshed.get("refresh_token").asString()));
        assertThat(api.get("/api/v1/me", again.get("access_token").asString()).status()).isEqualTo(200);

        // Then nobody uses it for longer than the tenant's idle timeout: the session and its tokens end.
        clock.moveAhead(Duration.ofMinutes(27));

        assertDead(again);
    }

    @Test
    void logoutEndsTheSessionAndReturnsOnlyToARegisteredUri() throws Exception {
        JsonNode tokens = tokensOf(SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        String idToken = tokens.get("id_token").asString();
        String logout = issuer() + "/logout?id_token_hint=" + idToken;

        HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(logout
                + "&post_logout_redirect_uri=" + OidcFlowIT.encode("https://evil.example/"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(400);
        assertThat(elsewhere.headers().firstValue("Location")).isEmpty();

        HttpResponse<String> out = http.send(HttpRequest.newBuilder(URI.create(logout + "&post_logout_redirect_uri="
                + OidcFlowIT.encode("https://app.example/") + "&state=bye")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(out.statusCode()).as(out.body()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location").orElseThrow()).isEqualTo("https://app.example/?state=bye");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "LOGOUT")).singleElement()
                .satisfies(event -> assertThat(event.details().get("client").asString()).isEqualTo(clientId));
        assertDead(tokens);
    }

    /** Signs {@code username} in through the client and exchanges the code: the token response. */
    private JsonNode tokensOf(String username, String password) throws Exception {
        CodeVerifier verifier = new CodeVerifier();
        String code = signIn(new ConsoleClient(port()), verifier, new Nonce(), "state-9", username, password);
        return token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "code_verifier", verifier.getValue()));
    }

    /** Refresh refused, introspection inactive, userinfo 401, the API 401. */
    private void assertDead(JsonNode tokens) throws Exception {
        String accessToken = tokens.get("access_token").asString();
        assertThat(api.get("/api/v1/me", accessToken).status()).isEqualTo(401);
        HttpResponse<String> refresh = tokenResponse(Map.of("grant_type", "refresh_token", "refresh_token",
                tokens.get("refresh_token").asString()));
        assertThat(refresh.statusCode()).isEqualTo(400);
        assertThat(refresh.body()).contains("invalid_grant");
        HttpResponse<String> introspection = post("/introspect", Map.of("token", accessToken));
        assertThat(introspection.statusCode()).isEqualTo(200);
        assertThat(OidcFlowIT.JSON.readTree(introspection.body()).get("active").asBoolean()).isFalse();
        HttpResponse<String> userInfo = http.send(HttpRequest.newBuilder(URI.create(issuer() + "/userinfo"))
                .header("Authorization", "Bearer " + accessToken).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(userInfo.statusCode()).isEqualTo(401);
    }

    /** Follows the authorize request through the console's sign-in form; answers the code. */
    private String signIn(ConsoleClient browser, CodeVerifier verifier, Nonce nonce, String state) {
        return signIn(browser, verifier, nonce, state, SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
    }

    private String signIn(ConsoleClient browser, CodeVerifier verifier, Nonce nonce, String state, String username,
            String password) {
        HttpResponse<String> authorize = browser.get(authorizePath(verifier, nonce, state, REDIRECT));
        assertThat(authorize.statusCode()).as(authorize.body()).isEqualTo(302);
        String signInPage = local(authorize.headers().firstValue("Location").orElseThrow());
        assertThat(signInPage).startsWith("/console/sign-in?tenant=" + clinic.slug());
        HttpResponse<String> form = browser.get(signInPage);
        assertThat(form.body()).contains("name=\"continueTo\"");
        String continueTo = URLDecoder.decode(signInPage.substring(signInPage.indexOf("continueTo=") + 11),
                StandardCharsets.UTF_8);
        HttpResponse<String> signedIn = browser.post("/console/sign-in", Map.of("tenant", clinic.slug(),
                "username", username, "password", password, "continueTo", continueTo));
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(local(signedIn.headers().firstValue("Location").orElseThrow())).isEqualTo(continueTo);
        HttpResponse<String> back = browser.get(continueTo);
        assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
        String callback = back.headers().firstValue("Location").orElseThrow();
        assertThat(callback).startsWith(REDIRECT + "?code=").contains("state=" + state);
        Map<String, String> query = query(URI.create(callback).getRawQuery());
        return query.get("code");
    }

    private String authorizePath(@Nullable CodeVerifier verifier, Nonce nonce, String state, String redirect) {
        String path = "/oauth2/" + clinic.slug() + "/authorize?response_type=code&client_id=" + clientId
                + "&redirect_uri=" + OidcFlowIT.encode(redirect) + "&scope="
                + OidcFlowIT.encode("openid profile email roles gatehouse.api") + "&state=" + state
                + "&nonce=" + nonce.getValue();
        if (verifier != null) {
            path += "&code_challenge=" + CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue()
                    + "&code_challenge_method=S256";
        }
        return path;
    }

    private JsonNode token(Map<String, String> form) throws Exception {
        HttpResponse<String> response = tokenResponse(form);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return OidcFlowIT.JSON.readTree(response.body());
    }

    private HttpResponse<String> tokenResponse(Map<String, String> form) throws Exception {
        return post("/token", form);
    }

    private HttpResponse<String> post(String endpoint, Map<String, String> form) throws Exception {
        String basic = Base64.getEncoder().encodeToString((OidcFlowIT.encode(clientId) + ":"
                + OidcFlowIT.encode(clientSecret)).getBytes(StandardCharsets.UTF_8));
        return http.send(HttpRequest.newBuilder(URI.create(issuer() + endpoint))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(OidcFlowIT.form(form))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The path and query of a redirect, which the container may make absolute on this server. */
    private String local(String location) {
        String server = "http://localhost:" + port();
        return location.startsWith(server) ? location.substring(server.length()) : location;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : raw.split("&")) {
            int equals = pair.indexOf('=');
            values.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

}
