package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.BearerCredentials;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The one authentication path of {@code Authorization: Bearer}: the token goes to the first kind
 * of credential that claims it (API keys and access tokens by their spelling, session tokens for
 * the rest), for the security chain and the check API's lean path alike.
 */
@Component
class BearerAuthentication {

    private final List<BearerCredentials> kinds;

    /** {@code kinds} in their {@code @Order}; the session kind, which claims everything, is last. */
    BearerAuthentication(List<BearerCredentials> kinds) {
        this.kinds = List.copyOf(kinds);
    }

    /** The token of an {@code Authorization: Bearer} header, or null when the request has none. */
    static @Nullable String token(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }

    BearerCredentials.Resolution resolve(String token, HttpServletRequest request) {
        return kindOf(token).resolve(token, request);
    }

    Optional<Caller> resolveQuietly(String token, HttpServletRequest request) {
        return kindOf(token).resolveQuietly(token, request);
    }

    Optional<Caller> stillLive(String token, HttpServletRequest request) {
        return kindOf(token).stillLive(token, request);
    }

    private BearerCredentials kindOf(String token) {
        for (BearerCredentials kind : kinds) {
            if (kind.claims(token)) {
                return kind;
            }
        }
        throw new IllegalStateException("no kind of bearer credential claims the token; the session kind must be last");
    }
}
