package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.CallerAuthentication;
import dev.gatehouse.server.authentication.SessionResolver;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns the console's session cookie into the request's caller through the same
 * {@link SessionResolver} as the API's bearer tokens. A dead session (expired, ended, user locked
 * or disabled) or one used from a network its tenant does not allow authenticates nobody, so the
 * request bounces to sign-in.
 */
final class ConsoleSessionFilter extends OncePerRequestFilter {

    private static final String LIVE_TOKEN = ConsoleSessionFilter.class.getName() + ".liveToken";

    private final SessionResolver resolver;

    ConsoleSessionFilter(SessionResolver resolver) {
        this.resolver = resolver;
    }

    /** The token of the request's live console session, when it has one. */
    static @Nullable String liveToken(HttpServletRequest request) {
        return request.getAttribute(LIVE_TOKEN) instanceof String token ? token : null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> token = SessionCookie.read(request);
        if (token.isPresent() && resolver.resolve(token.get(), request) instanceof SessionResolver.Live live) {
            SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(live.caller()));
            request.setAttribute(LIVE_TOKEN, token.get());
        }
        chain.doFilter(request, response);
    }
}
