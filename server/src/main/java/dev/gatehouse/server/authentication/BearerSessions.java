package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A request's {@code Authorization: Bearer <token>} turned into its live session and caller: the one
 * implementation behind both the security chain's {@link BearerTokenFilter} and the endpoints answered
 * ahead of that chain ({@link ChainShortcut}), so that the two cannot drift apart. A token that is
 * unknown, ended, expired, idle too long, or whose user is no longer active names no session.
 */
@Component
class BearerSessions {

    /** last_seen_at is written at most this often per session; idle limits are in minutes. */
    private static final Duration TOUCH_INTERVAL = Duration.ofSeconds(30);

    /** A usable session that a request presented, with its token's hash (the session cache's key). */
    record Presented(byte[] tokenHash, Sessions.Live session) {}

    private final Sessions sessions;
    private final SessionCache cache;
    private final NetworkRules networks;
    private final Clock clock;

    BearerSessions(Sessions sessions, SessionCache cache, NetworkRules networks, Clock clock) {
        this.sessions = sessions;
        this.cache = cache;
        this.networks = networks;
        this.clock = clock;
    }

    /** The usable session of the request's bearer token; ends a session found idle too long. */
    Optional<Presented> usable(HttpServletRequest request, Instant now) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).strip();
        if (token.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = Tokens.hash(token);
        return cache.find(hash, now, sessions).filter(live -> isUsable(live, now)).map(live -> new Presented(hash, live));
    }

    /** The caller of a session let in (its network allowed); records the session's use when due. */
    Caller admit(Presented presented, Instant now) {
        Sessions.Live session = presented.session();
        if (Duration.between(session.lastSeenAt(), now).compareTo(TOUCH_INTERVAL) > 0) {
            sessions.touch(session.tenant(), session.id(), now);
            cache.touched(presented.tokenHash(), session, now);
        }
        return new Caller(session.tenant(), session.tenantSlug(), session.userId(), session.username(), session.id(),
                session.requiredActions());
    }

    private boolean isUsable(Sessions.Live session, Instant now) {
        // A cached session may have expired since it was read.
        if (!session.userStatus().equals("ACTIVE") || !now.isBefore(session.expiresAt())) {
            return false;
        }
        if (session.lastSeenAt().plus(session.idle()).isBefore(now)) {
            sessions.end(session.tenant(), session.id(), now, "IDLE_TIMEOUT");
            return false;
        }
        return true;
    }
}
