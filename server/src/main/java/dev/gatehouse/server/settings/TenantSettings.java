package dev.gatehouse.server.settings;

import dev.gatehouse.server.audit.AuditRetention;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A tenant's settings (docs/api.md, settings), each field with its default. The defaults follow
 * OWASP ASVS 5.0 and NIST SP 800-63B rev 4 where a seed's rule is weaker (docs/product.md). A
 * field missing from a stored document (one written before the field existed) reads as its
 * default; {@link SettingsDocument} maps the JSON and checks a change.
 *
 * @param invitationHours how long an invitation link lives (seed 004: 48 hours)
 * @param resetLinkMinutes how long a password-reset link lives (1 hour)
 * @param auditRetention how long audit events are kept before the retention purge archives and
 *     removes them, an ISO-8601 period (HIPAA: P6Y)
 * @param inactivityDisableDays issue 13: the nightly job disables an active person with no sign-in
 *     for this many days; null or 0 turns it off (the default)
 * @param timeZone the tenant's time zone, an IANA id ({@code Europe/Berlin}): what grant conditions
 *     read {@code request.time} in (business hours are the clinic's hours, not the server's). UTC by
 *     default, since a tenant made without one has no better guess
 * @param breakGlass whether clinicians may open emergency access to a record, and for how long
 * @param guestAccess issue 16 (seed 002's guests): whether {@code check} evaluates a request without a
 *     session or key as the pack's GUEST role; off by default, since it opens the tenant's policy to anyone
 * @param registration issue 16: who may create their own account, with which role, and whether an admin
 *     approves it first
 */
public record TenantSettings(PasswordPolicy passwordPolicy, LockoutPolicy lockoutPolicy, SessionPolicy sessionPolicy,
        MfaPolicy mfaPolicy, boolean singleRolePerUser, int invitationHours, int resetLinkMinutes,
        List<String> emailDomains, List<String> ipAllowlist, Map<String, List<String>> ipAllowlistByRole,
        String auditRetention, Throttling throttling, ApiKeyPolicy apiKeyPolicy,
        @Nullable Integer inactivityDisableDays, String timeZone,
        BreakGlass breakGlass, boolean guestAccess, Registration registration) {

    /** What a new tenant starts with; a field a tenant never changed reads as this. */
    public static final TenantSettings DEFAULTS = new TenantSettings(PasswordPolicy.DEFAULTS, LockoutPolicy.DEFAULTS,
            SessionPolicy.DEFAULTS, MfaPolicy.DEFAULTS, false, 48, 60, List.of(), List.of(), Map.of(),
            AuditRetention.DEFAULT.toString(), Throttling.DEFAULTS, ApiKeyPolicy.DEFAULTS, null, "UTC",
            BreakGlass.DEFAULTS, false, Registration.DEFAULTS);

    public TenantSettings {
        emailDomains = List.copyOf(emailDomains);
        ipAllowlist = List.copyOf(ipAllowlist);
        ipAllowlistByRole = ordered(ipAllowlistByRole);
    }

    /** An unmodifiable copy in the given order, so the API answers the roles in the order they were saved. */
    private static <V> Map<String, V> ordered(Map<String, V> map) {
        return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
    }

    /** How long without a sign-in disables an account, when the tenant turned the rule on. */
    public java.util.Optional<Duration> inactivityLimit() {
        return inactivityDisableDays == null || inactivityDisableDays <= 0 ? java.util.Optional.empty()
                : java.util.Optional.of(Duration.ofDays(inactivityDisableDays));
    }

    public Duration invitationValidity() {
        return Duration.ofHours(invitationHours);
    }

    public Duration resetLinkValidity() {
        return Duration.ofMinutes(resetLinkMinutes);
    }

    /**
     * {@link #auditRetention} as a period.
     *
     * @throws IllegalArgumentException when the stored text is not a period within the bounds of
     *     {@link AuditRetention} (a document edited outside the API)
     */
    public Period auditRetentionPeriod() {
        return AuditRetention.parse(auditRetention);
    }

    /**
     * {@code passwordPolicy}. A null {@code maxAgeDays} means passwords do not expire.
     * {@code blockCommon} turns on the blocklist and the strength estimate.
     */
    public record PasswordPolicy(int minLength, boolean requireUpper, boolean requireLower, boolean requireDigit,
            boolean requireSymbol, int historyCount, @Nullable Integer maxAgeDays, boolean blockCommon) {

        /** NIST SP 800-63B rev 4: length and a blocklist, no composition, no expiry. */
        public static final PasswordPolicy DEFAULTS = new PasswordPolicy(15, false, false, false, false, 0, null,
                true);
    }

    /** {@code lockoutPolicy}: a temporary lock of {@code lockMinutes} after {@code maxFailures} failures in a row. */
    public record LockoutPolicy(int maxFailures, int lockMinutes) {

        public static final LockoutPolicy DEFAULTS = new LockoutPolicy(5, 15);
    }

    /**
     * {@code sessionPolicy}. A null {@code maxConcurrent} means no limit on sessions; {@code onLimit}
     * is END_OLDEST or REFUSE when a sign-in would exceed it; {@code reauthMinutes} is how recent a
     * proof of a factor sensitive operations need (ASVS 7.5.1); {@code idleMinutesByRole} is keyed
     * by role. Device awareness (issue 15): {@code newDeviceSecondFactor} asks a user who has a second
     * factor for it at a sign-in from a new device or network; {@code bindToDevice} refuses a session
     * presented without the device id it was opened with; a network unused for {@code knownNetworkDays}
     * is new again.
     */
    public record SessionPolicy(int idleMinutes, int maxHours, @Nullable Integer maxConcurrent, int reauthMinutes,
            String onLimit, Map<String, Integer> idleMinutesByRole, boolean newDeviceSecondFactor, boolean bindToDevice,
            int knownNetworkDays) {

        public static final SessionPolicy DEFAULTS = new SessionPolicy(30, 12, null, 5, "END_OLDEST", Map.of(), true,
                false, 90);

        public SessionPolicy {
            idleMinutesByRole = ordered(idleMinutesByRole);
        }

        public boolean refuseOverLimit() {
            return onLimit.equals("REFUSE");
        }
    }

    /**
     * {@code mfaPolicy}: {@code required} is OFF, OPTIONAL, ALL or ROLES; {@code methods} ⊆ TOTP,
     * EMAIL_CODE, RECOVERY_CODE, PASSKEY; {@code roles} (when ROLES) are the roles that must use one, and
     * empty otherwise. {@code phishingResistant}: only a passkey counts as the second factor (codes do
     * not); {@code passwordless}: a passkey alone signs in, without the password (issue 15).
     */
    public record MfaPolicy(String required, List<String> methods, List<String> roles, boolean phishingResistant,
            boolean passwordless) {

        public static final MfaPolicy DEFAULTS = new MfaPolicy("OFF", List.of("TOTP"), List.of(), false, false);

        public MfaPolicy {
            methods = List.copyOf(methods);
            roles = List.copyOf(roles);
        }

        public boolean emailCodes() {
            return methods.contains("EMAIL_CODE");
        }

        /** Whether the policy demands a second factor of a user holding {@code heldRoles}. */
        public boolean requiredFor(List<String> heldRoles) {
            return switch (required) {
                case "ALL" -> true;
                case "ROLES" -> heldRoles.stream().anyMatch(roles::contains);
                default -> false;
            };
        }
    }

    /**
     * {@code throttling}: the per-account and per-tenant limits of the doors that need no session
     * (docs/security.md, "Throttling"; why each default is what it is, is said beside each door in
     * {@code throttling.Throttle.Door}). The limit per client address is the operator's, a server
     * setting.
     */
    public record Throttling(Door signIn, Door secondFactor, Door forgotPassword, Door registration,
            Door tokenRedemption) {

        public static final Throttling DEFAULTS = new Throttling(
                new Door(new Limit(100, 15), new Limit(300, 1)),
                new Door(new Limit(10, 15), new Limit(300, 1)),
                new Door(new Limit(5, 60), new Limit(100, 1)),
                new Door(new Limit(3, 60), new Limit(100, 60)),
                new Door(new Limit(10, 15), new Limit(300, 1)));

        /** The names of the doors, as under {@code throttling} in the document. */
        public static final List<String> DOORS = List.of("signIn", "secondFactor", "forgotPassword", "registration",
                "tokenRedemption");

        /**
         * The door named {@code name} as under {@code throttling}.
         *
         * @throws IllegalArgumentException for a name not in {@link #DOORS}
         */
        public Door door(String name) {
            return switch (name) {
                case "signIn" -> signIn;
                case "secondFactor" -> secondFactor;
                case "forgotPassword" -> forgotPassword;
                case "registration" -> registration;
                case "tokenRedemption" -> tokenRedemption;
                default -> throw new IllegalArgumentException("no throttled door " + name);
            };
        }
    }

    /**
     * {@code apiKeyPolicy} (docs/security.md, "API keys"): how long an API key may live and how
     * fast it may be used when its maker names no limit.
     *
     * @param maxDays the longest a key may live, capping any {@code expiresAt} asked for. 365: a key
     *     that never expires is a leaked key that works forever; a year makes every key come up for
     *     rotation at least once a year (PCI DSS 3.6.4's cryptoperiod, and what secret scanners'
     *     reports assume) without an integration breaking more often than its yearly review
     * @param defaultDays the life of a key made without {@code expiresAt}: 90, the rotation period
     *     most organisations' policies name for machine credentials
     * @param rateLimit a key's rate limit when its maker names none: 100 requests a second, far above
     *     an application asking a check per page its users open, and far below what a leaked key
     *     would be flooded with
     */
    public record ApiKeyPolicy(int maxDays, int defaultDays, RateLimit rateLimit) {

        public static final ApiKeyPolicy DEFAULTS = new ApiKeyPolicy(365, 90, new RateLimit(100, 1));
    }

    /**
     * {@code breakGlass} (issue 13, clinical break-glass; docs/security.md): whether a holder of
     * {@code break_glass.open} may open emergency access to one record, and how long it lasts.
     *
     * @param enabled on by default: who may is the permission's to say (only the clinic pack's
     *     clinicians hold it), and an emergency is the wrong moment to find the tool switched off;
     *     a tenant that forbids it turns it off here
     * @param minutes how long emergency access lasts: 60 by default, long enough for one episode
     *     of care (a patient brought in, treated, handed over), short enough that a forgotten
     *     access ends the same shift; at most {@link #MAX_MINUTES}
     */
    public record BreakGlass(boolean enabled, int minutes) {

        /** Twelve hours: one long shift; anything longer is a share, not an emergency. */
        public static final int MAX_MINUTES = 720;

        public static final BreakGlass DEFAULTS = new BreakGlass(true, 60);

        public Duration duration() {
            return Duration.ofMinutes(minutes);
        }
    }

    /**
     * {@code registration} (issue 16, seed 002's open registration). Registration through a listed
     * e-mail domain ({@code emailDomains}) or a domain mapping works whatever {@code open} says.
     *
     * @param open anyone may register (throttled by {@code throttling.registration}); off by default:
     *     a tenant opens its doors deliberately
     * @param defaultRole the role a self-registered person gets; null is the pack's {@code defaultRole}
     * @param approval registrations wait, unable to sign in, until an admin holding
     *     {@code registrations.approve} approves them
     */
    public record Registration(boolean open, @Nullable String defaultRole, boolean approval) {

        public static final Registration DEFAULTS = new Registration(false, null, false);
    }

    /** At most {@code requests} in {@code perSeconds}, refilled smoothly. */
    public record RateLimit(int requests, int perSeconds) {}

    /** A door's limits: per account (whether or not it exists) and per tenant. */
    public record Door(Limit perAccount, Limit perTenant) {}

    /** At most {@code requests} in {@code perMinutes}, refilled smoothly. */
    public record Limit(int requests, int perMinutes) {}
}
