package dev.gatehouse.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Security, Activity log and Tenants screens answer what the API would: permissions, bad input, export. */
class ConsoleSettingsIT extends IntegrationTest {

    @Test
    void frontDeskMayOpenNeitherSecurityNorTheActivityLogAndATenantAdminNotTheTenants() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member frontDesk = TestMembers.member("frontdesk").holding("front_desk").create(api, clinic);
        ConsoleClient desk = new ConsoleClient(port());
        desk.signIn(clinic.slug(), frontDesk.username(), frontDesk.password());
        HttpResponse<String> security = desk.get("/console/security");
        assertThat(security.statusCode()).isEqualTo(403);
        assertThat(security.body()).contains("settings.read");
        assertThat(desk.get("/console/activity/export?format=csv").statusCode()).isEqualTo(403);

        ConsoleClient admin = new ConsoleClient(port());
        admin.signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.get("/console/tenants").statusCode()).isEqualTo(403);
    }

    @Test
    void aRefusedSettingIsShownAtItsFieldAndNothingIsStored() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleClient admin = new ConsoleClient(port());
        admin.signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(admin.get("/console/security").body()).contains("Default: 15.").contains("NIST SP 800-63B")
                .contains("Emergency access lasts (minutes)").contains("id=\"breakGlass-minutes\"");

        Map<String, String> form = new HashMap<>(Map.of("passwordPolicy.minLength", "15", "passwordPolicy.historyCount", "0",
                "lockoutPolicy.maxFailures", "5", "lockoutPolicy.lockMinutes", "15", "sessionPolicy.idleMinutes", "abc",
                "sessionPolicy.maxHours", "12", "sessionPolicy.reauthMinutes", "5", "sessionPolicy.onLimit", "END_OLDEST",
                "mfaPolicy.required", "OFF", "mfaPolicy.methods", "TOTP"));
        form.putAll(Map.of("invitationHours", "48", "resetLinkMinutes", "60", "emailDomains", "clinic.example\nnot a domain",
                "passwordPolicy.blockCommon", "true", "auditRetention", "5 days", "timeZone", "UTC"));
        form.putAll(Map.of("breakGlass.enabled", "true", "breakGlass.minutes", "90"));
        form.putAll(Map.of("sessionPolicy.newDeviceSecondFactor", "true", "sessionPolicy.knownNetworkDays", "90"));
        // The rate limits' rows, as the page fills them in: the tenant's current values.
        var throttling = api.get(clinic.path("/settings"), clinic.adminToken()).body().path("throttling");
        throttling.properties().forEach(door -> door.getValue().properties().forEach(scope -> scope.getValue()
                .properties().forEach(field -> form.put("throttling." + door.getKey() + "." + scope.getKey() + "."
                        + field.getKey(), field.getValue().asString()))));
        var keys = api.get(clinic.path("/settings"), clinic.adminToken()).body().path("apiKeyPolicy");
        form.putAll(Map.of("apiKeyPolicy.maxDays", keys.path("maxDays").asString(), "apiKeyPolicy.defaultDays",
                keys.path("defaultDays").asString(), "apiKeyPolicy.rateLimit.requests",
                keys.at("/rateLimit/requests").asString(), "apiKeyPolicy.rateLimit.perSeconds",
                keys.at("/rateLimit/perSeconds").asString()));
        HttpResponse<String> refused = admin.post("/console/security", form);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("id=\"sessionPolicy-idleMinutes-error\"").contains("value=\"abc\"")
                .contains("id=\"emailDomains-error\"").contains("is not a domain name")
                .contains("id=\"auditRetention-error\"").contains("value=\"5 days\"");
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).body().at("/emailDomains").isEmpty()).isTrue();

        form.put("sessionPolicy.idleMinutes", "25");
        form.put("emailDomains", "clinic.example");
        form.put("auditRetention", "P7Y");
        HttpResponse<String> saved = admin.post("/console/security", form);
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(302);
        var stored = api.get(clinic.path("/settings"), clinic.adminToken()).body();
        assertThat(stored.at("/sessionPolicy/idleMinutes").asInt()).isEqualTo(25);
        assertThat(stored.at("/emailDomains/0").asString()).isEqualTo("clinic.example");
        assertThat(stored.at("/passwordPolicy/blockCommon").asBoolean()).isTrue();
        assertThat(stored.at("/auditRetention").asString()).isEqualTo("P7Y");
        assertThat(stored.at("/breakGlass/enabled").asBoolean()).isTrue();
        assertThat(stored.at("/breakGlass/minutes").asInt()).isEqualTo(90);

        form.put("timeZone", "Europe/Berlin");
        assertThat(admin.post("/console/security", form).statusCode()).isEqualTo(302);
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).text("/timeZone")).isEqualTo("Europe/Berlin");
    }

    @Test
    void aBadFilterIsShownAtItsFieldAndTheExportIsAuditedUnderTheCookieSession() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ConsoleClient admin = new ConsoleClient(port());
        admin.signIn(clinic.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);

        HttpResponse<String> bad = admin.get("/console/activity?ip=not-an-ip");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("id=\"ip-error\"").contains("aria-invalid=\"true\"");

        HttpResponse<String> export = admin.get("/console/activity/export?format=jsonl&action=USER_CREATED");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.body()).contains("\"action\":\"USER_CREATED\"").doesNotContain("TENANT_CREATED");
        assertThat(api.get(clinic.path("/audit?action=AUDIT_EXPORTED"), clinic.adminToken()).body().at("/items/0/details/format")
                .asString()).isEqualTo("jsonl");
    }

    @Test
    void anOperatorReadsThePlatformsOwnActivityLogAndVerifiesIt() {
        ConsoleClient operator = new ConsoleClient(port());
        operator.signIn("platform", OPERATOR, OPERATOR_PASSWORD);

        HttpResponse<String> home = operator.get("/console");
        assertThat(home.body()).contains("href=\"/console/activity\"");
        HttpResponse<String> log = operator.get("/console/activity?action=LOGIN_SUCCEEDED&actor=" + OPERATOR);
        assertThat(log.statusCode()).isEqualTo(200);
        assertThat(log.body()).contains("<code class=\"action\">LOGIN_SUCCEEDED</code>")
                .contains("<span class=\"actor\">" + OPERATOR + "</span>");
        HttpResponse<String> chain = operator.get("/console/activity/verify");
        assertThat(chain.statusCode()).isEqualTo(200);
        assertThat(chain.body()).contains("Chain intact");
        HttpResponse<String> export = operator.get("/console/activity/export?format=csv&action=LOGIN_SUCCEEDED");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.body()).contains("LOGIN_SUCCEEDED").contains(OPERATOR);
    }
}
