package dev.gatehouse.server.tenancy;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

class SettingsIT extends IntegrationTest {

    @Autowired
    AccessChanges changes;

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    private Response patch(String body) {
        return api.patch(clinic.path("/settings"), clinic.adminToken(), body);
    }

    private void assertRefused(String body, String field) {
        Response response = patch(body);
        assertThat(response.status()).as(body + " → " + response.raw()).isEqualTo(400);
        assertThat(response.body().at("/errors").toString()).as(body).contains("\"field\":\"" + field + "\"");
    }

    @Test
    void aNewTenantHasTheStandardsDefaults() {
        Response settings = api.get(clinic.path("/settings"), clinic.adminToken());
        assertThat(settings.status()).isEqualTo(200);
        assertThat(settings.body().at("/passwordPolicy/minLength").asInt()).isEqualTo(15);
        assertThat(settings.body().at("/passwordPolicy/blockCommon").asBoolean()).isTrue();
        assertThat(settings.body().at("/passwordPolicy/requireUpper").asBoolean()).isFalse();
        assertThat(settings.body().at("/passwordPolicy/maxAgeDays").isNull()).isTrue();
        assertThat(settings.body().at("/lockoutPolicy/maxFailures").asInt()).isEqualTo(5);
        assertThat(settings.body().at("/lockoutPolicy/lockMinutes").asInt()).isEqualTo(15);
        assertThat(settings.body().at("/sessionPolicy/maxConcurrent").isNull()).isTrue();
        assertThat(settings.text("/mfaPolicy/required")).isEqualTo("OFF");
        assertThat(settings.body().at("/mfaPolicy/methods").toString()).isEqualTo("[\"TOTP\"]");
        assertThat(settings.body().at("/singleRolePerUser").asBoolean()).isFalse();
        assertThat(settings.body().at("/emailDomains").isArray()).isTrue();
        assertThat(settings.body().at("/ipAllowlist").isArray()).isTrue();
        assertThat(settings.text("/auditRetention")).as("HIPAA's six years").isEqualTo("P6Y");
    }

    @Test
    void theAuditRetentionIsAPeriodOfYearsAndMonthsAuditedLikeEverySetting() {
        Response changed = patch("{\"auditRetention\": \"P18M\"}");
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        assertThat(changed.text("/auditRetention")).isEqualTo("P1Y6M");
        List<RecordedAudit.Event> events = RecordedAudit.of(jdbc, clinic.id(), "SETTINGS_CHANGED");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).details().at("/before/auditRetention").asString()).isEqualTo("P6Y");
        assertThat(events.get(0).details().at("/after/auditRetention").asString()).isEqualTo("P1Y6M");

        for (String refused : List.of("\"six years\"", "\"P0Y\"", "\"-P6Y\"", "\"P-6Y\"", "\"P11M\"", "\"P400D\"",
                "\"P6Y1D\"", "\"P52W\"", "\"P101Y\"", "\"PT8760H\"", "6", "null", "\"\"")) {
            assertRefused("{\"auditRetention\": " + refused + "}", "auditRetention");
        }
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).text("/auditRetention")).isEqualTo("P1Y6M");
    }

    @Test
    void aPatchMergesTheGivenFieldsAndAuditsOnlyWhatChanged() {
        Response changed = patch("""
                {"passwordPolicy": {"minLength": 12, "requireDigit": true},
                 "mfaPolicy": {"required": "ALL", "methods": ["TOTP", "RECOVERY_CODE"]},
                 "sessionPolicy": {"maxConcurrent": 3},
                 "emailDomains": ["Clinic.Example.com", "clinic.example.com", "xn--bcher-kva.example"],
                 "ipAllowlist": ["10.0.0.0/8", "192.168.1.7", "2001:db8::/32", "::1", "127.0.0.0/8"]}""");
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        assertThat(changed.body().at("/passwordPolicy/minLength").asInt()).isEqualTo(12);
        assertThat(changed.body().at("/passwordPolicy/requireDigit").asBoolean()).isTrue();
        // Untouched fields of a touched section keep their values.
        assertThat(changed.body().at("/passwordPolicy/blockCommon").asBoolean()).isTrue();
        assertThat(changed.body().at("/sessionPolicy/idleMinutes").asInt()).isEqualTo(30);
        assertThat(changed.body().at("/emailDomains").toString())
                .isEqualTo("[\"clinic.example.com\",\"xn--bcher-kva.example\"]");
        assertThat(changed.body().at("/ipAllowlist").toString())
                .isEqualTo("[\"10.0.0.0/8\",\"192.168.1.7/32\",\"2001:db8::/32\",\"::1/128\",\"127.0.0.0/8\"]");
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).body()).isEqualTo(changed.body());

        List<RecordedAudit.Event> events = RecordedAudit.of(jdbc, clinic.id(), "SETTINGS_CHANGED");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).details().at("/before/passwordPolicy.minLength").asInt()).isEqualTo(15);
        assertThat(events.get(0).details().at("/after/passwordPolicy.minLength").asInt()).isEqualTo(12);
        assertThat(events.get(0).details().at("/after/mfaPolicy.required").asString()).isEqualTo("ALL");
        assertThat(events.get(0).details().at("/before/sessionPolicy.maxConcurrent").isNull()).isTrue();
        assertThat(events.get(0).details().at("/after").has("passwordPolicy.blockCommon")).isFalse();

        // Setting a nullable field back to null, and a patch that changes nothing records nothing.
        assertThat(patch("{\"sessionPolicy\": {\"maxConcurrent\": null}}").body().at("/sessionPolicy/maxConcurrent")
                .isNull()).isTrue();
        assertThat(patch("{\"sessionPolicy\": {\"maxConcurrent\": null}}").status()).isEqualTo(200);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "SETTINGS_CHANGED")).hasSize(2);
    }

    @Test
    void seed004sTwelveCharactersWithCompositionCanBeSetOnItsOwn() {
        Response seed004 = patch("""
                {"passwordPolicy": {"minLength": 12, "requireUpper": true, "requireLower": true, "requireDigit": true,
                                    "requireSymbol": true}}""");
        assertThat(seed004.status()).as(seed004.raw()).isEqualTo(200);
        assertThat(seed004.body().at("/passwordPolicy/minLength").asInt()).isEqualTo(12);
        assertThat(seed004.body().at("/mfaPolicy/required").asString()).isEqualTo("OFF");
        // The other seeds' 8 characters is a tenant's choice too; below 8 is not (NIST SP 800-63B's floor).
        assertThat(patch("{\"passwordPolicy\": {\"minLength\": 8}}").status()).isEqualTo(200);
        assertRefused("{\"passwordPolicy\": {\"minLength\": 7}}", "passwordPolicy.minLength");
    }

    @Test
    void secondFactorsForSomeRolesNameExistingRoles() {
        assertRefused("{\"mfaPolicy\": {\"required\": \"ROLES\"}}", "mfaPolicy.roles");
        assertRefused("{\"mfaPolicy\": {\"required\": \"ROLES\", \"roles\": [\"owner\", \"surgeon\"]}}",
                "mfaPolicy.roles[1]");
        assertRefused("{\"mfaPolicy\": {\"required\": \"OPTIONAL\", \"roles\": [\"owner\"]}}", "mfaPolicy.roles");
        Response roles = patch("{\"mfaPolicy\": {\"required\": \"ROLES\", \"roles\": [\"owner\", \"billing\"]}}");
        assertThat(roles.status()).as(roles.raw()).isEqualTo(200);
        assertThat(roles.body().at("/mfaPolicy/roles").toString()).isEqualTo("[\"owner\",\"billing\"]");
        Response all = patch("{\"mfaPolicy\": {\"required\": \"ALL\"}}");
        assertThat(all.body().at("/mfaPolicy/roles").isMissingNode()).isTrue();
        assertRefused("{\"mfaPolicy\": {\"methods\": []}}", "mfaPolicy.methods");
    }

    @Test
    void refusesBadFieldsNamingThePath() {
        assertRefused("{\"passwordPolicy\": {\"minLenght\": 20}}", "passwordPolicy.minLenght");
        assertRefused("{\"colour\": \"blue\"}", "colour");
        assertRefused("{\"passwordPolicy\": {\"minLength\": \"20\"}}", "passwordPolicy.minLength");
        assertRefused("{\"passwordPolicy\": {\"minLength\": 65}}", "passwordPolicy.minLength");
        assertRefused("{\"passwordPolicy\": {\"minLength\": 20.5}}", "passwordPolicy.minLength");
        assertRefused("{\"passwordPolicy\": {\"minLength\": null}}", "passwordPolicy.minLength");
        assertRefused("{\"passwordPolicy\": {\"requireUpper\": \"yes\"}}", "passwordPolicy.requireUpper");
        assertRefused("{\"passwordPolicy\": {\"historyCount\": 25}}", "passwordPolicy.historyCount");
        assertRefused("{\"passwordPolicy\": {\"maxAgeDays\": 0}}", "passwordPolicy.maxAgeDays");
        assertRefused("{\"passwordPolicy\": 15}", "passwordPolicy");
        assertRefused("{\"lockoutPolicy\": {\"maxFailures\": 0}}", "lockoutPolicy.maxFailures");
        assertRefused("{\"lockoutPolicy\": {\"lockMinutes\": 1441}}", "lockoutPolicy.lockMinutes");
        assertRefused("{\"sessionPolicy\": {\"idleMinutes\": 0}}", "sessionPolicy.idleMinutes");
        assertRefused("{\"sessionPolicy\": {\"maxHours\": 721}}", "sessionPolicy.maxHours");
        assertRefused("{\"sessionPolicy\": {\"maxConcurrent\": 101}}", "sessionPolicy.maxConcurrent");
        assertRefused("{\"sessionPolicy\": {\"maxHours\": 99999999999}}", "sessionPolicy.maxHours");
        assertRefused("{\"mfaPolicy\": {\"required\": \"SOMETIMES\"}}", "mfaPolicy.required");
        assertRefused("{\"mfaPolicy\": {\"methods\": [\"TOTP\", \"SMS\"]}}", "mfaPolicy.methods[1]");
        assertRefused("{\"singleRolePerUser\": 1}", "singleRolePerUser");
        assertRefused("{\"emailDomains\": [\"example.com\", \"not a domain\"]}", "emailDomains[1]");
        assertRefused("{\"emailDomains\": [\"localhost\"]}", "emailDomains[0]");
        assertRefused("{\"emailDomains\": \"example.com\"}", "emailDomains");
        assertRefused("{\"ipAllowlist\": [\"10.0.0.300/8\"]}", "ipAllowlist[0]");
        assertRefused("{\"ipAllowlist\": [\"10.0.0.0/33\"]}", "ipAllowlist[0]");
        assertRefused("{\"ipAllowlist\": [\"10.0.0.1/8\"]}", "ipAllowlist[0]");
        assertRefused("{\"ipAllowlist\": [\"example.com\"]}", "ipAllowlist[0]");
        assertRefused("{\"ipAllowlist\": [\"2001:db8::1::/64\"]}", "ipAllowlist[0]");
        assertRefused("[]", "body");
        assertThat(patch("{\"passwordPolicy\": ").status()).isEqualTo(400);

        // Every error at once, and nothing written.
        Response several = patch("{\"lockoutPolicy\": {\"maxFailures\": 0, \"lockMinutes\": 0}, \"x\": 1}");
        assertThat(several.body().at("/errors").size()).isEqualTo(3);
        assertThat(api.get(clinic.path("/settings"), clinic.adminToken()).body().at("/lockoutPolicy/maxFailures")
                .asInt()).isEqualTo(5);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "SETTINGS_CHANGED")).isEmpty();
    }

    @Test
    void readingNeedsSettingsReadAndChangingNeedsSettingsEdit() {
        SignedInTenant rcm = SignedInTenant.create(api, operatorToken(), "rcm");
        String readonly = TestMembers.member("rita").holding("READONLY").create(api, rcm).token();
        assertThat(api.get(rcm.path("/settings"), readonly).status()).isEqualTo(200);
        Response refused = api.patch(rcm.path("/settings"), readonly, json("singleRolePerUser", true));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("/detail")).contains("settings.edit");
        assertThat(api.patch(rcm.path("/settings"), rcm.adminToken(), json("singleRolePerUser", true)).status())
                .isEqualTo(200);

        String manager = TestMembers.member("maria").holding("manager").create(api, clinic).token();
        assertThat(api.get(clinic.path("/settings"), manager).status()).isEqualTo(403);
        assertThat(api.patch(clinic.path("/settings"), manager, json("lockoutPolicy", raw("{\"maxFailures\": 50}")))
                .status()).isEqualTo(403);
    }

    @Test
    void anotherTenantsSettingsAreNotFound() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "service-desk");
        assertThat(api.get(other.path("/settings"), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(api.patch(other.path("/settings"), clinic.adminToken(), json("singleRolePerUser", true)).status())
                .isEqualTo(404);
        assertThat(api.get(other.path("/settings"), operatorToken()).status()).isEqualTo(404);
        assertThat(api.get(other.path("/settings"), other.adminToken()).body().at("/singleRolePerUser").asBoolean())
                .isFalse();
    }
}
