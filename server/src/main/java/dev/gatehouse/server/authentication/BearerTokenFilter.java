package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code Authorization: Bearer <token>} into the request's {@link Caller}. A token that is
 * unknown, ended, expired, idle too long, or whose user is no longer active authenticates nobody
 * (401); a live token used from outside the networks its tenant and roles allow is refused (403).
 */
class BearerTokenFilter extends OncePerRequestFilter {

    /** last_seen_at is written at most this often per session; idle limits are in minutes. */
    private static final Duration TOUCH_INTERVAL = Duration.ofSeconds(30);

    private final Sessions sessions;
    private final SessionCache cache;
    private final NetworkRules networks;
    private final Clock clock;

    BearerTokenFilter(Sessions sessions, SessionCache cache, NetworkRules networks, Clock clock) {
        this.sessions = sessions;
        this.cache = cache;
        this.networks = networks;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7).strip();
            Instant now = clock.instant();
            byte[] hash = token.isEmpty() ? null : Tokens.hash(token);
            Optional<Sessions.Live> live = hash == null ? Optional.empty() : cache.find(hash, now, sessions);
            if (live.isPresent() && isUsable(live.get(), now)) {
                Sessions.Live session = live.get();
                if (!networks.allowsRequest(session, request)) {
                    refuse(response, request);
                    return;
                }
                if (Duration.between(session.lastSeenAt(), now).compareTo(TOUCH_INTERVAL) > 0) {
                    sessions.touch(session.tenant(), session.id(), now);
                    cache.touched(hash, session, now);
                }
                Caller caller = new Caller(session.tenant(), session.tenantSlug(), session.userId(), session.username(),
                        session.id(), session.requiredActions());
                SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller));
            }
        }
        chain.doFilter(request, response);
    }

    /** seed 000 "IP rules": a clear 403 rather than the 401 of a dead token, since the token is fine. */
    private static void refuse(HttpServletResponse response, HttpServletRequest request) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/problem+json");
        response.getWriter().write("""
                {"type":"https://gatehouse.dev/problems/ip-not-allowed","title":"Network not allowed",\
                "status":403,"detail":"your tenant does not allow requests from this address (ipAllowlist)",\
                "instance":"%s"}""".formatted(request.getRequestURI().replace("\\", "\\\\").replace("\"", "\\\"")));
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

    /** An authenticated caller; the API has no further authorities: the engine decides. */
    static final class CallerAuthentication extends AbstractAuthenticationToken {
        private final Caller caller;

        CallerAuthentication(Caller caller) {
            super(List.of());
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Caller getPrincipal() {
            return caller;
        }
    }
}
