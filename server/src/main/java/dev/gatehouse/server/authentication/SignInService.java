package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signing in and out and changing one's own password, for the API and the console alike, so that
 * both get the same network rules, lockout, audit events and uniform refusal (ASVS 6.3.8).
 */
@Service
public class SignInService {

    private final SignIn signIn;
    private final Accounts accounts;
    private final Sessions sessions;
    private final Passwords passwords;
    private final PasswordPolicy passwordPolicy;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final Actors actors;
    private final Throttle throttle;
    private final TenantSettingsStore tenantSettings;

    SignInService(SignIn signIn, Accounts accounts, Sessions sessions, Passwords passwords, PasswordPolicy passwordPolicy,
            AuditLog audit, TransactionTemplate transaction, Clock clock, Actors actors,
            Throttle throttle, TenantSettingsStore tenantSettings) {
        this.throttle = throttle;
        this.tenantSettings = tenantSettings;
        this.signIn = signIn;
        this.accounts = accounts;
        this.sessions = sessions;
        this.passwords = passwords;
        this.passwordPolicy = passwordPolicy;
        this.audit = audit;
        this.transaction = transaction;
        this.clock = clock;
        this.actors = actors;
    }

    /** The password step: a session, the second step, or a refusal that never says why. */
    public SignIn.Outcome password(String tenant, String username, String password, HttpServletRequest request) {
        // Issue 17: the tenant's settings are read once for the whole attempt, not by each rule that asks,
        // and from this node's cache, which every node drops when a change of them is announced.
        return tenantSettings.readCached(() -> passwordStep(tenant, username, password, request));
    }

    private SignIn.Outcome passwordStep(String tenant, String username, String password, HttpServletRequest request) {
        String slug = tenant.strip().toLowerCase(Locale.ROOT);
        String name = Usernames.normalize(username);
        // The tenant is looked up once, for the rate limits and the account alike (issue 17); one that is
        // not active (unknown, suspended) is named to the throttle by its slug, as before.
        Optional<TenantId> active = accounts.activeTenant(slug);
        Throttle.Tenant named = active.<Throttle.Tenant>map(Throttle.Tenant.Id::new)
                .orElseGet(() -> new Throttle.Tenant.Slug(slug));
        // Rate limits come first, so a refused attempt costs no hash and never counts toward the lockout.
        // Only failures weigh (issue 17): a limit far from empty is spent after the hash, and only if it failed.
        Throttle.Permit permit = throttle.enterWeighingFailures(new Throttle.Attempt(Throttle.Door.SIGN_IN,
                Origin.of(request).ip(), named, name, Origin.of(request).userAgent()));
        SignIn.Outcome outcome = permit.during(() -> signIn.password(active, slug, name, password, origin(request)));
        return settled(permit, outcome);
    }

    /**
     * A sign-in proved elsewhere (issue 15): {@code method} OIDC, SAML, LDAP or PASSKEY, for a user the
     * caller has already found or provisioned; {@code multiFactor} when that proof covered a second
     * factor itself. The same account rules as the password step apply, the user's second factor is
     * asked otherwise, and the attempt counts toward the same rate limits (address, account, tenant).
     */
    public SignIn.Outcome external(TenantId tenant, UUID userId, String method, boolean multiFactor,
            @Nullable String provider, HttpServletRequest request) {
        Throttle.Permit permit = throttle.enterWeighingFailures(new Throttle.Attempt(Throttle.Door.SIGN_IN,
                Origin.of(request).ip(), new Throttle.Tenant.Id(tenant), userId.toString(),
                Origin.of(request).userAgent()));
        SignIn.Outcome outcome = permit.during(() -> signIn.external(tenant, userId, method, multiFactor, provider,
                origin(request)));
        return settled(permit, outcome);
    }

    /** A refused attempt weighs on the limits it passed; any other outcome gives back what it spent. */
    private static SignIn.Outcome settled(Throttle.Permit permit, SignIn.Outcome outcome) {
        if (outcome instanceof SignIn.Refused) {
            permit.failed();
        } else {
            permit.succeeded();
        }
        return outcome;
    }

    /** The user of a live two-step sign-in, for a second factor verified elsewhere (a passkey). */
    public record PendingChallenge(TenantId tenant, UUID userId) {}

    /** Whose two-step sign-in {@code mfaToken} continues, while it is live; nothing is spent. */
    public Optional<PendingChallenge> challengeOf(String mfaToken) {
        return signIn.challenge(mfaToken).map(c -> new PendingChallenge(c.tenant(), c.userId()));
    }

    /**
     * Completes a two-step sign-in with a second factor the caller verified for
     * {@link #challengeOf}'s user (issue 15: a passkey); throttled as codes are.
     */
    public SignIn.Outcome secondFactorProved(String mfaToken, String method, HttpServletRequest request) {
        Throttle.Permit permit = throttle.enter(secondFactorAttempt(mfaToken, request));
        SignIn.Outcome outcome = permit.during(() -> signIn.secondFactorProved(mfaToken, method, origin(request)));
        if (outcome instanceof SignIn.Signed) {
            permit.succeeded();
        }
        return outcome;
    }

    /** The second step of a two-step sign-in: a TOTP, e-mailed or recovery code. */
    public SignIn.Outcome secondFactor(String mfaToken, String code, HttpServletRequest request) {
        Throttle.Permit permit = throttle.enter(secondFactorAttempt(mfaToken, request));
        SignIn.Outcome outcome = permit.during(() -> signIn.secondFactor(mfaToken, code, origin(request)));
        if (outcome instanceof SignIn.Signed) {
            permit.succeeded();
        }
        return outcome;
    }

    /** The second factor's rate limits: the address always, the account and tenant of a live challenge. */
    private Throttle.Attempt secondFactorAttempt(String mfaToken, HttpServletRequest request) {
        var challenge = signIn.challenge(mfaToken);
        return new Throttle.Attempt(Throttle.Door.SECOND_FACTOR, Origin.of(request).ip(),
                challenge.<Throttle.Tenant>map(c -> new Throttle.Tenant.Id(c.tenant())).orElse(null),
                challenge.map(c -> c.userId().toString()).orElse(null), Origin.of(request).userAgent());
    }

    /** Mails a one-time code for a pending two-step sign-in, when the tenant allows e-mailed codes. */
    public void emailCode(String mfaToken, HttpServletRequest request) {
        // Every code sent is a mail: it counts like a wrong code and is never given back.
        throttle.enter(secondFactorAttempt(mfaToken, request));
        switch (signIn.sendEmailCode(mfaToken, origin(request))) {
            case SENT -> { }
            case NOT_ALLOWED -> throw ApiException.badRequest("mfaToken",
                    "e-mailed codes are not available for this account (mfaPolicy.methods or no e-mail address)");
            case REFUSED -> throw refused();
        }
    }

    /**
     * A contractor's account that has ended (issue 13): 403, said only to whoever proved the
     * password, with the time and whom to ask.
     */
    public static ApiException expired(SignIn.Expired expired) {
        return new ApiException(HttpStatus.FORBIDDEN, "Account expired", "this account expired at "
                + expired.expiredAt() + "; ask an administrator of the tenant to extend it", List.of());
    }

    /** The title of {@link #suspended}, by which the console knows the refusal. */
    public static final String SUSPENDED = "Organisation suspended";

    /**
     * A sign-in to a suspended tenant (issue 16): 403 saying so, because the people of a suspended
     * organisation need to know why and whom to ask; the slug of a tenant is no secret (it is in
     * its sign-in links and issuer).
     */
    public static ApiException suspended() {
        return new ApiException(HttpStatus.FORBIDDEN, SUSPENDED, "This organisation is suspended; contact your"
                + " platform operator (the provider of this service) to have it reactivated", List.of());
    }

    /** The one answer to every failed sign-in: unknown user, wrong secret and locked account alike. */
    public static ApiException refused() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "Sign-in failed", "the tenant, username or password is not right",
                List.of());
    }

    /**
     * Ends the caller's session; an operator's, with the impersonations they opened (each
     * recorded in its tenant's trail): none outlives the operator's own sign-out.
     */
    @Transactional
    public void signOut(Caller caller, HttpServletRequest request) {
        UUID session = caller.requireSession("sign out");
        // A session opened in another organisation from the person's home session (issue 16): the
        // person signs out, so the home session ends too, and with it every session opened from it.
        sessions.endHomeOf(caller.tenant(), session, clock.instant(), "LOGOUT");
        sessions.end(caller.tenant(), session, clock.instant(), "LOGOUT");
        if (caller.isPlatformOperator()) {
            sessions.endImpersonationsBy(caller.tenant(), caller.userId(), session, clock.instant(),
                    "OPERATOR_SIGNED_OUT");
        }
        audit.record(caller.tenant(), "LOGOUT", actor(caller), new AuditLog.Target("session",
                session.toString(), caller.username()), Origin.of(request).ip(), Origin.of(request).userAgent(),
                Map.of());
    }

    /**
     * Changes the caller's own password, which clears a pending CHANGE_PASSWORD and ends their
     * other sessions (docs/api.md).
     *
     * @throws ApiException 400 naming {@code currentPassword} or {@code newPassword}
     */
    public void changePassword(Caller caller, String currentPassword, String newPassword, HttpServletRequest request) {
        caller.refuseIfImpersonated("change the user's password");
        caller.requireSession("change the password");
        // The current password is proved like any sign-in: a wrong one counts toward the lockout,
        // in a transaction of its own so that the refusal below does not roll the count back.
        if (!signIn.proveCurrentPassword(caller, currentPassword, origin(request))) {
            throw ApiException.badRequest("currentPassword", "is not your current password");
        }
        transaction.executeWithoutResult(status -> change(caller, currentPassword, newPassword, request));
    }

    private void change(Caller caller, String currentPassword, String newPassword, HttpServletRequest request) {
        Accounts.Account account = accounts.byId(caller.tenant(), caller.userId())
                .orElseThrow(() -> ApiException.notFound("user"));
        passwordPolicy.requireFor("newPassword", newPassword, caller.tenant(), caller.userId());
        if (newPassword.equals(currentPassword)) {
            throw ApiException.badRequest("newPassword", "must differ from the current password");
        }
        List<String> remaining = new ArrayList<>(account.requiredActions());
        remaining.remove("CHANGE_PASSWORD");
        String hash = passwords.hash(newPassword);
        accounts.changePassword(caller.tenant(), caller.userId(), hash, remaining);
        passwordPolicy.recordChange(caller.tenant(), caller.userId(), hash, clock.instant());
        // docs/api.md: other sessions of the user end.
        sessions.endAll(caller.tenant(), caller.userId(), caller.sessionId(), clock.instant(), "PASSWORD_CHANGED");
        audit.record(caller.tenant(), "PASSWORD_CHANGED", actor(caller),
                new AuditLog.Target("user", caller.userId().toString(), caller.username()), Origin.of(request).ip(),
                Origin.of(request).userAgent(), Map.of("by", "self"));
    }

    static Origin origin(HttpServletRequest request) {
        return Origin.of(request);
    }

    private AuditLog.Actor actor(Caller caller) {
        return actors.actor(caller);
    }
}
