package dev.gatehouse.server.edge;

import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The metrics token is a secret, so guessing it is throttled like a password (docs/security.md,
 * "Observability without leaks"): every scrape spends a token of its address's bucket
 * ({@link Throttle.Door#METRICS}) before the token is compared, and a scrape presenting the right
 * one gives it back, so only failures weigh. A spent address is answered {@code 429} with
 * {@code Retry-After} — the right token too, until the window refills, as at sign-in.
 */
final class FailedScrapes extends OncePerRequestFilter {

    private final Throttle throttle;
    private final Predicate<HttpServletRequest> presentsTheToken;

    FailedScrapes(Throttle throttle, Predicate<HttpServletRequest> presentsTheToken) {
        this.throttle = throttle;
        this.presentsTheToken = presentsTheToken;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Origin origin = Origin.of(request);
        Throttle.Permit permit;
        try {
            permit = throttle.enter(new Throttle.Attempt(Throttle.Door.METRICS, origin.ip(), null, null,
                    origin.userAgent()));
        } catch (TooManyRequests refused) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
            response.setContentType(ErrorBodies.PROBLEM_JSON);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(ErrorBodies.problem(429, refused.title(), refused.getMessage(),
                    request.getRequestURI()));
            return;
        }
        if (presentsTheToken.test(request)) {
            permit.succeeded();
        }
        chain.doFilter(request, response);
    }
}
