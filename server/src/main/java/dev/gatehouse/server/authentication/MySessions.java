package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The signed-in user's own sessions (seed 000, "multi-device awareness"; ASVS 7.4.5), for the API
 * and the console alike: which devices are signed in, and ending one of them or all but this one.
 */
@Service
public class MySessions {

    /**
     * One live session as its user sees it; {@code current} is the one asking; {@code impersonatedBy}
     * names the platform operator when the session is their impersonation of the user; {@code clients}
     * the applications signed in to through it (OpenID Connect).
     */
    public record SessionView(String id, @Nullable String userAgent, @Nullable String ip, Instant createdAt,
            Instant lastSeenAt, Instant expiresAt, boolean current, @Nullable Impersonator impersonatedBy,
            List<String> clients, DeviceView device) {}

    /**
     * The device a session was opened on (issue 15): {@code id} of the known device (null for a
     * session older than device awareness, or a device forgotten), its label, whether it is the
     * device this request's session was opened on, and when the user first and last signed in on it.
     */
    public record DeviceView(@Nullable String id, String label, boolean thisDevice, @Nullable Instant firstSeenAt,
            @Nullable Instant lastSeenAt) {}

    private final Sessions sessions;
    private final AuditLog audit;
    private final Clock clock;
    private final Reauthentication reauthentication;
    private final Actors actors;

    MySessions(Sessions sessions, AuditLog audit, Clock clock, Reauthentication reauthentication, Actors actors) {
        this.actors = actors;
        this.sessions = sessions;
        this.audit = audit;
        this.clock = clock;
        this.reauthentication = reauthentication;
    }

    /** Live sessions only (not ended, expired or idle too long), most recently used first. */
    @Transactional(readOnly = true)
    public Page<SessionView> list(Caller caller, int page, int size) {
        Instant now = clock.instant();
        SessionRules rules = sessions.rulesFor(caller.tenant(), caller.userId(), now);
        byte[] thisDevice = caller.sessionId() == null ? null : sessions.deviceOf(caller.tenant(), caller.sessionId());
        List<SessionView> items = sessions.listLive(caller.tenant(), caller.userId(), rules.idle(), now, page, size)
                .stream()
                .map(s -> new SessionView(s.id().toString(), s.userAgent(), s.ip(), s.createdAt(), s.lastSeenAt(),
                        s.expiresAt(), s.id().equals(caller.sessionId()), s.impersonatedBy(), s.clients(),
                        new DeviceView(s.device().id() == null ? null : s.device().id().toString(), s.device().label(),
                                thisDevice != null && s.device().hash() != null
                                        && java.security.MessageDigest.isEqual(thisDevice, s.device().hash()),
                                s.device().firstSeenAt(), s.device().lastSeenAt())))
                .toList();
        return new Page<>(items, page, size, sessions.countLive(caller.tenant(), caller.userId(), rules.idle(), now));
    }

    /**
     * Ends one of the caller's sessions (this one included: then it is a sign-out); another user's is
     * 404. Ending another one needs a recent re-authentication (ASVS 7.5.2).
     */
    @Transactional
    public void end(Caller caller, UUID id, Origin origin) {
        if (!id.equals(caller.sessionId())) {
            reauthentication.require(caller);
        }
        Instant now = clock.instant();
        SessionRules rules = sessions.rulesFor(caller.tenant(), caller.userId(), now);
        if (!sessions.isLiveOf(caller.tenant(), caller.userId(), id, rules.idle(), now)) {
            throw ApiException.notFound("session " + id);
        }
        sessions.end(caller.tenant(), id, now, "REVOKED_BY_USER");
        audit.record(caller.tenant(), "SESSION_REVOKED", actor(caller),
                new AuditLog.Target("session", id.toString(), caller.username()), origin.ip(),
                origin.userAgent(), Map.of("by", "self", "current", id.equals(caller.sessionId())));
    }

    /** Ends every session of the caller but the one making this request ("sign out everywhere else"). */
    @Transactional
    public int endOthers(Caller caller, Origin origin) {
        reauthentication.require(caller); // ASVS 7.5.2
        int ended = sessions.endAll(caller.tenant(), caller.userId(), caller.sessionId(), clock.instant(),
                "REVOKED_BY_USER");
        audit.record(caller.tenant(), "SESSION_REVOKED", actor(caller),
                new AuditLog.Target("user", caller.userId().toString(), caller.username()), origin.ip(),
                origin.userAgent(), Map.of("by", "self", "scope", "others", "sessionsEnded", ended));
        return ended;
    }

    private AuditLog.Actor actor(Caller caller) {
        return actors.actor(caller);
    }
}
