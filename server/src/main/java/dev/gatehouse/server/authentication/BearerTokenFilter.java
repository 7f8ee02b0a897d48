package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.BearerCredentials;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns {@code Authorization: Bearer <token>} into the request's caller through the
 * {@link BearerAuthentication one path} every kind of credential takes. A token that is unknown,
 * ended, revoked, expired, or whose user is no longer active authenticates nobody (401); a live
 * one refused for this request is answered here: 403 from outside the networks its tenant and
 * roles allow, 429 with {@code Retry-After} over its rate limit.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final BearerAuthentication bearer;
    private final Throttle throttle;

    BearerTokenFilter(BearerAuthentication bearer, Throttle throttle) {
        this.bearer = bearer;
        this.throttle = throttle;
    }

    /**
     * Unknown tokens are throttled per address ({@link Throttle.Door#BEARER}): each one spends a
     * token after its lookup failed, and an address this node saw spent is refused before any
     * lookup, so a flood of made-up tokens costs the database little. A known one spends nothing.
     */
    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = BearerAuthentication.token(request);
        if (token != null) {
            Origin origin = Origin.of(request);
            Optional<TooManyRequests> spent = throttle.spentHere(Throttle.Door.BEARER, origin.ip());
            if (spent.isPresent()) {
                refuse(response, request, tooMany(spent.get()));
                return;
            }
            switch (bearer.resolve(token, request)) {
                case BearerCredentials.Live live ->
                        SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(live.caller()));
                case BearerCredentials.Refused refused -> {
                    refuse(response, request, refused);
                    return;
                }
                case BearerCredentials.Dead dead -> {
                    try {
                        throttle.enter(new Throttle.Attempt(Throttle.Door.BEARER, origin.ip(), null, null,
                                origin.userAgent()));
                    } catch (TooManyRequests refused) {
                        refuse(response, request, tooMany(refused));
                        return;
                    }
                }
            }
        }
        chain.doFilter(request, response);
    }

    private static BearerCredentials.Refused tooMany(TooManyRequests refused) {
        return new BearerCredentials.Refused(429, "too-many-requests", "Too many requests", refused.getMessage(),
                Duration.ofSeconds(refused.retryAfterSeconds()));
    }

    /** A clear 403 or 429 rather than the 401 of a dead token, since the token itself is fine. */
    private static void refuse(HttpServletResponse response, HttpServletRequest request,
            BearerCredentials.Refused refused) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        response.setStatus(refused.status());
        if (refused.retryAfter() != null) {
            response.setHeader("Retry-After", Long.toString(Math.max(1, refused.retryAfter().toSeconds())));
        }
        if (request.getRequestURI().startsWith("/scim/")) {
            // RFC 7644 §3.12: SCIM clients read errors in the SCIM error schema.
            problem.put("schemas", java.util.List.of("urn:ietf:params:scim:api:messages:2.0:Error"));
            problem.put("status", Integer.toString(refused.status()));
            problem.put("detail", refused.detail());
            response.setContentType("application/scim+json");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(JSON.writeValueAsString(problem));
            return;
        }
        problem.put("type", "https://gatehouse.dev/problems/" + refused.problem());
        problem.put("title", refused.title());
        problem.put("status", refused.status());
        problem.put("detail", refused.detail());
        problem.put("instance", request.getRequestURI());
        response.setContentType("application/problem+json");
        response.getWriter().write(JSON.writeValueAsString(problem));
    }
}
