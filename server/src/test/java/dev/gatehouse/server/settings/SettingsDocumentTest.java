package dev.gatehouse.server.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The settings' one JSON mapping: defaults, older documents, damaged documents and a checked change. */
class SettingsDocumentTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The document new tenants were given before the typed settings: stored documents look like this. */
    private static final String DEFAULTS_AS_STORED = """
            {
              "passwordPolicy": {"minLength": 15, "requireUpper": false, "requireLower": false, "requireDigit": false,
                                 "requireSymbol": false, "historyCount": 0, "maxAgeDays": null, "blockCommon": true},
              "lockoutPolicy": {"maxFailures": 5, "lockMinutes": 15},
              "sessionPolicy": {"idleMinutes": 30, "maxHours": 12, "maxConcurrent": null, "reauthMinutes": 5,
                                "onLimit": "END_OLDEST", "idleMinutesByRole": {}, "newDeviceSecondFactor": true,
                                "bindToDevice": false, "knownNetworkDays": 90},
              "mfaPolicy": {"required": "OFF", "methods": ["TOTP"]},
              "singleRolePerUser": false,
              "invitationHours": 48,
              "resetLinkMinutes": 60,
              "emailDomains": [],
              "ipAllowlist": [],
              "ipAllowlistByRole": {},
              "auditRetention": "P6Y",
              "throttling": {
                "signIn": {"perAccount": {"requests": 100, "perMinutes": 15}, "perTenant": {"requests": 300, "perMinutes": 1}},
                "secondFactor": {"perAccount": {"requests": 10, "perMinutes": 15}, "perTenant": {"requests": 300, "perMinutes": 1}},
                "forgotPassword": {"perAccount": {"requests": 5, "perMinutes": 60}, "perTenant": {"requests": 100, "perMinutes": 1}},
                "registration": {"perAccount": {"requests": 3, "perMinutes": 60}, "perTenant": {"requests": 100, "perMinutes": 60}},
                "tokenRedemption": {"perAccount": {"requests": 10, "perMinutes": 15}, "perTenant": {"requests": 300, "perMinutes": 1}}
              },
              "apiKeyPolicy": {"maxDays": 365, "defaultDays": 90, "rateLimit": {"requests": 100, "perSeconds": 1}},
              "timeZone": "UTC",
              "breakGlass": {"enabled": true, "minutes": 60}
            }
            """;

    @Test
    void aNewTenantsDocumentIsTheOneTenantsWereAlwaysGiven() {
        assertThat(JSON.readTree(SettingsDocument.defaultsJson())).isEqualTo(JSON.readTree(DEFAULTS_AS_STORED));
        assertThat(SettingsDocument.parse(DEFAULTS_AS_STORED)).isEqualTo(TenantSettings.DEFAULTS);
    }

    @Test
    void anOlderDocumentReadsItsOwnFieldsAndTheDefaultsForTheRest() {
        TenantSettings settings = SettingsDocument.parse("""
                {"passwordPolicy": {"minLength": 12, "requireDigit": true},
                 "sessionPolicy": {"idleMinutes": 20},
                 "mfaPolicy": {"required": "ROLES", "roles": ["owner"]},
                 "throttling": {"signIn": {"perTenant": {"requests": 50}}},
                 "aFieldNoLongerKnown": 1}
                """);

        assertThat(settings.passwordPolicy()).isEqualTo(new TenantSettings.PasswordPolicy(12, false, false, true,
                false, 0, null, true));
        assertThat(settings.sessionPolicy().idleMinutes()).isEqualTo(20);
        assertThat(settings.sessionPolicy().maxHours()).isEqualTo(12);
        assertThat(settings.mfaPolicy().requiredFor(List.of("owner"))).isTrue();
        assertThat(settings.mfaPolicy().requiredFor(List.of("front_desk"))).isFalse();
        assertThat(settings.mfaPolicy().methods()).containsExactly("TOTP");
        assertThat(settings.throttling().signIn()).isEqualTo(new TenantSettings.Door(new TenantSettings.Limit(100, 15),
                new TenantSettings.Limit(50, 1)));
        assertThat(settings.lockoutPolicy()).isEqualTo(TenantSettings.LockoutPolicy.DEFAULTS);
        assertThat(settings.invitationValidity()).hasHours(48);
        assertThat(settings.auditRetentionPeriod()).hasYears(6);
        assertThat(SettingsDocument.parse("{}")).isEqualTo(TenantSettings.DEFAULTS);
        assertThat(SettingsDocument.parse(null)).isEqualTo(TenantSettings.DEFAULTS);
    }

    @Test
    void aDamagedFieldReadsAsItsDefaultAndADamagedRangeAdmitsNobody() {
        TenantSettings settings = SettingsDocument.parse("""
                {"lockoutPolicy": {"maxFailures": "five", "lockMinutes": 0},
                 "ipAllowlist": [42],
                 "throttling": {"signIn": {"perAccount": {"requests": -1, "perMinutes": 2}}}}
                """);

        assertThat(settings.lockoutPolicy()).isEqualTo(TenantSettings.LockoutPolicy.DEFAULTS);
        assertThat(settings.ipAllowlist()).as("an entry, which matches no address, not an empty list that admits all")
                .containsExactly("");
        assertThat(settings.throttling().signIn().perAccount()).isEqualTo(new TenantSettings.Limit(100, 2));
    }

    @Test
    void aChangeIsCheckedWithTheApisFieldNamesAndMessages() {
        assertThatThrownBy(() -> SettingsDocument.patch("{}", JSON.readTree("""
                {"passwordPolicy": {"minLength": 7}, "throttling": {"signIn": {"perHour": 1}}}
                """), role -> true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("passwordPolicy.minLength", "throttling.signIn.perHour"))
                .hasMessageContaining("passwordPolicy.minLength: must be a whole number from 8 to 64");
    }

    @Test
    void anApiKeysDefaultLifeMayNotOutliveTheCapWhicheverOfTheTwoChanges() {
        assertThatThrownBy(() -> SettingsDocument.patch("{}", JSON.readTree("""
                {"apiKeyPolicy": {"maxDays": 30}}
                """), role -> true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("apiKeyPolicy.maxDays"))
                .hasMessageContaining("must not be shorter than apiKeyPolicy.defaultDays (90)");
        assertThatThrownBy(() -> SettingsDocument.patch("{}", JSON.readTree("""
                {"apiKeyPolicy": {"defaultDays": 400}}
                """), role -> true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("apiKeyPolicy.defaultDays"));

        assertThatThrownBy(() -> SettingsDocument.patch("{}", JSON.readTree("""
                {"apiKeyPolicy": {"maxDays": 30, "defaultDays": 90}}
                """), role -> true))
                .as("a form sends both: the error is on the one that changed")
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("apiKeyPolicy.maxDays"));

        SettingsDocument.Patched both = SettingsDocument.patch("{}", JSON.readTree("""
                {"apiKeyPolicy": {"maxDays": 30, "defaultDays": 30}}
                """), role -> true);
        assertThat(both.settings().apiKeyPolicy()).isEqualTo(new TenantSettings.ApiKeyPolicy(30, 30,
                TenantSettings.ApiKeyPolicy.DEFAULTS.rateLimit()));
    }

    @Test
    void aChangeMergesIntoTheStoredDocumentAndSaysWhatChanged() {
        SettingsDocument.Patched patched = SettingsDocument.patch("""
                {"passwordPolicy": {"minLength": 20}, "aFieldNoLongerKnown": 1}
                """, JSON.readTree("""
                {"sessionPolicy": {"idleMinutesByRole": {"front_desk": 5}}, "ipAllowlist": ["10.0.0.1"]}
                """), role -> role.equals("front_desk"));

        assertThat(patched.changed()).isTrue();
        assertThat(patched.settings().passwordPolicy().minLength()).isEqualTo(20);
        assertThat(patched.settings().sessionPolicy().idleMinutesByRole()).isEqualTo(Map.of("front_desk", 5));
        assertThat(patched.settings().ipAllowlist()).containsExactly("10.0.0.1/32");
        assertThat(patched.after()).containsOnlyKeys("sessionPolicy.idleMinutesByRole.front_desk", "ipAllowlist");
        JsonNode stored = JSON.readTree(patched.json());
        assertThat(stored.path("aFieldNoLongerKnown").asInt()).as("kept as it was").isEqualTo(1);
        assertThat(SettingsDocument.parse(patched.json())).isEqualTo(patched.settings());
    }

    @Test
    void guestAccessAndRegistrationDefaultToClosedAndAChangeIsCheckedAgainstTheTenantsRoles() {
        assertThat(TenantSettings.DEFAULTS.guestAccess()).isFalse();
        assertThat(TenantSettings.DEFAULTS.registration()).isEqualTo(new TenantSettings.Registration(false, null, false));

        SettingsDocument.Patched opened = SettingsDocument.patch("{}", JSON.readTree("""
                {"guestAccess": true, "registration": {"open": true, "defaultRole": "USER", "approval": true}}
                """), role -> role.equals("USER"));

        assertThat(opened.settings().guestAccess()).isTrue();
        assertThat(opened.settings().registration()).isEqualTo(new TenantSettings.Registration(true, "USER", true));
        assertThat(SettingsDocument.parse(opened.json())).isEqualTo(opened.settings());
        assertThat(opened.before()).containsEntry("guestAccess", JSON.readTree("false"))
                .containsEntry("registration.defaultRole", JSON.readTree("null"));
        assertThat(opened.after()).containsEntry("registration.open", JSON.readTree("true"));

        SettingsDocument.Patched backToThePack = SettingsDocument.patch(opened.json(), JSON.readTree("""
                {"registration": {"defaultRole": null}}
                """), role -> true);
        assertThat(backToThePack.settings().registration()).isEqualTo(new TenantSettings.Registration(true, null, true));

        assertThatThrownBy(() -> SettingsDocument.patch("{}", JSON.readTree("""
                {"registration": {"defaultRole": "OWNER"}}
                """), role -> role.equals("USER")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("registration.defaultRole"))
                .hasMessageContaining("unknown role OWNER");
        assertThatThrownBy(() -> SettingsDocument.patch("{}", JSON.readTree("""
                {"guestAccess": "yes", "registration": {"open": 1, "defaultRole": 7, "closed": true}}
                """), role -> true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("guestAccess", "registration.open", "registration.defaultRole",
                                "registration.closed"));
        assertThatThrownBy(() -> SettingsDocument.patch("{}", JSON.readTree("""
                {"registration": true}
                """), role -> true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.errors()).extracting(FieldError::field)
                        .containsExactly("registration"));
    }

    @Test
    void aDamagedRegistrationReadsAsClosed() {
        TenantSettings settings = SettingsDocument.parse("""
                {"guestAccess": "true", "registration": {"open": "yes", "defaultRole": 3, "approval": null}}
                """);

        assertThat(settings.guestAccess()).isFalse();
        assertThat(settings.registration()).isEqualTo(TenantSettings.Registration.DEFAULTS);
    }
}
