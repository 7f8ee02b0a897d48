package dev.gatehouse.client.spring;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a signed-in person's denial (seed 002, "unauthorized access pages with clear messaging"): a browser
 * gets a plain page saying what was refused, why in Gatehouse's one sentence, and whom to ask; any other caller
 * a {@code 403} problem document ({@code application/problem+json}) with the explanation as {@code detail} and the
 * decision's {@code code}. When reporting is on, a Gatehouse denial is also queued for the audit
 * ({@link DenialReports}). Denials that are not Gatehouse's (a missing CSRF token) get the same two forms.
 */
public final class DenialResponses implements AccessDeniedHandler {

    private final String contact;
    private final @Nullable DenialReports reports;
    private final JsonMapper json = JsonMapper.builder().build();

    /** {@code contact}: whom a person asks for access ({@code gatehouse.denial-contact}); {@code reports} null when off. */
    public DenialResponses(String contact, @Nullable DenialReports reports) {
        this.contact = contact;
        this.reports = reports;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied) throws IOException {
        PermissionDecision decision = decisionOf(denied);
        if (decision != null && reports != null) {
            reports.report(decision, route(request));
        }
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(HttpStatus.FORBIDDEN.value());
        if (wantsPage(request)) {
            response.setContentType(MediaType.TEXT_HTML_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(page(request, decision));
        } else {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.getWriter().write(json.writeValueAsString(problem(request, decision, denied)));
        }
    }

    private static @Nullable PermissionDecision decisionOf(AccessDeniedException denied) {
        return denied instanceof AuthorizationDeniedException authorization
                && authorization.getAuthorizationResult() instanceof PermissionDecision decision ? decision : null;
    }

    /** A browser's navigation names HTML among what it accepts; an API client names JSON, or accepts anything. */
    private static boolean wantsPage(HttpServletRequest request) {
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        if (accept == null) {
            return false;
        }
        try {
            return MediaType.parseMediaTypes(accept).stream().anyMatch(type -> !type.isWildcardType()
                    && type.isCompatibleWith(MediaType.TEXT_HTML) && type.getQualityValue() > 0);
        } catch (InvalidMediaTypeException unreadable) {
            return false;
        }
    }

    private static String route(HttpServletRequest request) {
        return request.getMethod() + " " + request.getRequestURI();
    }

    private static Map<String, Object> problem(HttpServletRequest request, @Nullable PermissionDecision decision,
            AccessDeniedException denied) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", "Forbidden");
        problem.put("status", HttpStatus.FORBIDDEN.value());
        problem.put("detail", decision == null ? refusedWithout(denied) : decision.explanation());
        problem.put("instance", request.getRequestURI());
        if (decision != null) {
            problem.put("code", decision.code());
            problem.put("permission", decision.permission());
        }
        return problem;
    }

    private static String refusedWithout(AccessDeniedException denied) {
        return denied.getMessage() == null ? "The request was refused." : "The request was refused: " + denied.getMessage() + ".";
    }

    private String page(HttpServletRequest request, @Nullable PermissionDecision decision) {
        String what = decision == null ? "<code>" + escape(route(request)) + "</code>"
                : "<code>" + escape(route(request)) + "</code>, which needs <code>" + escape(decision.asked()) + "</code>";
        String why = decision == null ? "It was refused before Gatehouse was asked (for example, the form had expired)."
                : escape(decision.explanation());
        String whom = decision == null ? "Go back and try again; if it keeps happening, tell " + escape(contact) + "."
                : "If you need this for your work, ask " + escape(contact) + " for a role that grants <code>"
                        + escape(decision.permission()) + "</code>.";
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Not allowed</title>
                <style>body{font-family:system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem;line-height:1.5}
                h1{font-size:1.5rem}code{background:#f4f4f4;padding:0 .2rem}</style></head>
                <body>
                <main id="gatehouse-denied">
                <h1>You do not have access to this</h1>
                <p id="denied-what">You asked for %s.</p>
                <p id="denied-why">%s</p>
                <p id="denied-whom">%s</p>
                <p><a href="javascript:history.back()">Go back</a></p>
                </main>
                </body>
                </html>
                """.formatted(what, why, whom);
    }

    private static String escape(String text) {
        return HtmlUtils.htmlEscape(text, StandardCharsets.UTF_8.name());
    }
}
