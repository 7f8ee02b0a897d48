package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code Authorization: Bearer <token>} into the request's {@link Caller} through
 * {@link BearerSessions}. A token that names no usable session authenticates nobody (401); a live
 * token used from outside the networks its tenant and roles allow is refused (403).
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private final BearerSessions bearer;
    private final NetworkRules networks;
    private final Clock clock;

    BearerTokenFilter(BearerSessions bearer, NetworkRules networks, Clock clock) {
        this.bearer = bearer;
        this.networks = networks;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Instant now = clock.instant();
        Optional<BearerSessions.Presented> presented = bearer.usable(request, now);
        if (presented.isPresent()) {
            if (!networks.allowsRequest(presented.get().session(), request)) {
                refuse(response, request);
                return;
            }
            Caller caller = bearer.admit(presented.get(), now);
            SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(caller));
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
