package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Turns a session token into the request's {@link Caller}, for the API's bearer header and the
 * console's cookie alike, so that lock, disable, idle and absolute expiry, ended sessions and IP
 * allowlists apply to both the same way, on every node.
 */
@Component
public class SessionResolver {

    /** last_seen_at is written at most this often per session; idle limits are in minutes. */
    static final Duration TOUCH_INTERVAL = Duration.ofSeconds(30);

    /** What a token amounts to for one request. */
    public sealed interface Resolution {}

    /** A live session of an active user, from an allowed network. */
    public record Live(Caller caller) implements Resolution {}

    /** Unknown, ended, expired, idle too long, or its user is no longer active: nobody. */
    public record Dead() implements Resolution {}

    /** A live session used from outside the networks its tenant and roles allow (recorded on the trail). */
    public record NetworkRefused() implements Resolution {}

    private final Sessions sessions;
    private final SessionCache cache;
    private final NetworkRules networks;
    private final Clock clock;
    private final DeviceBinding binding;

    SessionResolver(Sessions sessions, SessionCache cache, NetworkRules networks, Clock clock, DeviceBinding binding) {
        this.binding = binding;
        this.sessions = sessions;
        this.cache = cache;
        this.networks = networks;
        this.clock = clock;
    }

    public Resolution resolve(String token, HttpServletRequest request) {
        Instant now = clock.instant();
        byte[] hash = Tokens.hash(token);
        Optional<Sessions.Live> live = usable(token, hash, now);
        if (live.isEmpty()) {
            return new Dead();
        }
        if (!onItsDevice(live.get(), request)) {
            binding.refuse(live.get(), Origin.of(request), now);
            return new Dead();
        }
        if (!networks.allowsRequest(live.get(), request)) {
            return new NetworkRefused();
        }
        return new Live(admit(hash, live.get(), now));
    }

    /**
     * The caller of a live session used from an allowed network, or empty for anything else, recording
     * nothing: for a path answered ahead of the security chain, which hands every other case on to the
     * chain, where {@link #resolve} records a network refusal once.
     */
    Optional<Caller> resolveQuietly(String token, HttpServletRequest request) {
        Instant now = clock.instant();
        byte[] hash = Tokens.hash(token);
        return usable(token, hash, now)
                .filter(session -> onItsDevice(session, request))
                .filter(session -> networks.permits(session, Origin.of(request).ip()))
                .map(session -> admit(hash, session, now));
    }

    /**
     * The caller of a live session used from an allowed network, recording nothing and not counting as
     * use: a long request (the change stream) checking again that its session still works. Holding a
     * stream open is no activity, so the session still ends when idle too long, and the stream with it.
     */
    Optional<Caller> stillLive(String token, HttpServletRequest request) {
        Instant now = clock.instant();
        return usable(token, Tokens.hash(token), now)
                .filter(session -> onItsDevice(session, request))
                .filter(session -> networks.permits(session, Origin.of(request).ip()))
                .map(SessionResolver::callerOf);
    }

    /** Whether a session bound to its device is presented from it ({@link DeviceBinding}). */
    private static boolean onItsDevice(Sessions.Live session, HttpServletRequest request) {
        return DeviceBinding.admits(session, DeviceIds.of(request), Origin.of(request).userAgent());
    }

    /** The token's session when it is live: known, not ended or expired, not idle too long, its user active. */
    private Optional<Sessions.Live> usable(String token, byte[] hash, Instant now) {
        if (token.isEmpty()) {
            return Optional.empty();
        }
        return cache.find(hash).filter(session -> isUsable(session, now));
    }

    /** The session's caller; records the session's use when due. */
    private Caller admit(byte[] hash, Sessions.Live session, Instant now) {
        if (Duration.between(session.lastSeenAt(), now).compareTo(TOUCH_INTERVAL) > 0) {
            sessions.touch(session.tenant(), session.id(), now);
            cache.touched(hash, now);
        }
        return callerOf(session);
    }

    private static Caller callerOf(Sessions.Live session) {
        return new Caller(session.tenant(), session.tenantSlug(), session.userId(), session.username(),
                session.id(), session.requiredActions(), session.impersonatedBy());
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
