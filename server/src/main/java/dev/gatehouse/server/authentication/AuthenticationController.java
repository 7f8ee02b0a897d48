package dev.gatehouse.server.authentication;

import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Usernames;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Sign-in, sign-out, and the signed-in user's own account (docs/api.md, "Authentication"). */
@RestController
class AuthenticationController {

    record Login(@NotBlank @Size(max = 64) String tenant, @NotBlank @Size(max = 320) String username,
            @NotBlank @Size(max = 1024) String password) {}

    record PasswordChange(@NotBlank @Size(max = 1024) String currentPassword, @NotBlank @Size(max = 1024) String newPassword) {}

    private final SignIn signIn;
    private final Accounts accounts;
    private final Sessions sessions;
    private final Passwords passwords;
    private final AuditLog audit;
    private final Access access;
    private final Clock clock;
    private final NetworkRules networks;
    private final PasswordPolicy passwordPolicy;
    private final TransactionTemplate transaction;

    AuthenticationController(SignIn signIn, Accounts accounts, Sessions sessions, Passwords passwords, AuditLog audit,
            Access access, Clock clock, NetworkRules networks, PasswordPolicy passwordPolicy,
            TransactionTemplate transaction) {
        this.transaction = transaction;
        this.signIn = signIn;
        this.networks = networks;
        this.passwordPolicy = passwordPolicy;
        this.accounts = accounts;
        this.sessions = sessions;
        this.passwords = passwords;
        this.audit = audit;
        this.access = access;
        this.clock = clock;
    }

    /** Answers a sign-in: a session, or the second step of a two-step sign-in (docs/api.md). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SignInAnswer(@Nullable String token, @Nullable Instant expiresAt, @Nullable String userId,
            @Nullable List<String> requiredActions, @Nullable Boolean mfaRequired, @Nullable String mfaToken) {}

    record SecondStep(@NotBlank @Size(max = 128) String mfaToken, @NotBlank @Size(max = 64) String code) {}

    record EmailCodeRequest(@NotBlank @Size(max = 128) String mfaToken) {}

    @PostMapping("/api/v1/auth/login")
    public SignInAnswer login(@Valid @RequestBody Login login, HttpServletRequest request) {
        String tenant = login.tenant().strip().toLowerCase(java.util.Locale.ROOT);
        String username = Usernames.normalize(login.username());
        // IP rules (seed 000) apply before the password is even looked at; a refusal is the same 401.
        accounts.forSignIn(tenant, username)
                .ifPresent(account -> networks.requireAllowedNetwork(account, login.password(), request));
        return answer(signIn.password(tenant, username, login.password(), origin(request)));
    }

    @PostMapping("/api/v1/auth/mfa")
    public SignInAnswer secondFactor(@Valid @RequestBody SecondStep step, HttpServletRequest request) {
        return answer(signIn.secondFactor(step.mfaToken(), step.code(), origin(request)));
    }

    /** Mails a one-time code for a pending two-step sign-in, when the tenant allows e-mailed codes. */
    @PostMapping("/api/v1/auth/mfa/email")
    public ResponseEntity<Void> emailCode(@Valid @RequestBody EmailCodeRequest body, HttpServletRequest request) {
        return switch (signIn.sendEmailCode(body.mfaToken(), origin(request))) {
            case SENT -> ResponseEntity.accepted().build();
            case NOT_ALLOWED -> throw ApiException.badRequest("mfaToken",
                    "e-mailed codes are not available for this account (mfaPolicy.methods or no e-mail address)");
            case REFUSED -> throw refused();
        };
    }

    private static SignInAnswer answer(SignIn.Outcome outcome) {
        return switch (outcome) {
            case SignIn.Signed s -> new SignInAnswer(s.token(), s.expiresAt(), s.userId(), s.requiredActions(), null,
                    null);
            case SignIn.SecondStep s -> new SignInAnswer(null, null, null, null, true, s.mfaToken());
            // Unknown user, wrong secret and locked account answer alike (ASVS 6.3.8).
            case SignIn.Refused r -> throw refused();
        };
    }

    private static ApiException refused() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "Sign-in failed", "the tenant, username or password is not right",
                List.of());
    }

    private static SignIn.Origin origin(HttpServletRequest request) {
        return new SignIn.Origin(request.getRemoteAddr(), request.getHeader("User-Agent"));
    }

    @PostMapping("/api/v1/auth/logout")
    @Transactional
    public ResponseEntity<Void> logout(@AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        sessions.end(caller.tenant(), caller.sessionId(), clock.instant(), "LOGOUT");
        audit.record(caller.tenant(), "LOGOUT", actor(caller), new AuditLog.Target("session",
                caller.sessionId().toString(), caller.username()), request.getRemoteAddr(), request.getHeader("User-Agent"), Map.of());
        return ResponseEntity.noContent().build();
    }

    record Me(Map<String, Object> user, Map<String, Object> tenant, List<String> permissions, List<String> requiredActions) {}

    @GetMapping("/api/v1/me")
    public Me me(@AuthenticationPrincipal Caller caller) {
        List<String> permissions = caller.requiredActions().isEmpty()
                ? access.effectivePermissions(caller.tenant(), caller.userId(), null).stream()
                        .map(EffectivePermission::permission).toList()
                : List.of();
        return new Me(Map.of("id", caller.userId().toString(), "username", caller.username()),
                Map.of("id", caller.tenant().toString(), "slug", caller.tenantSlug()), permissions,
                caller.requiredActions());
    }

    @PostMapping("/api/v1/me/password")
    public ResponseEntity<Void> changePassword(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody PasswordChange change, HttpServletRequest request) {
        // The current password is proved like any sign-in: a wrong one counts toward the lockout,
        // in a transaction of its own so that the refusal below does not roll the count back.
        if (!signIn.proveCurrentPassword(caller, change.currentPassword(), origin(request))) {
            throw ApiException.badRequest("currentPassword", "is not your current password");
        }
        transaction.executeWithoutResult(status -> change(caller, change, request));
        return ResponseEntity.noContent().build();
    }

    private void change(Caller caller, PasswordChange change, HttpServletRequest request) {
        Accounts.Account account = accounts.byId(caller.tenant(), caller.userId())
                .orElseThrow(() -> ApiException.notFound("user"));
        passwordPolicy.requireFor("newPassword", change.newPassword(), caller.tenant(), caller.userId());
        if (change.newPassword().equals(change.currentPassword())) {
            throw ApiException.badRequest("newPassword", "must differ from the current password");
        }
        List<String> remaining = new ArrayList<>(account.requiredActions());
        remaining.remove("CHANGE_PASSWORD");
        String hash = passwords.hash(change.newPassword());
        accounts.changePassword(caller.tenant(), caller.userId(), hash, remaining);
        passwordPolicy.recordChange(caller.tenant(), caller.userId(), hash, clock.instant());
        // docs/api.md: other sessions of the user end.
        sessions.endAll(caller.tenant(), caller.userId(), caller.sessionId(), clock.instant(), "PASSWORD_CHANGED");
        audit.record(caller.tenant(), "PASSWORD_CHANGED", actor(caller),
                new AuditLog.Target("user", caller.userId().toString(), caller.username()), request.getRemoteAddr(),
                request.getHeader("User-Agent"), Map.of("by", "self"));
    }

    private AuditLog.Actor actor(Caller caller) {
        return new AuditLog.Actor(caller.userId(), caller.username(),
                accounts.currentRoles(caller.tenant(), caller.userId()));
    }
}
