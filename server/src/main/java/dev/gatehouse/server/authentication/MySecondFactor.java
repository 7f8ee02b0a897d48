package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The signed-in user's own second factor (seed 000 "2FA", ASVS 6.3 and 6.5), for the API and the
 * console alike: enrolling a TOTP authenticator, confirming it (which hands out the recovery codes,
 * once), replacing the recovery codes and removing the authenticator after re-authenticating, and
 * re-authentication itself.
 */
@Service
public class MySecondFactor {

    private static final String ISSUER = "Gatehouse";

    /** The secret, shown once: as text, as an otpauth:// URI, and as a PNG data URI of its QR code. */
    public record Enrolment(String secret, String otpauthUri, String qrCode) {}

    /** Whether an authenticator is set up, how many recovery codes are left, and the tenant's policy. */
    public record Status(boolean totp, int recoveryCodesLeft, List<String> methods, String required) {}

    private final Accounts accounts;
    private final SecondFactors factors;
    private final SignIn signIn;
    private final Reauthentication reauthentication;
    private final Sessions sessions;
    private final AuditLog audit;
    private final Clock clock;
    private final Access access;
    private final Actors actors;

    MySecondFactor(Accounts accounts, SecondFactors factors, SignIn signIn, Reauthentication reauthentication,
            Sessions sessions, AuditLog audit, Clock clock, Access access, Actors actors) {
        this.accounts = accounts;
        this.factors = factors;
        this.signIn = signIn;
        this.reauthentication = reauthentication;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
        this.access = access;
        this.actors = actors;
    }

    public Status status(Caller caller) {
        Accounts.Account account = account(caller);
        SignInSettings settings = signIn.settings(account);
        return new Status(factors.hasConfirmed(caller.tenant(), caller.userId()),
                factors.recoveryCodesLeft(caller.tenant(), caller.userId()), settings.mfaMethods(),
                settings.mfaRequired());
    }

    /**
     * Starts enrolling an authenticator. The secret is shown here only: it is never returned again
     * (docs/security.md). A confirmed authenticator must be removed first, which needs re-authentication.
     */
    @Transactional
    public Enrolment enrol(Caller caller, Origin origin) {
        caller.refuseIfImpersonated("enrol a second factor for the user");
        if (account(caller).service()) {
            // Issue 12: a service account never signs in interactively, so a second factor would guard nothing.
            throw ApiException.conflict("user " + caller.username() + " is a service account, which never signs in"
                    + " interactively and so has no second factor");
        }
        if (factors.hasConfirmed(caller.tenant(), caller.userId())) {
            throw ApiException.conflict("an authenticator is already set up; remove it first (DELETE /api/v1/me/mfa)");
        }
        byte[] secret = Totp.newSecret();
        factors.enrol(caller.tenant(), caller.userId(), secret);
        String encoded = Totp.base32(secret);
        String issuer = ISSUER + " (" + caller.tenantSlug() + ")";
        String uri = "otpauth://totp/" + encode(issuer) + ":" + encode(caller.username()) + "?secret=" + encoded
                + "&issuer=" + encode(issuer) + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
        audit.record(caller.tenant(), "MFA_ENROLMENT_STARTED", actor(caller), target(caller), origin.ip(),
                origin.userAgent(), Map.of("method", "TOTP"));
        return new Enrolment(encoded, uri, QrCodes.pngDataUri(uri));
    }

    /**
     * Proves the app has the secret; answers the ten recovery codes, shown this once.
     *
     * @throws ApiException 400 naming {@code code} when it is not the authenticator's current code
     */
    @Transactional
    public List<String> confirm(Caller caller, String code, Origin origin) {
        caller.refuseIfImpersonated("enrol a second factor for the user");
        SecondFactors.Authenticator authenticator = factors.authenticator(caller.tenant(), caller.userId())
                .filter(a -> !a.confirmed())
                .orElseThrow(() -> ApiException.conflict("no enrolment is pending; start one with POST /api/v1/me/mfa/totp"));
        Instant now = clock.instant();
        OptionalLong step = Totp.verify(authenticator.secret(), code.strip(), now, Long.MIN_VALUE);
        if (step.isEmpty()) {
            throw ApiException.badRequest("code", "is not the current code of the authenticator");
        }
        factors.confirm(caller.tenant(), caller.userId(), step.getAsLong(), now);
        List<String> codes = newRecoveryCodes(caller);
        Accounts.Account account = account(caller);
        if (account.requiredActions().contains("CONFIGURE_MFA")) {
            List<String> remaining = new ArrayList<>(account.requiredActions());
            remaining.remove("CONFIGURE_MFA");
            accounts.setRequiredActions(caller.tenant(), caller.userId(), remaining);
            sessions.forgetUser(caller.tenant(), caller.userId());
        }
        audit.record(caller.tenant(), "MFA_ENABLED", actor(caller), target(caller), origin.ip(),
                origin.userAgent(), Map.of("method", "TOTP"));
        return codes;
    }

    /**
     * Replaces the recovery codes with ten new ones, shown this once (after some were used or
     * exposed); needs a recent re-authentication, like removing the authenticator.
     */
    @Transactional
    public List<String> regenerateRecoveryCodes(Caller caller, Origin origin) {
        caller.refuseIfImpersonated("regenerate the user's recovery codes");
        reauthentication.require(caller);
        if (!factors.hasConfirmed(caller.tenant(), caller.userId())) {
            throw ApiException.conflict("no authenticator is set up; recovery codes come with one");
        }
        List<String> codes = newRecoveryCodes(caller);
        audit.record(caller.tenant(), "RECOVERY_CODES_REGENERATED", actor(caller), target(caller),
                origin.ip(), origin.userAgent(), Map.of("count", codes.size()));
        return codes;
    }

    /** Removes the caller's second factor; needs a recent re-authentication. */
    @Transactional
    public void remove(Caller caller, Origin origin) {
        caller.refuseIfImpersonated("remove the user's second factor");
        reauthentication.require(caller);
        if (!factors.removeAll(caller.tenant(), caller.userId())) {
            throw ApiException.notFound("second factor");
        }
        Accounts.Account account = account(caller);
        SignInSettings settings = signIn.settings(account);
        boolean required = settings.mfaRequiredFor(access.rolesHeld(caller.tenant(), caller.userId()));
        if (required && !(settings.emailCodes() && account.email() != null)
                && !account.requiredActions().contains("CONFIGURE_MFA")) {
            List<String> actions = new ArrayList<>(account.requiredActions());
            actions.add("CONFIGURE_MFA");
            accounts.setRequiredActions(caller.tenant(), caller.userId(), actions);
            sessions.forgetUser(caller.tenant(), caller.userId());
        }
        audit.record(caller.tenant(), "MFA_DISABLED", actor(caller), target(caller), origin.ip(),
                origin.userAgent(), Map.of("by", "self"));
    }

    /**
     * After a user's passkeys changed (issue 15): {@code CONFIGURE_MFA} goes when a second factor now
     * satisfies the tenant's policy, and comes back when the policy requires one and none is left.
     * Runs in the caller's transaction.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void passkeysChanged(TenantId tenant, UUID user) {
        Accounts.Account account = accounts.byId(tenant, user).orElseThrow(() -> ApiException.notFound("user"));
        SignInSettings settings = signIn.settings(account);
        boolean required = settings.mfaRequiredFor(access.rolesHeld(tenant, user));
        boolean satisfied = signIn.satisfiesSecondFactor(account, settings);
        List<String> actions = new ArrayList<>(account.requiredActions());
        if (required && !satisfied && !actions.contains("CONFIGURE_MFA")) {
            actions.add("CONFIGURE_MFA");
        } else if (satisfied) {
            actions.remove("CONFIGURE_MFA");
        }
        if (!actions.equals(account.requiredActions())) {
            accounts.setRequiredActions(tenant, user, actions);
            sessions.forgetUser(tenant, user);
        }
    }

    /**
     * Proves a factor again (password, or a TOTP or recovery code) for the sensitive operations that ask.
     *
     * @throws ApiException 400 unless exactly one of them is given, 403 when it is not right
     */
    public void reauthenticate(Caller caller, @Nullable String password, @Nullable String code,
            HttpServletRequest request) {
        // Before any guess: an operator's wrong password would count toward the user's lockout.
        caller.refuseIfImpersonated("prove the user's identity");
        boolean withPassword = password != null && !password.isEmpty();
        boolean withCode = code != null && !code.isBlank();
        if (withPassword == withCode) {
            throw ApiException.badRequest(withPassword ? "code" : "password", "give either password or code");
        }
        if (!signIn.reauthenticate(caller, withPassword ? password : null, withCode ? code : null,
                SignInService.origin(request))) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Re-authentication failed",
                    "the password or code is not right, or the account is locked", List.of());
        }
    }

    private List<String> newRecoveryCodes(Caller caller) {
        List<String> codes = RecoveryCodes.generate();
        factors.replaceRecoveryCodes(caller.tenant(), caller.userId(), codes.stream().map(RecoveryCodes::hash).toList());
        return codes;
    }

    private Accounts.Account account(Caller caller) {
        return accounts.byId(caller.tenant(), caller.userId()).orElseThrow(() -> ApiException.notFound("user"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private AuditLog.Actor actor(Caller caller) {
        return actors.actor(caller);
    }

    private static AuditLog.Target target(Caller caller) {
        return new AuditLog.Target("user", caller.userId().toString(), caller.username());
    }
}
