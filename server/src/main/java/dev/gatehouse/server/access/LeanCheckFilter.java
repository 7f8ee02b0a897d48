package dev.gatehouse.server.access;

import dev.gatehouse.engine.DecisionView;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.SecurityShortcut;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The single check ({@code POST /api/v1/tenants/{tenant}/check}) answered ahead of the security
 * filter chain and Spring MVC: under load those layers, not the decision, cost most of a check's
 * CPU (docs/benchmarks.md, "HTTP check API").
 *
 * <p>The lean path answers only what it can answer exactly as the full stack would: a JSON body
 * of known length, a caller whom {@link SecurityShortcut} lets through, and a question that
 * {@link CheckController#check} answers with a decision. The caller, the question's parsing and
 * the decision come from the same code the full stack runs, the JSON from the same mapper, and the
 * security headers from the chain's own header writer. Everything else, every refusal and every
 * problem document included, goes on to the full stack with the body as it was sent, so there is
 * one place that writes errors. Lean answers are timed in {@code http.server.requests} like every
 * request, under the controller's path pattern, and counted in {@code gatehouse.check.lean}, which
 * tells how many checks took this path.
 */
class LeanCheckFilter extends OncePerRequestFilter {

    static final String PATTERN = "/api/v1/tenants/{tenant}/check";
    static final String PREFIX = "/api/v1/tenants/";
    static final String SUFFIX = "/check";
    /** Longer bodies are left to the full stack, which streams them. */
    static final int MAX_BODY = 64 * 1024;

    private final CheckController checks;
    private final SecurityShortcut security;
    private final JsonMapper json;
    private final Counter answered;

    LeanCheckFilter(CheckController checks, SecurityShortcut security, JsonMapper json, MeterRegistry meters) {
        this.checks = checks;
        this.security = security;
        this.json = json;
        this.answered = Counter.builder("gatehouse.check.lean")
                .description("Single checks answered ahead of the security filter chain and Spring MVC")
                .register(meters);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || tenantOf(request.getRequestURI()) == null
                || !isJson(request.getContentType()) || !acceptsJson(request.getHeader("Accept"))
                || request.getContentLengthLong() < 0 || request.getContentLengthLong() > MAX_BODY;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Caller caller = security.callerFor(request);
        if (caller == null) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes((int) request.getContentLengthLong());
        DecisionView answer;
        try {
            CheckRequest question = json.readValue(body, CheckRequest.class);
            answer = question == null ? null
                    : checks.answerUnlessRefused(caller, tenantOf(request.getRequestURI()), question, request);
        } catch (RuntimeException e) {
            // Bad input, a refusal or a failure: the full stack answers it with its problem document.
            answer = null;
        }
        if (answer == null) {
            chain.doFilter(new Replay(request, body), response);
            return;
        }
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(context -> context.setPathPattern(PATTERN));
        byte[] bytes = json.writeValueAsBytes(answer);
        answered.increment();
        security.respond(request, response, out -> {
            out.setStatus(HttpServletResponse.SC_OK);
            out.setContentType("application/json");
            out.setContentLength(bytes.length);
            out.getOutputStream().write(bytes);
        });
    }

    /** The {tenant} of a check's path, or null for any other path or one the lean path leaves to MVC. */
    static @Nullable String tenantOf(String uri) {
        if (!uri.startsWith(PREFIX) || !uri.endsWith(SUFFIX) || uri.length() <= PREFIX.length() + SUFFIX.length()) {
            return null;
        }
        String tenant = uri.substring(PREFIX.length(), uri.length() - SUFFIX.length());
        for (int i = 0; i < tenant.length(); i++) {
            char c = tenant.charAt(i);
            // Encoded or parameterised segments are decoded by MVC: leave them to it.
            if (c == '/' || c == '%' || c == ';') {
                return null;
            }
        }
        return tenant;
    }

    /** {@code application/json}, in UTF-8 if a charset is named: what the lean path reads as MVC would. */
    static boolean isJson(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT).replace(" ", "");
        return type.equals("application/json") || type.equals("application/json;charset=utf-8");
    }

    /** No Accept header, or one that takes JSON outright; anything subtler is MVC's content negotiation. */
    static boolean acceptsJson(@Nullable String accept) {
        return accept == null || accept.equals("*/*") || accept.equals("application/json");
    }

    /** The request with its body as read, for the full stack to read again. */
    private static final class Replay extends HttpServletRequestWrapper {
        private final byte[] body;

        Replay(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }
}
