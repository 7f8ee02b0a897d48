package dev.gatehouse.server.tenancy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.server.settings.TenantSettings;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's security settings as the API answers them (docs/api.md, settings). A null
 * {@code maxAgeDays} means passwords do not expire; a null {@code maxConcurrent}, no limit on
 * sessions ({@code onLimit}: END_OLDEST or REFUSE when a sign-in would exceed it);
 * {@code idleMinutesByRole} and {@code ipAllowlistByRole} are keyed by role; {@code mfaPolicy.roles}
 * is present only when {@code required} is ROLES. {@code invitationHours} is how long an
 * invitation link lives (seed 004: 48 hours), {@code resetLinkMinutes} a password-reset link (1 hour).
 * {@code auditRetention} is how long audit events are kept before the retention purge archives and
 * removes them, an ISO-8601 period (HIPAA: P6Y). {@code inactivityDisableDays}: accounts with no
 * sign-in for that many days are disabled nightly; null or 0 is off (issue 13). {@code apiKeyPolicy}
 * caps and defaults the life and rate limit of API keys (docs/security.md, "API keys").
 * {@code timeZone} is the IANA zone grant conditions read {@code request.time} in.
 * {@code breakGlass} is whether clinicians may open emergency access and for how many minutes
 * (issue 13; our extension of docs/api.md). {@code guestAccess}: whether {@code check} evaluates anonymous
 * requests as the pack's GUEST role; {@code registration}: open self-registration, the role it gives (null:
 * the pack's default role) and whether an admin approves each one (issue 16; our extension of docs/api.md).
 */
public record SettingsView(PasswordPolicy passwordPolicy, LockoutPolicy lockoutPolicy, SessionPolicy sessionPolicy,
        MfaPolicy mfaPolicy, boolean singleRolePerUser, int invitationHours, int resetLinkMinutes,
        List<String> emailDomains,
        List<String> ipAllowlist,
        Map<String, List<String>> ipAllowlistByRole,
        String auditRetention,
        Throttling throttling,
        ApiKeyPolicy apiKeyPolicy,
        @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Integer inactivityDisableDays,
        String timeZone,
        BreakGlass breakGlass,
        boolean guestAccess,
        Registration registration) {

    /** The API's form of the typed settings; {@code mfaPolicy.roles} only when there are any. */
    static SettingsView of(TenantSettings settings) {
        TenantSettings.PasswordPolicy p = settings.passwordPolicy();
        TenantSettings.SessionPolicy s = settings.sessionPolicy();
        TenantSettings.MfaPolicy mfa = settings.mfaPolicy();
        TenantSettings.Throttling t = settings.throttling();
        return new SettingsView(
                new PasswordPolicy(p.minLength(), p.requireUpper(), p.requireLower(), p.requireDigit(),
                        p.requireSymbol(), p.historyCount(), p.maxAgeDays(), p.blockCommon()),
                new LockoutPolicy(settings.lockoutPolicy().maxFailures(), settings.lockoutPolicy().lockMinutes()),
                new SessionPolicy(s.idleMinutes(), s.maxHours(), s.maxConcurrent(), s.reauthMinutes(), s.onLimit(),
                        s.idleMinutesByRole(), s.newDeviceSecondFactor(), s.bindToDevice(), s.knownNetworkDays()),
                new MfaPolicy(mfa.required(), mfa.methods(), mfa.roles().isEmpty() ? null : mfa.roles(),
                        mfa.phishingResistant(), mfa.passwordless()),
                settings.singleRolePerUser(), settings.invitationHours(), settings.resetLinkMinutes(),
                settings.emailDomains(), settings.ipAllowlist(), settings.ipAllowlistByRole(),
                settings.auditRetention(),
                new Throttling(door(t.signIn()), door(t.secondFactor()), door(t.forgotPassword()),
                        door(t.registration()), door(t.tokenRedemption())),
                new ApiKeyPolicy(settings.apiKeyPolicy().maxDays(), settings.apiKeyPolicy().defaultDays(),
                        new RateLimit(settings.apiKeyPolicy().rateLimit().requests(),
                                settings.apiKeyPolicy().rateLimit().perSeconds())),
                settings.inactivityDisableDays(),
                settings.timeZone(),
                new BreakGlass(settings.breakGlass().enabled(), settings.breakGlass().minutes()),
                settings.guestAccess(),
                new Registration(settings.registration().open(), settings.registration().defaultRole(),
                        settings.registration().approval()));
    }

    private static Door door(TenantSettings.Door door) {
        return new Door(new Limit(door.perAccount().requests(), door.perAccount().perMinutes()),
                new Limit(door.perTenant().requests(), door.perTenant().perMinutes()));
    }

    /**
     * Rate limits of the doors that need no session (docs/security.md, "Throttling"); the limit per
     * client address is the operator's, a server setting.
     */
    public record Throttling(Door signIn, Door secondFactor, Door forgotPassword, Door registration,
            Door tokenRedemption) {}

    /** The longest life of a key, the life of one made without an expiry, and its rate limit unless it names one. */
    public record ApiKeyPolicy(int maxDays, int defaultDays, RateLimit rateLimit) {}

    /** At most {@code requests} in {@code perSeconds}. */
    public record RateLimit(int requests, int perSeconds) {}

    /** A door's limits: per account (whether or not it exists) and per tenant. */
    public record Door(Limit perAccount, Limit perTenant) {}

    /** Clinical break-glass: on or off, and how long an emergency access lasts. */
    public record BreakGlass(boolean enabled, int minutes) {}

    /** Open self-registration, the role it gives (null: the pack's default role), and whether an admin approves. */
    public record Registration(boolean open,
            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String defaultRole, boolean approval) {}

    /** At most {@code requests} in {@code perMinutes}, refilled smoothly. */
    public record Limit(int requests, int perMinutes) {}

    public record PasswordPolicy(int minLength, boolean requireUpper, boolean requireLower, boolean requireDigit,
            boolean requireSymbol, int historyCount,
            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Integer maxAgeDays, boolean blockCommon) {}

    public record LockoutPolicy(int maxFailures, int lockMinutes) {}

    /** {@code reauthMinutes}: how recent a proof of a factor sensitive operations need (ASVS 7.5.1). */
    public record SessionPolicy(int idleMinutes, int maxHours,
            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Integer maxConcurrent, int reauthMinutes,
            String onLimit, Map<String, Integer> idleMinutesByRole, boolean newDeviceSecondFactor, boolean bindToDevice,
            int knownNetworkDays) {}

    /**
     * {@code required}: OFF, OPTIONAL, ALL or ROLES; {@code methods} ⊆ TOTP, EMAIL_CODE, RECOVERY_CODE,
     * PASSKEY; {@code phishingResistant}: only passkeys count; {@code passwordless}: a passkey alone signs in.
     */
    public record MfaPolicy(String required, List<String> methods, @Nullable List<String> roles,
            boolean phishingResistant, boolean passwordless) {}
}
