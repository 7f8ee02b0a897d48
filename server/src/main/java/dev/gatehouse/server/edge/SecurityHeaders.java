package dev.gatehouse.server.edge;

import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every response outside the console carries a content security policy that lets the body load
 * nothing and be framed nowhere, and {@code nosniff}, so a JSON or text answer can never be run
 * as a page — errors included, since the filter also runs on the error dispatch. Set before
 * anything else runs; the console's filter chain sets its own, stricter-for-pages policy on its
 * paths, and swagger-ui (our API's browsable description) gets one that lets its own scripts and
 * the inline styles it renders work, and nothing else.
 */
class SecurityHeaders extends OncePerRequestFilter {

    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    static final String SWAGGER_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; object-src 'none'";

    /** The plain error page of a console path (no script, no style, no form, no frame). */
    static final String ERROR_PAGE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'none'";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        write(response, original instanceof String uri ? uri : request.getRequestURI());
        chain.doFilter(request, response);
    }

    @Override
    protected boolean shouldNotFilterErrorDispatch() {
        return false;
    }

    static void writeForErrorPage(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", ERROR_PAGE_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
    }

    /** The headers for a response to {@code path}; none on the console's paths, whose chain sets them. */
    static void write(HttpServletResponse response, String path) {
        if (ErrorBodies.isConsole(path)) {
            return;
        }
        boolean swagger = path.startsWith("/swagger-ui/") || path.equals("/swagger-ui.html");
        response.setHeader("Content-Security-Policy", swagger ? SWAGGER_POLICY : API_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
    }
}
