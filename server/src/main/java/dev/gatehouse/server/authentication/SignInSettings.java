package dev.gatehouse.server.authentication;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of a tenant's settings that sign-in enforces, with the defaults of
 * {@code tenancy/TenantSettings} for anything missing (an older settings document).
 */
record SignInSettings(int maxFailures, int lockMinutes, String mfaRequired, List<String> mfaMethods,
        List<String> mfaRoles, int reauthMinutes) {

    /** NIST SP 800-63B rev 4: at most 100 consecutive failures before an administrator must act. */
    static final int PERMANENT_LOCK_FAILURES = 100;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static SignInSettings parse(String settingsJson) {
        JsonNode settings = JSON.readTree(settingsJson);
        JsonNode lockout = settings.path("lockoutPolicy");
        JsonNode mfa = settings.path("mfaPolicy");
        return new SignInSettings(positive(lockout.path("maxFailures"), 5), positive(lockout.path("lockMinutes"), 15),
                mfa.path("required").asString("OFF"), strings(mfa.path("methods"), List.of("TOTP")),
                strings(mfa.path("roles"), List.of()),
                positive(settings.path("sessionPolicy").path("reauthMinutes"), 5));
    }

    boolean emailCodes() {
        return mfaMethods.contains("EMAIL_CODE");
    }

    /** Whether the policy demands a second factor of a user holding {@code roles}. */
    boolean mfaRequiredFor(List<String> roles) {
        return switch (mfaRequired) {
            case "ALL" -> true;
            case "ROLES" -> roles.stream().anyMatch(mfaRoles::contains);
            default -> false;
        };
    }

    private static int positive(JsonNode node, int fallback) {
        return node.isInt() && node.asInt() > 0 ? node.asInt() : fallback;
    }

    private static List<String> strings(JsonNode node, List<String> fallback) {
        if (!node.isArray()) {
            return fallback;
        }
        List<String> values = new ArrayList<>();
        node.forEach(value -> values.add(value.asString()));
        return List.copyOf(values);
    }
}
