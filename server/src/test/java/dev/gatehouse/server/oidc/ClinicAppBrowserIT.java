package dev.gatehouse.server.oidc;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.examples.clinic.ClinicApplication;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.BrowserTest;
import dev.gatehouse.server.testing.ConsoleBrowser;
import dev.gatehouse.server.testing.OwnServer;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestMembers.Member;
import dev.gatehouse.server.testing.TestServiceAccounts;
import dev.gatehouse.server.testing.TestTenants;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * A real relying party, not the test's own code: examples/clinic-app (Spring Security's OAuth2 client for the
 * sign-in, Gatehouse's Spring Boot starter for its guarded pages) started beside the server in this JVM on a
 * port of its own, registered as a client of the tenant through the clients API, given an API key with
 * {@code access.check}, and driven in chromium through Gatehouse's own sign-in page with a password and an
 * authenticator code; its own API is called with the tenant's access tokens.
 */
class ClinicAppBrowserIT extends BrowserTest {

    /**
     * seed 000 / issue 12: a locked user's access ends "within 1 s on every node"; issue 14: an application's
     * in-process decisions "turn to deny within a second of an admin's change".
     */
    private static final Duration REFUSED_WITHIN = Duration.ofSeconds(1);

    @Test
    void aProviderSignsInWithTotpSeesHerRolesRefreshesAndIsRefusedWithinASecondOfBeingLocked() {
        Setting at = setting();
        try (ConfigurableApplicationContext ignored = startClinicApp(at)) {
            ConsoleBrowser browser = browser();
            startSigningInToTheApp(browser, at);
            signInThroughGatehouse(browser, at.clinic().slug(), at.priya(), at.app().code(1));

            assertThat(browser.path()).isEqualTo("/me");
            assertThat(browser.find("#username").getText()).isEqualTo("dr.patel");
            assertThat(browser.find("#tenant").getText()).isEqualTo(at.clinic().slug());
            assertThat(browser.find("#roles").getText()).contains("provider", at.downtown());
            assertThat(browser.find("#amr").getText()).contains("pwd", "otp");
            browser.screenshot("clinic-app-me");
            browser.driver().get("http://127.0.0.1:" + port() + "/console/profile");
            assertThat(browser.findAll(".session-client")).extracting(WebElement::getText)
                    .as("her sessions name the application she signed in to").containsExactly("signed in to Clinic app");
            browser.driver().get(at.clinicApp() + "/me");

            browser.press("Call Gatehouse");
            assertThat(browser.findAll(".answer .status")).extracting(status -> status.getText().trim())
                    .containsExactly("200", "200");
            assertThat(browser.text()).contains("\"allowed\"");

            browser.press("Tokens");
            String before = browser.find("#access-token").getText();
            browser.press("Refresh now");
            assertThat(browser.find("#refreshed").getText()).startsWith("Refreshed: access token " + before + " replaced by");
            assertThat(browser.find("#access-token").getText()).isNotEqualTo(before);

            // Locked through Gatehouse's API: the app's next call to Gatehouse with its access token is refused.
            browser.press("Call Gatehouse");
            assertThat(browser.findAll(".answer .refused")).isEmpty();
            Response locked = api.post(at.clinic().path("/users/" + at.priya().id() + "/lock"), at.clinic().adminToken(), "");
            assertThat(locked.status()).as(locked.raw()).isEqualTo(200);
            assertRefusedWithinASecond(Instant.now(), "a call the app made", () -> {
                browser.driver().get(at.clinicApp() + "/gatehouse");
                return browser.findAll(".answer .refused").size() == 2;
            });
        }
    }

    @Test
    void theAppsGuardedPagesFollowGatehouseAndARevokedRoleTurnsThemDeniedWithinASecond() {
        Setting at = setting();
        String admin = at.clinic().adminToken();
        Response assigned = api.post(at.clinic().path("/relationships"), admin, json(
                "subject", raw(json("type", "user", "id", at.priya().id())), "relation", "assigned_provider",
                "object", raw(json("type", "patient", "id", "1001"))));
        assertThat(assigned.status()).as(assigned.raw()).isEqualTo(201);
        String notHers;
        try (ConfigurableApplicationContext ignored = startClinicApp(at, "--gatehouse.report-denials=true")) {
            ConsoleBrowser browser = browser();
            startSigningInToTheApp(browser, at);
            signInThroughGatehouse(browser, at.clinic().slug(), at.priya(), at.app().code(1));

            // A route rule (patients.read), and a button only for those who may book (appointments.create).
            browser.press("Patients");
            assertThat(browser.path()).isEqualTo("/patients");
            assertThat(browser.findAll("#patients tbody tr")).hasSize(3);
            assertThat(browser.findAll("#new-appointment")).as("a provider books appointments").hasSize(1);
            assertThat(browser.findAll("#patients a")).extracting(WebElement::getText).as("charts she may open")
                    .containsExactly("1001");

            // A method annotation, on the patient opened: hers, then one not assigned to her.
            browser.press("1001");
            assertThat(browser.find("#chart-of").getText()).isEqualTo("Ada Lovelace");
            notHers = serversExplanation(at, at.priya().id(), "patients.read", "1002");
            browser.driver().get(at.clinicApp() + "/patients/1002");
            assertThat(browser.find("#denied-what").getText()).isEqualTo("You asked for GET /patients/1002, which needs "
                    + "patients.read on patient 1002 at " + at.downtown() + ".");
            assertThat(browser.find("#denied-why").getText()).as("Gatehouse's own explanation").isEqualTo(notHers);
            assertThat(browser.find("#denied-whom").getText()).isEqualTo("If you need this for your work, ask your clinic's "
                    + "Gatehouse administrator for a role that grants patients.read.");

            // Revoked through Gatehouse's API: the app's in-process decision follows the change stream.
            Response roles = api.get(at.clinic().path("/users/" + at.priya().id() + "/roles"), admin);
            Response revoked = api.delete(at.clinic().path("/users/" + at.priya().id() + "/roles/" + roles.text("/items/0/id")), admin);
            assertThat(revoked.status()).as(revoked.raw()).isEqualTo(204);
            assertRefusedWithinASecond(Instant.now(), "the patient list asked for", () -> {
                browser.driver().get(at.clinicApp() + "/patients");
                return !browser.findAll("#gatehouse-denied").isEmpty();
            });
            assertThat(browser.find("#denied-why").getText()).isEqualTo(serversExplanation(at, at.priya().id(), "patients.read", null));
        }
        // seed 002 §7.4: the app reported its denials to Gatehouse's audit (what was queued is sent as it stops).
        JsonNode denials = api.get(at.clinic().path("/audit?action=ACCESS_DENIED"), admin).body().path("items");
        assertThat(denials).anySatisfy(denial -> {
            assertThat(denial.at("/actor/id").asString()).isEqualTo(at.priya().id());
            assertThat(denial.at("/details/route").asString()).isEqualTo("GET /patients/1002");
            assertThat(denial.at("/details/permission").asString()).isEqualTo("patients.read");
            assertThat(denial.at("/details/reason").asString()).isEqualTo("SCOPE_MISS");
            assertThat(denial.at("/details/explanation").asString()).isEqualTo(notHers);
        });
    }

    @Test
    void aBillingClerkSeesThePatientsButNoNewAppointmentButton() {
        Setting at = setting();
        Member bea = TestMembers.member("bea.billing").holding("billing").at(at.downtown()).withMfa().create(api, at.clinic());
        try (ConfigurableApplicationContext ignored = startClinicApp(at)) {
            ConsoleBrowser browser = browser();
            startSigningInToTheApp(browser, at);
            signInThroughGatehouse(browser, at.clinic().slug(), bea, Objects.requireNonNull(bea.authenticator()).code(1));

            browser.press("Patients");
            assertThat(browser.findAll("#patients tbody tr")).hasSize(3);
            assertThat(browser.findAll("#new-appointment")).as("billing books no appointments").isEmpty();
            assertThat(browser.findAll("#patients a")).extracting(WebElement::getText).as("every chart kept at Downtown")
                    .containsExactly("1001", "1002", "1003");
            browser.press("1002");
            assertThat(browser.find("#chart-of").getText()).as("billing reads the patients kept at Downtown").isEqualTo("Alan Turing");
        }
    }

    /**
     * Asks again until {@code refused} is true or {@link #REFUSED_WITHIN} has passed since the change: a bounded
     * wait, failing with how long after the change the last refused-or-not answer came.
     */
    private static void assertRefusedWithinASecond(Instant changedAt, String what, BooleanSupplier refused) {
        boolean wasRefused;
        Instant asked;
        do {
            asked = Instant.now();
            wasRefused = refused.getAsBoolean();
        } while (!wasRefused && asked.isBefore(changedAt.plus(REFUSED_WITHIN)));
        assertThat(wasRefused).as("%s %s after the change was refused", what, Duration.between(changedAt, asked)).isTrue();
    }

    /** What Gatehouse's check API says of {@code user} and {@code permission} (on the patient kept at Downtown). */
    private String serversExplanation(Setting at, String user, String permission, @Nullable String patient) {
        String question = patient == null ? json("user", user, "permission", permission)
                : json("user", user, "permission", permission,
                        "resource", raw(json("type", "patient", "id", patient, "location", at.downtown())));
        Response answer = api.post(at.clinic().path("/check"), at.clinic().adminToken(), question);
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        return answer.text("/reason/explanation");
    }

    @Test
    void theAppsApiTakesTheTenantsAccessTokensAndAnswersARevokedRoleWithAProblemWithinASecond() {
        Setting at = setting();
        String admin = at.clinic().adminToken();
        // A scheduling service of the clinic: its client-credentials tokens stand for its service account (sub).
        String scheduler = TestServiceAccounts.serviceAccount("scheduler").holding("billing").at(at.downtown()).create(api, at.clinic());
        Response registered = api.post(at.clinic().path("/clients"), admin, json("name", "Scheduler", "type", "confidential",
                "grantTypes", raw("[\"client_credentials\"]"), "scopes", raw("[\"gatehouse.api\"]"), "serviceAccount", scheduler));
        assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        String token = clientCredentialsToken(at, registered.text("/clientId"), registered.text("/clientSecret"));
        try (ConfigurableApplicationContext ignored = startClinicApp(at,
                "--gatehouse.resource-server.audience=" + registered.text("/clientId"))) {
            ApiClient clinicApi = new ApiClient(at.appPort());
            Response patients = clinicApi.get("/api/patients", token);
            assertThat(patients.status()).as(patients.raw()).isEqualTo(200);
            assertThat(patients.raw()).contains("Ada Lovelace");
            assertThat(clinicApi.get("/api/patients", token + "x").status()).as("a token not signed by the tenant").isEqualTo(401);

            Response roles = api.get(at.clinic().path("/users/" + scheduler + "/roles"), admin);
            assertThat(api.delete(at.clinic().path("/users/" + scheduler + "/roles/" + roles.text("/items/0/id")), admin).status())
                    .isEqualTo(204);
            assertRefusedWithinASecond(Instant.now(), "the API call made", () -> clinicApi.get("/api/patients", token).status() == 403);
            Response refused = clinicApi.get("/api/patients", token);
            assertThat(refused.http().headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("application/problem+json"));
            assertThat(refused.text("/detail")).isEqualTo(serversExplanation(at, scheduler, "patients.read", null));
            assertThat(refused.text("/permission")).isEqualTo("patients.read");
        }
    }

    /** An access token of the tenant's OAuth client, from its token endpoint (client credentials, basic auth). */
    private String clientCredentialsToken(Setting at, String clientId, String secret) {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        Response token = api.send("/oauth2/" + at.clinic().slug() + "/token", null, request -> request
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=gatehouse.api")));
        assertThat(token.status()).as(token.raw()).isEqualTo(200);
        return token.text("/access_token");
    }

    @Test
    void logOutEverywhereEndsTheGatehouseSessionAndReturnsToTheApp() {
        Setting at = setting();
        try (ConfigurableApplicationContext ignored = startClinicApp(at)) {
            ConsoleBrowser browser = browser();
            startSigningInToTheApp(browser, at);
            signInThroughGatehouse(browser, at.clinic().slug(), at.priya(), at.app().code(1));
            assertThat(browser.path()).isEqualTo("/me");

            // The app's session, then Gatehouse's through the issuer's end-session endpoint, back to the app.
            browser.press("Log out everywhere");
            assertThat(browser.driver().getCurrentUrl()).isEqualTo(at.clinicApp() + "/signed-out");
            startSigningInToTheApp(browser, at);
            assertThat(browser.driver().getCurrentUrl()).as("Gatehouse's session ended with the app's")
                    .startsWith("http://127.0.0.1:" + port() + "/console/sign-in");
        }
    }

    @Test
    void aThirdPartyAppAsksForConsentOnceNamingItselfAndWhatItWants() {
        Setting at = setting("Outside scheduler", false);
        try (ConfigurableApplicationContext ignored = startClinicApp(at)) {
            ConsoleBrowser browser = browser();
            startSigningInToTheApp(browser, at);
            signInThroughGatehouse(browser, at.clinic().slug(), at.priya(), at.app().code(1));

            assertThat(browser.path()).isEqualTo("/console/consent");
            assertThat(browser.find("h1").getText()).isEqualTo("Allow Outside scheduler?");
            assertThat(browser.findAll("label.form-check-label")).extracting(label -> label.getText().trim())
                    .containsExactly("See your name and username", "See your e-mail address",
                            "See your roles and where you hold them", "Use Gatehouse on your behalf, with your permissions");
            browser.screenshot("console-consent");
            browser.press("Allow");

            assertThat(browser.driver().getCurrentUrl()).isEqualTo(at.clinicApp() + "/me");
            assertThat(browser.find("#username").getText()).isEqualTo("dr.patel");

            // The app's session alone ends (Gatehouse's stays): signing in again is not asked the same question.
            browser.driver().manage().deleteCookieNamed("CLINIC_SESSION");
            startSigningInToTheApp(browser, at);
            assertThat(browser.driver().getCurrentUrl()).as("consent remembered on this node")
                    .isEqualTo(at.clinicApp() + "/me");
            assertThat(browser.find("#username").getText()).isEqualTo("dr.patel");
        }
    }

    @Test
    void refusingConsentSendsTheAppAccessDenied() {
        Setting at = setting("Outside scheduler", false);
        try (ConfigurableApplicationContext ignored = startClinicApp(at)) {
            ConsoleBrowser browser = browser();
            startSigningInToTheApp(browser, at);
            signInThroughGatehouse(browser, at.clinic().slug(), at.priya(), at.app().code(1));
            assertThat(browser.path()).isEqualTo("/console/consent");

            browser.press("Refuse");

            assertThat(browser.driver().getCurrentUrl()).isEqualTo(at.clinicApp() + "/?error");
            assertThat(browser.find("#sign-in-refused code").getText()).isEqualTo("access_denied");
            assertThat(browser.findAll("#username")).isEmpty();
        }
    }

    /** A clinic tenant, Dr Patel (provider at Downtown, with an authenticator app), and the app registered as its client. */
    private record Setting(SignedInTenant clinic, String downtown, Member priya, TestMembers.Authenticator app, int appPort,
            String clinicApp, String clientId, String clientSecret, String apiKey) {}

    private Setting setting() {
        return setting("Clinic app", true);
    }

    private Setting setting(String appName, boolean firstParty) {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String downtown = TestTenants.location(api, clinic, "Downtown", null);
        Member priya = TestMembers.member("dr.patel").holding("provider").at(downtown).withMfa().create(api, clinic);
        TestMembers.Authenticator app = Objects.requireNonNull(priya.authenticator());
        int appPort = OwnServer.freePort();
        String clinicApp = "http://127.0.0.1:" + appPort;
        Response registered = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", appName,
                "type", "confidential", "firstParty", firstParty,
                "redirectUris", raw("[\"" + clinicApp + "/login/oauth2/code/gatehouse\"]"),
                "postLogoutRedirectUris", raw("[\"" + clinicApp + "/signed-out\"]"),
                "grantTypes", raw("[\"authorization_code\",\"refresh_token\"]"),
                "scopes", raw("[\"openid\",\"profile\",\"email\",\"roles\",\"gatehouse.api\"]")));
        assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        // The app's own key for the starter: it asks about its users (access.check) and reads the change stream.
        Response key = api.post(clinic.path("/api-keys"), clinic.adminToken(), json("name", appName,
                "scopes", raw("[\"access.check\"]")));
        assertThat(key.status()).as(key.raw()).isEqualTo(201);
        return new Setting(clinic, downtown, priya, app, appPort, clinicApp, registered.text("/clientId"),
                registered.text("/clientSecret"), key.text("/key"));
    }

    /** The app's home page, and its button that sends the browser to the issuer's authorize endpoint. */
    private static void startSigningInToTheApp(ConsoleBrowser browser, Setting at) {
        browser.driver().get(at.clinicApp() + "/");
        browser.press("Sign in with Gatehouse");
    }

    /** Gatehouse's console sign-in, reached through the issuer's authorize endpoint: password, then second factor. */
    private void signInThroughGatehouse(ConsoleBrowser browser, String slug, Member member, String code) {
        assertThat(browser.driver().getCurrentUrl()).startsWith("http://127.0.0.1:" + port() + "/console/sign-in");
        browser.fill("Organisation", slug).fill("Username", member.username()).fill("Password", member.password()).press("Sign in");
        browser.fill("Code", code).press("Verify");
    }

    /**
     * The example app in this JVM, on its own configuration file (clinic-app.properties); the server's
     * libraries are on the same class path, so the data source the app has no use for is switched off. The
     * demo patients are kept at Downtown.
     */
    private ConfigurableApplicationContext startClinicApp(Setting at, String... more) {
        String gatehouse = "http://127.0.0.1:" + port();
        // Arguments, not default properties: they must win over clinic-app.properties' own values.
        return ClinicApplication.application().run(Stream.concat(Stream.of(
                "--server.port=" + at.appPort(),
                "--clinic.issuer=" + gatehouse + "/oauth2/" + at.clinic().slug(),
                "--clinic.client-id=" + at.clientId(),
                "--clinic.client-secret=" + at.clientSecret(),
                "--clinic.location=" + at.downtown(),
                "--gatehouse.url=" + gatehouse,
                "--gatehouse.api-key=" + at.apiKey(),
                "--spring.autoconfigure.exclude=" + DataSourceAutoConfiguration.class.getName()), Stream.of(more))
                .toArray(String[]::new));
    }
}
