package dev.gatehouse.server.authentication;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Page;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in user's own sessions (seed 000, "multi-device awareness"; ASVS 7.4.5): which devices
 * are signed in, and ending one of them or all but this one.
 */
@RestController
@Validated
class MySessionsController {

    record SessionView(String id, @Nullable String userAgent, @Nullable String ip, Instant createdAt,
            Instant lastSeenAt, Instant expiresAt, boolean current) {}

    private final Sessions sessions;
    private final AuditLog audit;
    private final Clock clock;
    private final Reauthentication reauthentication;
    private final Accounts accounts;

    MySessionsController(Sessions sessions, AuditLog audit, Clock clock, Reauthentication reauthentication,
            Accounts accounts) {
        this.reauthentication = reauthentication;
        this.accounts = accounts;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
    }

    /** Live sessions only (not ended, expired or idle too long), most recently used first. */
    @GetMapping("/api/v1/me/sessions")
    @Transactional(readOnly = true)
    public Page<SessionView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        Instant now = clock.instant();
        SessionRules rules = sessions.rulesFor(caller.tenant(), caller.userId(), now);
        List<SessionView> items = sessions.listLive(caller.tenant(), caller.userId(), rules.idle(), now, page, size)
                .stream()
                .map(s -> new SessionView(s.id().toString(), s.userAgent(), s.ip(), s.createdAt(), s.lastSeenAt(),
                        s.expiresAt(), s.id().equals(caller.sessionId())))
                .toList();
        return new Page<>(items, page, size, sessions.countLive(caller.tenant(), caller.userId(), rules.idle(), now));
    }

    /** Ends one of the caller's sessions (this one included: then it is a sign-out). Another user's is 404. */
    @DeleteMapping("/api/v1/me/sessions/{id}")
    @Transactional
    public ResponseEntity<Void> end(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            HttpServletRequest request) {
        if (!id.equals(caller.sessionId())) {
            reauthentication.require(caller); // ASVS 7.5.2: ending other sessions needs the credentials again
        }
        Instant now = clock.instant();
        SessionRules rules = sessions.rulesFor(caller.tenant(), caller.userId(), now);
        if (!sessions.isLiveOf(caller.tenant(), caller.userId(), id, rules.idle(), now)) {
            throw ApiException.notFound("session " + id);
        }
        sessions.end(caller.tenant(), id, now, "REVOKED_BY_USER");
        audit.record(caller.tenant(), "SESSION_REVOKED", actor(caller),
                new AuditLog.Target("session", id.toString(), caller.username()), request.getRemoteAddr(),
                request.getHeader("User-Agent"), Map.of("by", "self", "current", id.equals(caller.sessionId())));
        return ResponseEntity.noContent().build();
    }

    /** Ends every session of the caller but the one making this request ("sign out everywhere else"). */
    @DeleteMapping("/api/v1/me/sessions")
    @Transactional
    public ResponseEntity<Void> endOthers(@AuthenticationPrincipal Caller caller, HttpServletRequest request) {
        reauthentication.require(caller); // ASVS 7.5.2
        int ended = sessions.endAll(caller.tenant(), caller.userId(), caller.sessionId(), clock.instant(),
                "REVOKED_BY_USER");
        audit.record(caller.tenant(), "SESSION_REVOKED", actor(caller),
                new AuditLog.Target("user", caller.userId().toString(), caller.username()), request.getRemoteAddr(),
                request.getHeader("User-Agent"), Map.of("by", "self", "scope", "others", "sessionsEnded", ended));
        return ResponseEntity.noContent().build();
    }

    private AuditLog.Actor actor(Caller caller) {
        return new AuditLog.Actor(caller.userId(), caller.username(),
                accounts.currentRoles(caller.tenant(), caller.userId()));
    }
}
