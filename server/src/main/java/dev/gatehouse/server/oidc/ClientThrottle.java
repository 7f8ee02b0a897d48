package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The endpoints that take a client secret ({@code token}, {@code introspect}, {@code revoke}) are
 * throttled like sign-in (docs/security.md, "Throttling"): per address, per client (as the
 * account, {@code client:<clientId>}) and per tenant, and, as for sign-in, a request that succeeds
 * gives its tokens back, so only failures weigh — an application refreshing all day spends
 * nothing, a script guessing a secret is refused with 429 and {@code Retry-After}.
 */
final class ClientThrottle extends OncePerRequestFilter {

    private static final Pattern SECRET_ENDPOINTS = Pattern.compile("/oauth2/[^/]+/(token|introspect|revoke)");

    private final Throttle throttle;

    ClientThrottle(Throttle throttle) {
        this.throttle = throttle;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<TenantIssuer.Issuer> issuer = TenantIssuer.current();
        if (!request.getMethod().equals("POST") || !SECRET_ENDPOINTS.matcher(request.getRequestURI()).matches()
                || issuer.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        Origin origin = Origin.of(request);
        String client = clientId(request);
        Throttle.Permit permit;
        try {
            permit = throttle.enter(new Throttle.Attempt(Throttle.Door.SIGN_IN, origin.ip(),
                    new Throttle.Tenant.Id(issuer.get().tenant()), client == null ? null : "client:" + client,
                    origin.userAgent()));
        } catch (TooManyRequests refused) {
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"https://gatehouse.dev/problems/429\",\"title\":\"Too many"
                    + " requests\",\"status\":429,\"detail\":\"too many failed client authentications; try again"
                    + " later\"}");
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() < 400) {
            permit.succeeded();
        }
    }

    /** The client a request names: HTTP Basic's user, else the {@code client_id} parameter. */
    private static @Nullable String clientId(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(header.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? null : java.net.URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBasic) {
                return null;
            }
        }
        String parameter = request.getParameter("client_id");
        return parameter == null || parameter.length() > 200 ? null : parameter;
    }
}
