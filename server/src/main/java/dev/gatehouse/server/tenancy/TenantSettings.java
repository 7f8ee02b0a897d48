package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.throttling.Throttle;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The defaults a new tenant starts with (docs/api.md, settings). They follow OWASP ASVS 5.0 and
 * NIST SP 800-63B rev 4 where a seed's rule is weaker (docs/product.md); enforcement of the
 * security settings is its own issue.
 */
final class TenantSettings {

    private TenantSettings() {}

    static final String DEFAULTS = withThrottling("""
            {
              "passwordPolicy": {"minLength": 15, "requireUpper": false, "requireLower": false, "requireDigit": false,
                                 "requireSymbol": false, "historyCount": 0, "maxAgeDays": null, "blockCommon": true},
              "lockoutPolicy": {"maxFailures": 5, "lockMinutes": 15},
              "sessionPolicy": {"idleMinutes": 30, "maxHours": 12, "maxConcurrent": null, "reauthMinutes": 5,
                                "onLimit": "END_OLDEST", "idleMinutesByRole": {}},
              "mfaPolicy": {"required": "OFF", "methods": ["TOTP"]},
              "singleRolePerUser": false,
              "invitationHours": 48,
              "resetLinkMinutes": 60,
              "emailDomains": [],
              "ipAllowlist": [],
              "ipAllowlistByRole": {},
              "auditRetention": "P6Y"
            }
            """);

    /** The rate limits' defaults live with their reasons in {@link Throttle.Door}. */
    private static String withThrottling(String defaults) {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode settings = (ObjectNode) json.readTree(defaults);
        settings.set("throttling", json.valueToTree(Throttle.defaultSettings()));
        return json.writeValueAsString(settings);
    }
}
