package dev.gatehouse.server.oidc;

import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.shared.Unavailability;
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
 * account, {@code client:<clientId>}) and per tenant, and, as for sign-in, only failures weigh
 * ({@link Throttle#enterWeighingFailures}): a limit this node sees far from empty is passed without
 * a database round trip and spent only when the answer is an error, so an application refreshing
 * all day touches no bucket, while a script guessing a secret spends one token per wrong guess and
 * is refused with 429 and {@code Retry-After}. The limits are the tenant's settings, read from this
 * node's cache (issue 17: the token endpoint read them on every request).
 */
final class ClientThrottle extends OncePerRequestFilter {

    private static final Pattern SECRET_ENDPOINTS = Pattern.compile("/oauth2/[^/]+/(token|introspect|revoke)");

    private final Throttle throttle;
    private final TenantSettingsStore settings;

    ClientThrottle(Throttle throttle, TenantSettingsStore settings) {
        this.throttle = throttle;
        this.settings = settings;
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
        Throttle.Attempt attempt = new Throttle.Attempt(Throttle.Door.SIGN_IN, origin.ip(),
                new Throttle.Tenant.Id(issuer.get().tenant()), client == null ? null : "client:" + client,
                origin.userAgent());
        Throttle.Permit permit;
        try {
            permit = settings.readCached(() -> throttle.enterWeighingFailures(attempt));
        } catch (TooManyRequests refused) {
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"https://gatehouse.dev/problems/429\",\"title\":\"Too many"
                    + " requests\",\"status\":429,\"detail\":\"too many failed client authentications; try again"
                    + " later\"}");
            return;
        }
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (Unavailability.answer(e) != null) {
                permit.succeeded();
            } else {
                permit.failed();
            }
            throw e;
        }
        int status = response.getStatus();
        if (status < 400 || status == 503) {
            // Success, or overload (the database busy or restarting): the client's secret was never weighed.
            permit.succeeded();
        } else {
            permit.failed();
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
