package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Proving who you are: the password step, the second step of a two-step sign-in, and
 * re-authentication. Every attempt on an account runs under that user's row lock, so attempts on
 * one account take turns: parallel guesses cannot outrun the failure counter, and nothing is
 * verified while the account is locked. Refusals commit (counter and audit) and are answered by
 * the caller, so that unknown users, wrong secrets and locked accounts look the same.
 */
@Service
public class SignIn {

    /**
     * The session method recorded beside an external proof that covered a second factor itself (an
     * identity provider's MFA, a user-verified passkey): the ID token's amr then says {@code mfa}.
     */
    static final String MULTI_FACTOR_ELSEWHERE = "MFA_ELSEWHERE";

    /** How long the first step of a two-step sign-in stays usable. */
    static final Duration CHALLENGE_VALIDITY = Duration.ofMinutes(5);
    /** seed 000 / issue 4: an e-mailed code lives 10 minutes and works once. */
    static final Duration EMAIL_CODE_VALIDITY = Duration.ofMinutes(10);
    static final int EMAIL_CODE_DIGITS = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a sign-in step came to. */
    public sealed interface Outcome {}

    /** Refused; the answer never says why. */
    public record Refused() implements Outcome {}

    /**
     * The account has ended (a contractor's {@code expiresAt}, issue 13). Answered only to someone
     * who proved the password, so it tells a stranger nothing; the holder learns why and whom to ask.
     */
    public record Expired(Instant expiredAt) implements Outcome {}

    public record Signed(String token, Instant expiresAt, String userId, List<String> requiredActions) implements Outcome {}

    /**
     * A second factor is due. {@code emailCodes}: whether {@link #sendEmailCode} would mail a code
     * (the tenant allows them and the account has an address), which that call would tell the
     * holder of the token anyway; a client may offer the button from it.
     */
    public record SecondStep(String mfaToken, boolean emailCodes) implements Outcome {}

    enum EmailCode { SENT, REFUSED, NOT_ALLOWED }

    private final Accounts accounts;
    private final Sessions sessions;
    private final Passwords passwords;
    private final SecondFactors factors;
    private final AuditLog audit;
    private final Outbox outbox;
    private final Clock clock;
    private final PasswordPolicy passwordPolicy;
    private final Access access;
    private final Actors actors;
    private final TenantSettingsStore tenantSettings;
    private final ObjectProvider<PasswordSignInGate> gates;
    private final ObjectProvider<DirectoryPasswords> directories;
    private final NewDevices devices;
    private final ObjectProvider<PasskeyFactors> passkeys;
    private final NetworkRules networks;
    private final FirstStepFacts firstSteps;

    SignIn(Accounts accounts, Sessions sessions, Passwords passwords, SecondFactors factors, AuditLog audit,
            Outbox outbox, Clock clock, PasswordPolicy passwordPolicy, Access access, Actors actors,
            TenantSettingsStore tenantSettings, ObjectProvider<PasswordSignInGate> gates,
            ObjectProvider<DirectoryPasswords> directories, NewDevices devices,
            ObjectProvider<PasskeyFactors> passkeys, NetworkRules networks, FirstStepFacts firstSteps) {
        this.networks = networks;
        this.firstSteps = firstSteps;
        this.gates = gates;
        this.directories = directories;
        this.devices = devices;
        this.tenantSettings = tenantSettings;
        this.passkeys = passkeys;
        this.passwordPolicy = passwordPolicy;
        this.access = access;
        this.actors = actors;
        this.accounts = accounts;
        this.sessions = sessions;
        this.passwords = passwords;
        this.factors = factors;
        this.audit = audit;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * The password step for the user {@code usernameNormalized} of the active {@code tenant} (none: a
     * slug that names no active tenant). The account is read with its row lock (issue 17: one read), then
     * the network rules apply before the password is even looked at.
     */
    @Transactional
    Outcome password(Optional<TenantId> tenant, String tenantSlug, String usernameNormalized, String password,
            Origin origin) {
        Instant now = clock.instant();
        // Issue 17: the second factors and the device's standing are read with the lock, when it is free at
        // once; else (another attempt on the account holds it, or nobody is found) after the password.
        Optional<Accounts.LockedWith<FirstStepFacts.Facts>> atOnce = tenant.flatMap(id -> accounts.lockAtOnceForSignIn(
                id, tenantSlug, usernameNormalized, firstSteps.alongTheAccount(devices.probe(id, origin, now))));
        Optional<Accounts.Locked> found = atOnce.map(Accounts.LockedWith::locked).or(() -> tenant.flatMap(
                id -> accounts.lockForSignIn(id, tenantSlug, usernameNormalized)));
        if (found.isEmpty()) {
            // A suspended tenant has no active slug, so only a sign-in that found nobody asks about it.
            if (accounts.tenantSuspended(tenantSlug)) {
                throw SignInService.suspended();
            }
            passwords.matchesNothing(password);
            return new Refused();
        }
        Accounts.Account account = found.get().account();
        Accounts.Lockout lockout = found.get().lockout();
        if (networks.refusesSignIn(account, password, origin)) {
            return new Refused();
        }
        SignInSettings settings = settings(account);
        String shut = shut(account, lockout, now);
        if (shut == null && gates.orderedStream().anyMatch(gate -> gate.refusesPassword(account.tenant(), account.id(),
                account.username(), account.email()))) {
            // Issue 15: the tenant's identity provider is enforced for this user; the answer is the usual one.
            shut = "SSO_ENFORCED";
        }
        // Issue 15: a directory (LDAP bind) vouches for the password of the accounts it holds.
        Optional<Boolean> directory = shut != null ? Optional.empty() : directories.orderedStream()
                .map(d -> d.verify(account.tenant(), account.id(), account.username(), password))
                .flatMap(Optional::stream).findFirst();
        if (shut != null || (account.passwordHash() == null && directory.isEmpty())) {
            // Spend the time of a comparison, but never compare with the real hash while locked.
            passwords.matchesNothing(password);
            refused(account, shut != null ? shut : "NOT_ACTIVE", origin);
            return new Refused();
        }
        boolean right = directory.isPresent() ? directory.get() : passwords.matches(password, account.passwordHash());
        if (!right) {
            fail(account, lockout, settings, now, "WRONG_PASSWORD", origin);
            return new Refused();
        }
        if (account.expiredBy(now)) {
            return expired(account, origin);
        }
        // The row was read under its lock and not written since: its state is the user's now (issue 17).
        return secondStepOrSession(account, stateOf(account), atOnce.map(Accounts.LockedWith::along).orElse(null),
                settings, now, directory.isPresent() ? "LDAP" : "PASSWORD", null, origin);
    }

    /**
     * A sign-in proved elsewhere (issue 15): an identity provider's assertion, a directory's bind, a
     * passkey. The account must be able to sign in as with a password (active, not locked, not a
     * service account, not ended); then, unless the proof already covered a second factor, the
     * user's second factor is asked exactly as after a password.
     */
    @Transactional
    Outcome external(TenantId tenant, UUID userId, String method, boolean multiFactor, @Nullable String provider,
            Origin origin) {
        Optional<Accounts.Account> found = accounts.byId(tenant, userId);
        if (found.isEmpty()) {
            return new Refused();
        }
        Accounts.Account account = found.get();
        SignInSettings settings = settings(account);
        Instant now = clock.instant();
        Accounts.Lockout lockout = accounts.lockForSignIn(account.tenant(), account.id());
        String shut = shut(account, lockout, now);
        if (shut != null) {
            refused(account, shut, origin);
            return new Refused();
        }
        if (account.expiredBy(now)) {
            return expired(account, origin);
        }
        // Under mfaPolicy.phishingResistant only a passkey is a second factor: an identity provider's
        // word that it asked one (a code, a push) is not enough, and the user's passkey is asked here.
        if (multiFactor && (!settings.phishingResistant() || method.equals("PASSKEY"))) {
            // Issue 15: a new device is mailed and recorded; the proof already covered the factor it would ask.
            devices.firstStep(account, origin, now);
            boolean required = settings.mfaRequiredFor(access.rolesHeld(account.tenant(), account.id()));
            return complete(account, settings, required, List.of(method, MULTI_FACTOR_ELSEWHERE), now, method,
                    provider, origin);
        }
        return secondStepOrSession(account, null, null, settings, now, method, provider, origin);
    }

    /**
     * After a first step proved: the second step when the user has a confirmed factor (or must use
     * e-mailed codes), else the session. {@code state}: the account's state as read under its row lock
     * in this transaction, when nothing wrote it since (null: read it again where needed). {@code read}: the
     * facts read with that lock (null: read them here).
     */
    private Outcome secondStepOrSession(Accounts.Account account, Members.@Nullable State state,
            FirstStepFacts.@Nullable Facts read, SignInSettings settings, Instant now, String firstMethod,
            @Nullable String provider, Origin origin) {
        // Issue 17: the user's second factors and this device's standing in one read.
        FirstStepFacts.Facts facts = read != null ? read
                : firstSteps.of(account.tenant(), account.id(), devices.probe(account.tenant(), origin, now));
        // Issue 15: a passkey is a second factor; under mfaPolicy.phishingResistant the only one.
        boolean passkey = facts.passkey();
        boolean totp = !settings.phishingResistant() && facts.totp();
        // The roles load the user's profile on this node when it holds none: with the state given, one
        // read (the assignments) instead of two; the audit actor below takes the roles from that profile.
        boolean required = settings.mfaRequiredFor(state != null ? access.rolesHeld(account.tenant(), account.id(), state)
                : access.rolesHeld(account.tenant(), account.id()));
        // Issue 15: a new device or network asks the second factor the user has (an e-mailed code when no app).
        boolean newDevice = devices.firstStep(account, origin, now, facts.seen());
        boolean emailInstead = !totp && !passkey && (required || newDevice) && settings.emailCodes()
                && account.email() != null;
        if (totp || passkey || emailInstead) {
            String token = Tokens.newToken();
            factors.createChallenge(account.tenant(), account.id(), Tokens.hash(token), now,
                    now.plus(CHALLENGE_VALIDITY), firstMethod);
            // The first step was right: the trail shows it, though no session exists until the second step.
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("secondFactor", totp ? "TOTP" : passkey ? "PASSKEY" : "EMAIL_CODE");
            details.put("firstMethod", firstMethod);
            if (provider != null) {
                details.put("provider", provider);
            }
            audit.record(account.tenant(), "MFA_CHALLENGE_ISSUED", actor(account), target(account), origin.ip(),
                    origin.userAgent(), details);
            return new SecondStep(token, emailCodes(settings, account));
        }
        // Issue 17: what satisfiesSecondFactor would ask again is known here.
        boolean satisfied = totp || passkey || emailCodes(settings, account);
        return complete(account, settings, required, satisfied, List.of(firstMethod), now, firstMethod, provider,
                origin);
    }

    @Transactional
    Outcome secondFactor(String mfaToken, String code, Origin origin) {
        Instant now = clock.instant();
        Optional<PendingStep> found = pendingStep(mfaToken, now, origin);
        if (found.isEmpty()) {
            return new Refused();
        }
        PendingStep step = found.get();
        if (step.settings().phishingResistant()) {
            // Only a passkey completes the second step (issue 15); no code is even looked at.
            refused(step.account(), "PASSKEY_REQUIRED", origin);
            return new Refused();
        }
        String method = verifyCode(step.account(), step.challenge(), step.settings(), normalize(code), now);
        if (method == null) {
            fail(step.account(), step.lockout(), step.settings(), now, "WRONG_CODE", origin);
            return new Refused();
        }
        return finishSecondStep(step, now, method, origin);
    }

    /**
     * Completes a live two-step sign-in with a second factor verified elsewhere (a passkey, issue
     * 15) for the challenge's own user; the caller verified it against {@link #challenge}'s user.
     */
    @Transactional
    Outcome secondFactorProved(String mfaToken, String method, Origin origin) {
        Instant now = clock.instant();
        return pendingStep(mfaToken, now, origin).map(step -> finishSecondStep(step, now, method, origin))
                .orElseGet(Refused::new);
    }

    /** A live challenge, its account (row-locked for the attempt) and the tenant's rules. */
    private record PendingStep(SecondFactors.Challenge challenge, Accounts.Account account, SignInSettings settings,
            Accounts.Lockout lockout) {}

    /** The challenge of {@code mfaToken} while live and its account may sign in; a refusal is audited. */
    private Optional<PendingStep> pendingStep(String mfaToken, Instant now, Origin origin) {
        Optional<SecondFactors.Challenge> found = factors.liveChallenge(Tokens.hash(mfaToken), now);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        SecondFactors.Challenge challenge = found.get();
        Accounts.Account account = accounts.byId(challenge.tenant(), challenge.userId()).orElseThrow();
        Accounts.Lockout lockout = accounts.lockForSignIn(account.tenant(), account.id());
        String shut = shut(account, lockout, now);
        if (shut != null) {
            refused(account, shut, origin);
            return Optional.empty();
        }
        return Optional.of(new PendingStep(challenge, account, settings(account), lockout));
    }

    private Outcome finishSecondStep(PendingStep step, Instant now, String method, Origin origin) {
        Accounts.Account account = step.account();
        SecondFactors.Challenge challenge = step.challenge();
        SignInSettings settings = step.settings();
        if (!factors.useChallenge(account.tenant(), challenge.id(), now)) {
            return new Refused();
        }
        if (account.expiredBy(now)) {
            return expired(account, origin);
        }
        boolean required = settings.mfaRequiredFor(access.rolesHeld(account.tenant(), account.id()));
        return complete(account, settings, required, List.of(challenge.firstMethod(), method), now, method, null,
                origin);
    }

    /** The tenant and user of a live two-step sign-in, for the per-account rate limit; nothing is spent. */
    Optional<SecondFactors.Challenge> challenge(String mfaToken) {
        return factors.liveChallenge(Tokens.hash(mfaToken), clock.instant());
    }

    /** Mails a one-time code for the challenge when the tenant allows e-mailed codes and the user has an address. */
    @Transactional
    EmailCode sendEmailCode(String mfaToken, Origin origin) {
        Instant now = clock.instant();
        Optional<SecondFactors.Challenge> found = factors.liveChallenge(Tokens.hash(mfaToken), now);
        if (found.isEmpty()) {
            return EmailCode.REFUSED;
        }
        SecondFactors.Challenge challenge = found.get();
        Accounts.Account account = accounts.byId(challenge.tenant(), challenge.userId()).orElseThrow();
        if (!emailCodes(settings(account), account)) {
            return EmailCode.NOT_ALLOWED;
        }
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < EMAIL_CODE_DIGITS; i++) {
            code.append(RANDOM.nextInt(10));
        }
        Instant until = now.plus(EMAIL_CODE_VALIDITY);
        factors.setEmailCode(account.tenant(), challenge.id(), emailCodeHash(challenge, code.toString()), until);
        outbox.enqueue(account.tenant(), new Outbox.Message(account.email(), "Your sign-in code",
                """
                Your one-time sign-in code for %s is %s.

                It works once and expires in %d minutes. If you did not try to sign in, tell your administrator.
                """.formatted(account.tenantSlug(), code, EMAIL_CODE_VALIDITY.toMinutes()), Outbox.Kind.ONE_TIME_CODE));
        audit.record(account.tenant(), "MFA_CODE_SENT", actor(account), target(account), origin.ip(),
                origin.userAgent(), Map.of("method", "EMAIL_CODE"));
        return EmailCode.SENT;
    }

    /** The account's tenant's sign-in rules, as they stand now. */
    SignInSettings settings(Accounts.Account account) {
        return SignInSettings.of(tenantSettings.of(account.tenant()));
    }

    private static boolean emailCodes(SignInSettings settings, Accounts.Account account) {
        return settings.emailCodes() && account.email() != null;
    }

    /**
     * Proves a factor again within a session (password, TOTP or recovery code); failures count
     * toward the lockout like sign-in failures. Returns whether it was proved.
     */
    @Transactional
    boolean reauthenticate(Caller caller, @Nullable String password, @Nullable String code, Origin origin) {
        return prove(caller, password, code, origin, true);
    }

    /**
     * Checks the current password of a signed-in user (changing it, ASVS 6.2.3); a wrong one counts
     * toward the lockout like any sign-in failure.
     */
    @Transactional
    boolean proveCurrentPassword(Caller caller, String password, Origin origin) {
        return prove(caller, password, null, origin, false);
    }

    private boolean prove(Caller caller, @Nullable String password, @Nullable String code, Origin origin,
            boolean announce) {
        Accounts.Account account = accounts.byId(caller.tenant(), caller.userId()).orElseThrow();
        SignInSettings settings = settings(account);
        Instant now = clock.instant();
        Accounts.Lockout lockout = accounts.lockForSignIn(account.tenant(), account.id());
        if (account.service() || locked(lockout, now) || account.expiredBy(now)) {
            refused(account, account.service() ? "SERVICE_ACCOUNT" : account.expiredBy(now) ? "ACCOUNT_EXPIRED"
                    : "LOCKED", origin);
            return false;
        }
        String method = null;
        if (password != null) {
            method = passwords.matches(password, account.passwordHash()) ? "PASSWORD" : null;
        } else if (code != null) {
            method = verifyCode(account, null, settings, normalize(code), now);
        }
        if (method == null) {
            fail(account, lockout, settings, now, password != null ? "WRONG_PASSWORD" : "WRONG_CODE", origin);
            return false;
        }
        accounts.recordSuccess(account.tenant(), account.id());
        sessions.reauthenticated(caller.tenant(), caller.requireSession("prove the identity again"), now, method);
        if (announce) {
            audit.record(account.tenant(), "REAUTHENTICATED", actor(account), target(account), origin.ip(),
                    origin.userAgent(), Map.of("method", method));
        }
        return true;
    }

    private Expired expired(Accounts.Account account, Origin origin) {
        refused(account, "ACCOUNT_EXPIRED", origin);
        return new Expired(java.util.Objects.requireNonNull(account.expiresAt()));
    }

    /**
     * The session. {@code methods}: how the user proved it, in order (an ID token's amr is made of
     * them); more than one means a second factor was proved. {@code method}: the last, for the trail.
     */
    private Signed complete(Accounts.Account account, SignInSettings settings, boolean mfaRequired,
            List<String> methods, Instant now, String method, @Nullable String provider, Origin origin) {
        return complete(account, settings, mfaRequired, satisfiesSecondFactor(account, settings), methods, now, method,
                provider, origin);
    }

    /** {@code hasSecondFactor}: what {@link #satisfiesSecondFactor} says of the account now. */
    private Signed complete(Accounts.Account account, SignInSettings settings, boolean mfaRequired,
            boolean hasSecondFactor, List<String> methods, Instant now, String method, @Nullable String provider,
            Origin origin) {
        boolean secondStep = methods.size() > 1;
        boolean satisfied = hasSecondFactor || methods.contains(MULTI_FACTOR_ELSEWHERE);
        List<String> actions = new ArrayList<>(account.requiredActions());
        // seed 000: a tenant may make passwords expire (passwordPolicy.maxAgeDays; off by default).
        if (!actions.contains("CHANGE_PASSWORD") && passwordPolicy.isExpired(account.tenant(), account.id(), now)) {
            actions.add("CHANGE_PASSWORD");
        }
        if (mfaRequired && !satisfied && !actions.contains("CONFIGURE_MFA")) {
            actions.add("CONFIGURE_MFA");
        } else if ((!mfaRequired || satisfied) && actions.contains("CONFIGURE_MFA")) {
            actions.remove("CONFIGURE_MFA");
        }
        if (!actions.equals(account.requiredActions())) {
            accounts.setRequiredActions(account.tenant(), account.id(), actions);
            sessions.forgetUser(account.tenant(), account.id());
        }
        String token = Tokens.newToken();
        Instant expiresAt = now.plus(settings.sessionMaxHours(), ChronoUnit.HOURS);
        // The session records how the user proved it (an ID token's amr): the password, then the second factor.
        // Issue 13: its statement also writes what lastSignInAt shows and the inactivity rule measures, and
        // clears the failure counter; every kind of sign-in (password, second step, and the console session
        // an OIDC authorization rides on) ends here (issue 17: one statement for the three writes).
        NewDevices.Device device = NewDevices.currentDevice(account.id(), origin);
        sessions.signedIn(account.tenant(), account.id(), Tokens.hash(token), now, expiresAt, origin.ip(),
                origin.userAgent(), methods, device, NewDevices.visit(device, origin));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("method", method);
        details.put("secondFactor", secondStep);
        if (provider != null) {
            details.put("provider", provider);
        }
        audit.record(account.tenant(), "LOGIN_SUCCEEDED", actor(account), target(account), origin.ip(),
                origin.userAgent(), details);
        return new Signed(token, expiresAt, account.id().toString(), List.copyOf(actions));
    }

    /**
     * Whether the user has a second factor the tenant accepts: a passkey; else (unless only passkeys
     * count) a confirmed authenticator, or e-mailed codes to their address.
     */
    boolean satisfiesSecondFactor(Accounts.Account account, SignInSettings settings) {
        boolean strong = (!settings.phishingResistant() && factors.hasConfirmed(account.tenant(), account.id()))
                || hasPasskey(account);
        return strong || (settings.emailCodes() && account.email() != null);
    }

    private boolean hasPasskey(Accounts.Account account) {
        return passkeys.stream().anyMatch(p -> p.hasPasskey(account.tenant(), account.id()));
    }

    /** Which second factor {@code code} is (TOTP, e-mailed code, recovery code), spending it; null when none. */
    private @Nullable String verifyCode(Accounts.Account account, SecondFactors.@Nullable Challenge challenge,
            SignInSettings settings, String code, Instant now) {
        Optional<SecondFactors.Authenticator> authenticator = factors.authenticator(account.tenant(), account.id())
                .filter(SecondFactors.Authenticator::confirmed);
        if (authenticator.isPresent()) {
            OptionalLong step = Totp.verify(authenticator.get().secret(), code, now, authenticator.get().lastStep());
            if (step.isPresent() && factors.useStep(account.tenant(), account.id(), step.getAsLong())) {
                return "TOTP";
            }
        }
        if (challenge != null && settings.emailCodes() && challenge.emailCodeHash() != null
                && challenge.emailCodeUntil() != null && challenge.emailCodeUntil().isAfter(now)
                && MessageDigest.isEqual(emailCodeHash(challenge, code), challenge.emailCodeHash())) {
            return "EMAIL_CODE";
        }
        if (authenticator.isPresent()
                && factors.useRecoveryCode(account.tenant(), account.id(), RecoveryCodes.hash(code), now)) {
            return "RECOVERY_CODE";
        }
        return null;
    }

    private void fail(Accounts.Account account, Accounts.Lockout lockout, SignInSettings settings, Instant now,
            String reason, Origin origin) {
        int failures = lockout.failedLogins() + 1;
        boolean permanent = failures >= SignInSettings.PERMANENT_LOCK_FAILURES;
        OffsetDateTime until = null;
        if (permanent) {
            // Stands for "until an administrator unlocks": unlocking clears it with the counter.
            until = Sessions.utc(now).plusYears(100);
        } else if (failures >= settings.maxFailures()) {
            // The counter survives a timed unlock, so every further failure locks again at once.
            until = Sessions.utc(now.plus(Duration.ofMinutes(settings.lockMinutes())));
        }
        accounts.recordFailure(account.tenant(), account.id(), failures, until);
        audit.record(account.tenant(), "LOGIN_FAILED", actor(account), target(account), origin.ip(),
                origin.userAgent(), Map.of("reason", reason, "failures", failures));
        if (until != null) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("failures", failures);
            details.put("permanent", permanent);
            details.put("lockedUntil", permanent ? "until an administrator unlocks" : until.toInstant().toString());
            audit.record(account.tenant(), "LOCKED_OUT", actor(account), target(account), origin.ip(),
                    origin.userAgent(), details);
        }
    }

    /**
     * Why the account may not sign in at all, whatever it presents, or null when it may try: a
     * service account never signs in interactively (issue 12: it calls with an API key or a client's
     * token), a locked one waits, and only an active one signs in. Each is answered as a wrong
     * password is, and only the trail says which.
     */
    private static @Nullable String shut(Accounts.Account account, Accounts.Lockout lockout, Instant now) {
        if (account.service()) {
            return "SERVICE_ACCOUNT";
        }
        if (locked(lockout, now)) {
            return "LOCKED";
        }
        return account.status().equals("ACTIVE") ? null : "NOT_ACTIVE";
    }

    private void refused(Accounts.Account account, String reason, Origin origin) {
        audit.record(account.tenant(), "LOGIN_FAILED", actor(account), target(account), origin.ip(),
                origin.userAgent(), Map.of("reason", reason));
    }

    static boolean locked(Accounts.Lockout lockout, Instant now) {
        return lockout.failedLogins() >= SignInSettings.PERMANENT_LOCK_FAILURES
                || (lockout.lockedUntil() != null && lockout.lockedUntil().toInstant().isAfter(now));
    }

    private static String normalize(String code) {
        return code.replace(" ", "").replace("-", "").strip().toUpperCase(java.util.Locale.ROOT);
    }

    private static byte[] emailCodeHash(SecondFactors.Challenge challenge, String code) {
        // Bound to the challenge, so a code is worth nothing with another sign-in attempt.
        return Tokens.hash(challenge.id() + ":" + code);
    }

    /** The actor with the roles held right now, so the trail answers "what did holders of X do" (seed 004). */
    private AuditLog.Actor actor(Accounts.Account account) {
        return actors.of(account.tenant(), account.id(), account.username());
    }

    /** The account's state as access's profile of the user carries it. */
    private static Members.State stateOf(Accounts.Account account) {
        return new Members.State(account.status(), account.lockedUntil().map(OffsetDateTime::toInstant).orElse(null),
                account.expiresAt());
    }

    private static AuditLog.Target target(Accounts.Account account) {
        return new AuditLog.Target("user", account.id().toString(), account.username());
    }
}
