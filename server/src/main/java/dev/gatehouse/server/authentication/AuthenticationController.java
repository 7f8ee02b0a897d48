package dev.gatehouse.server.authentication;

import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Usernames;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Sign-in, sign-out, and the signed-in user's own account (docs/api.md, "Authentication"). */
@RestController
class AuthenticationController {

    record Login(@NotBlank @Size(max = 64) String tenant, @NotBlank @Size(max = 320) String username,
            @NotBlank @Size(max = 1024) String password) {}

    record Token(String token, Instant expiresAt, String userId, List<String> requiredActions) {}

    record PasswordChange(@NotBlank @Size(max = 1024) String currentPassword, @NotBlank @Size(max = 1024) String newPassword) {}

    private final Accounts accounts;
    private final Sessions sessions;
    private final Passwords passwords;
    private final AuditLog audit;
    private final Access access;
    private final Clock clock;
    private final PasswordPolicy passwordPolicy;

    AuthenticationController(Accounts accounts, Sessions sessions, Passwords passwords, AuditLog audit, Access access,
            Clock clock, PasswordPolicy passwordPolicy) {
        this.passwordPolicy = passwordPolicy;
        this.accounts = accounts;
        this.sessions = sessions;
        this.passwords = passwords;
        this.audit = audit;
        this.access = access;
        this.clock = clock;
    }

    @PostMapping("/api/v1/auth/login")
    @Transactional
    public Token login(@Valid @RequestBody Login login, HttpServletRequest request) {
        Optional<Accounts.Account> found = accounts.forSignIn(login.tenant().strip().toLowerCase(java.util.Locale.ROOT),
                Usernames.normalize(login.username()));
        Instant now = clock.instant();
        // Unknown user, wrong password and an account that may not sign in answer alike, in about the same time.
        boolean verified = found.isPresent()
                ? passwords.matches(login.password(), found.get().passwordHash())
                : passwords.matchesNothing(login.password());
        if (!verified || !found.get().status().equals("ACTIVE")
                || found.get().lockedUntil().map(until -> until.toInstant().isAfter(now)).orElse(false)) {
            found.ifPresent(account -> audit.record(account.tenant(), "LOGIN_FAILED",
                    new AuditLog.Actor(account.id(), account.username(), List.of()),
                    new AuditLog.Target("user", account.id().toString(), account.username()),
                    request.getRemoteAddr(), request.getHeader("User-Agent"), Map.of()));
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Sign-in failed",
                    "the tenant, username or password is not right", List.of());
        }
        Accounts.Account account = found.get();
        String token = Tokens.newToken();
        Instant expiresAt = now.plus(account.sessionMaxHours(), ChronoUnit.HOURS);
        sessions.create(account.tenant(), account.id(), Tokens.hash(token), now, expiresAt, request.getRemoteAddr(),
                request.getHeader("User-Agent"));
        audit.record(account.tenant(), "LOGIN_SUCCEEDED", new AuditLog.Actor(account.id(), account.username(), List.of()),
                new AuditLog.Target("user", account.id().toString(), account.username()), request.getRemoteAddr(),
                request.getHeader("User-Agent"), Map.of());
        return new Token(token, expiresAt, account.id().toString(),
                passwordPolicy.requiredActionsAtSignIn(account.tenant(), account.id(), account.requiredActions(), now));
    }

    @PostMapping("/api/v1/auth/logout")
    @Transactional
    public ResponseEntity<Void> logout(@AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        sessions.end(caller.tenant(), caller.sessionId(), clock.instant(), "LOGOUT");
        audit.record(caller.tenant(), "LOGOUT", actor(caller), new AuditLog.Target("session",
                caller.sessionId().toString(), null), request.getRemoteAddr(), request.getHeader("User-Agent"), Map.of());
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
    @Transactional
    public ResponseEntity<Void> changePassword(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody PasswordChange change, HttpServletRequest request) {
        Accounts.Account account = accounts.byId(caller.tenant(), caller.userId())
                .orElseThrow(() -> ApiException.notFound("user"));
        if (!passwords.matches(change.currentPassword(), account.passwordHash())) {
            throw ApiException.badRequest("currentPassword", "is not your current password");
        }
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
        return ResponseEntity.noContent().build();
    }

    private static AuditLog.Actor actor(Caller caller) {
        return new AuditLog.Actor(caller.userId(), caller.username(), List.of());
    }
}
