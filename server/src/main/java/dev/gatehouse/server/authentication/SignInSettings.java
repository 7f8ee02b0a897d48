package dev.gatehouse.server.authentication;

import dev.gatehouse.server.settings.TenantSettings;
import java.util.List;

/** The parts of a tenant's settings that sign-in enforces. */
record SignInSettings(int maxFailures, int lockMinutes, String mfaRequired, List<String> mfaMethods,
        List<String> mfaRoles, int reauthMinutes, int sessionMaxHours, boolean phishingResistant) {

    /** NIST SP 800-63B rev 4: at most 100 consecutive failures before an administrator must act. */
    static final int PERMANENT_LOCK_FAILURES = 100;

    static SignInSettings of(TenantSettings settings) {
        TenantSettings.MfaPolicy mfa = settings.mfaPolicy();
        return new SignInSettings(settings.lockoutPolicy().maxFailures(), settings.lockoutPolicy().lockMinutes(),
                mfa.required(), mfa.methods(), mfa.roles(), settings.sessionPolicy().reauthMinutes(),
                settings.sessionPolicy().maxHours(), mfa.phishingResistant());
    }

    /** E-mailed codes are allowed, unless only a passkey counts ({@code mfaPolicy.phishingResistant}). */
    boolean emailCodes() {
        return mfaMethods.contains("EMAIL_CODE") && !phishingResistant;
    }

    /** Whether the policy demands a second factor of a user holding {@code roles}. */
    boolean mfaRequiredFor(List<String> roles) {
        return switch (mfaRequired) {
            case "ALL" -> true;
            case "ROLES" -> roles.stream().anyMatch(mfaRoles::contains);
            default -> false;
        };
    }
}
