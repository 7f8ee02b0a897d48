package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.BearerCredentials;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Session tokens from sign-in as a kind of bearer credential: the last kind asked, which claims
 * every token no other kind claims, so an unknown token is a dead session.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class SessionBearer implements BearerCredentials {

    private final SessionResolver sessions;

    SessionBearer(SessionResolver sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean claims(String token) {
        return true;
    }

    @Override
    public Resolution resolve(String token, HttpServletRequest request) {
        return switch (sessions.resolve(token, request)) {
            case SessionResolver.Live live -> new Live(live.caller());
            case SessionResolver.NetworkRefused refused -> new Refused(403, "ip-not-allowed", "Network not allowed",
                    "your tenant does not allow requests from this address (ipAllowlist)", null);
            case SessionResolver.Dead dead -> new Dead();
        };
    }

    @Override
    public Optional<Caller> resolveQuietly(String token, HttpServletRequest request) {
        return sessions.resolveQuietly(token, request);
    }

    @Override
    public Optional<Caller> stillLive(String token, HttpServletRequest request) {
        return sessions.stillLive(token, request);
    }
}
