package dev.gatehouse.server.authentication;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code Authorization: Bearer <token>} into the request's caller through the
 * {@link SessionResolver}. A token that is unknown, ended, expired, idle too long, or whose user is
 * no longer active authenticates nobody (401); a live token used from outside the networks its
 * tenant and roles allow is refused (403).
 */
class BearerTokenFilter extends OncePerRequestFilter {

    private final SessionResolver resolver;

    BearerTokenFilter(SessionResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            switch (resolver.resolve(header.substring(7).strip(), request)) {
                case SessionResolver.Live live ->
                        SecurityContextHolder.getContext().setAuthentication(new CallerAuthentication(live.caller()));
                case SessionResolver.NetworkRefused refused -> {
                    refuse(response, request);
                    return;
                }
                case SessionResolver.Dead dead -> { }
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
}
