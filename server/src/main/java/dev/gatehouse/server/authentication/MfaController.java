package dev.gatehouse.server.authentication;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in user's own second factor (seed 000 "2FA", ASVS 6.3 and 6.5): enrolling a TOTP
 * authenticator, confirming it (which hands out the recovery codes, once), removing it after
 * re-authenticating, and re-authentication itself.
 */
@RestController
class MfaController {

    private static final String ISSUER = "Gatehouse";

    record Enrolment(String secret, String otpauthUri, String qrCode) {}

    record Confirmation(@NotBlank @Size(max = 16) String code) {}

    record RecoveryCodesView(List<String> recoveryCodes) {}

    record Status(boolean totp, int recoveryCodesLeft, List<String> methods, String required) {}

    record Proof(@Nullable @Size(max = 1024) String password, @Nullable @Size(max = 64) String code) {}

    private final Accounts accounts;
    private final SecondFactors factors;
    private final SignIn signIn;
    private final Reauthentication reauthentication;
    private final Sessions sessions;
    private final AuditLog audit;
    private final Clock clock;

    MfaController(Accounts accounts, SecondFactors factors, SignIn signIn, Reauthentication reauthentication,
            Sessions sessions, AuditLog audit, Clock clock) {
        this.accounts = accounts;
        this.factors = factors;
        this.signIn = signIn;
        this.reauthentication = reauthentication;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
    }

    @GetMapping("/api/v1/me/mfa")
    Status status(@AuthenticationPrincipal Caller caller) {
        Accounts.Account account = account(caller);
        SignInSettings settings = SignInSettings.parse(account.settingsJson());
        return new Status(factors.hasConfirmed(caller.tenant(), caller.userId()),
                factors.recoveryCodesLeft(caller.tenant(), caller.userId()), settings.mfaMethods(),
                settings.mfaRequired());
    }

    /**
     * Starts enrolling an authenticator. The secret is shown here only: it is never returned again
     * (docs/security.md). A confirmed authenticator must be removed first, which needs re-authentication.
     */
    @PostMapping("/api/v1/me/mfa/totp")
    @Transactional
    Enrolment enrol(@AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        if (factors.hasConfirmed(caller.tenant(), caller.userId())) {
            throw ApiException.conflict("an authenticator is already set up; remove it first (DELETE /api/v1/me/mfa)");
        }
        byte[] secret = Totp.newSecret();
        factors.enrol(caller.tenant(), caller.userId(), secret);
        audit.record(caller.tenant(), "MFA_ENROLMENT_STARTED", actor(caller), target(caller), request.getRemoteAddr(),
                request.getHeader("User-Agent"), Map.of("method", "TOTP"));
        String encoded = Totp.base32(secret);
        String issuer = ISSUER + " (" + caller.tenantSlug() + ")";
        String uri = "otpauth://totp/" + encode(issuer) + ":" + encode(caller.username()) + "?secret=" + encoded
                + "&issuer=" + encode(issuer) + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
        return new Enrolment(encoded, uri, QrCodes.pngDataUri(uri));
    }

    /** Proves the app has the secret; answers the ten recovery codes, shown this once. */
    @PostMapping("/api/v1/me/mfa/totp/confirm")
    @Transactional
    RecoveryCodesView confirm(@AuthenticationPrincipal Caller caller, @Valid @RequestBody Confirmation confirmation,
            HttpServletRequest request) {
        SecondFactors.Authenticator authenticator = factors.authenticator(caller.tenant(), caller.userId())
                .filter(a -> !a.confirmed())
                .orElseThrow(() -> ApiException.conflict("no enrolment is pending; start one with POST /api/v1/me/mfa/totp"));
        Instant now = clock.instant();
        OptionalLong step = Totp.verify(authenticator.secret(), confirmation.code().strip(), now, Long.MIN_VALUE);
        if (step.isEmpty()) {
            throw ApiException.badRequest("code", "is not the current code of the authenticator");
        }
        factors.confirm(caller.tenant(), caller.userId(), step.getAsLong(), now);
        List<String> codes = RecoveryCodes.generate();
        factors.replaceRecoveryCodes(caller.tenant(), caller.userId(), codes.stream().map(RecoveryCodes::hash).toList());
        Accounts.Account account = account(caller);
        if (account.requiredActions().contains("CONFIGURE_MFA")) {
            List<String> remaining = new ArrayList<>(account.requiredActions());
            remaining.remove("CONFIGURE_MFA");
            accounts.setRequiredActions(caller.tenant(), caller.userId(), remaining);
            sessions.forgetUser(caller.tenant(), caller.userId());
        }
        audit.record(caller.tenant(), "MFA_ENABLED", actor(caller), target(caller), request.getRemoteAddr(),
                request.getHeader("User-Agent"), Map.of("method", "TOTP"));
        return new RecoveryCodesView(codes);
    }

    /** Removes the caller's second factor; needs a recent re-authentication. */
    @DeleteMapping("/api/v1/me/mfa")
    @Transactional
    ResponseEntity<Void> remove(@AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        reauthentication.require(caller);
        if (!factors.removeAll(caller.tenant(), caller.userId())) {
            throw ApiException.notFound("second factor");
        }
        Accounts.Account account = account(caller);
        SignInSettings settings = SignInSettings.parse(account.settingsJson());
        boolean required = settings.mfaRequiredFor(accounts.currentRoles(caller.tenant(), caller.userId()));
        if (required && !(settings.emailCodes() && account.email() != null)
                && !account.requiredActions().contains("CONFIGURE_MFA")) {
            List<String> actions = new ArrayList<>(account.requiredActions());
            actions.add("CONFIGURE_MFA");
            accounts.setRequiredActions(caller.tenant(), caller.userId(), actions);
            sessions.forgetUser(caller.tenant(), caller.userId());
        }
        audit.record(caller.tenant(), "MFA_DISABLED", actor(caller), target(caller), request.getRemoteAddr(),
                request.getHeader("User-Agent"), Map.of("by", "self"));
        return ResponseEntity.noContent().build();
    }

    /** Proves a factor again (password, or a TOTP or recovery code) for the sensitive operations that ask. */
    @PostMapping("/api/v1/me/reauthenticate")
    ResponseEntity<Void> reauthenticate(@AuthenticationPrincipal Caller caller, @Valid @RequestBody Proof proof,
            HttpServletRequest request) {
        boolean password = proof.password() != null && !proof.password().isEmpty();
        boolean code = proof.code() != null && !proof.code().isBlank();
        if (password == code) {
            throw ApiException.badRequest(password ? "code" : "password", "give either password or code");
        }
        if (!signIn.reauthenticate(caller, password ? proof.password() : null, code ? proof.code() : null,
                new SignIn.Origin(request.getRemoteAddr(), request.getHeader("User-Agent")))) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Re-authentication failed",
                    "the password or code is not right, or the account is locked", List.of());
        }
        return ResponseEntity.noContent().build();
    }

    private Accounts.Account account(Caller caller) {
        return accounts.byId(caller.tenant(), caller.userId()).orElseThrow(() -> ApiException.notFound("user"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private AuditLog.Actor actor(Caller caller) {
        return new AuditLog.Actor(caller.userId(), caller.username(),
                accounts.currentRoles(caller.tenant(), caller.userId()));
    }

    private static AuditLog.Target target(Caller caller) {
        return new AuditLog.Target("user", caller.userId().toString(), caller.username());
    }
}
