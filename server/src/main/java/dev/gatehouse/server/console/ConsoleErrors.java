package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Unavailability;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * Failures on console pages become pages, not the API's JSON problem documents: a 403 names the
 * missing permission, a 404 says the page does not exist, anything unexpected is logged and shown
 * without detail. Forms catch their own 400s to show field errors next to the fields.
 */
@Component
class ConsoleErrors implements HandlerExceptionResolver, Ordered {

    static final String FORM_EXPIRED = "/console/form-expired";

    private static final Logger log = LoggerFactory.getLogger(ConsoleErrors.class);
    private static final String MISSING = "missing permission ";

    private final Layout layout;

    ConsoleErrors(Layout layout) {
        this.layout = layout;
    }

    @Override
    public int getOrder() {
        // Before the API's @RestControllerAdvice (Problems), which would answer JSON.
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
            @Nullable Object handler, Exception e) {
        if (!request.getRequestURI().startsWith("/console")) {
            return null;
        }
        Unavailability.Answer unavailable = Unavailability.answer(e);
        if (unavailable != null) {
            // Overload or the database restarting: a page that says to try again, as the API's 503.
            response.setHeader("Retry-After", Long.toString(unavailable.retryAfter().toSeconds()));
            return page(request, HttpStatus.SERVICE_UNAVAILABLE, "Try again in a moment", unavailable.detail(),
                    List.of());
        }
        return switch (e) {
            case ApiException api -> page(request, api.status(), api.title(), api.getMessage(), api.errors().isEmpty()
                    ? List.of() : api.errors().stream().map(f -> f.field() + ": " + f.message()).toList());
            case NoResourceFoundException missing -> page(request, HttpStatus.NOT_FOUND, "Page not found",
                    "There is no such page in the console.", List.of());
            case Exception gone when DisconnectedClientHelper.isClientDisconnectedException(gone) -> {
                // A download whose browser went away: nothing wrong here, nobody left to show a page.
                log.debug("Client went away during console {} {}: {}", request.getMethod(), request.getRequestURI(),
                        gone.toString());
                yield new ModelAndView();
            }
            default -> {
                log.error("Unexpected failure on console {} {}", request.getMethod(), request.getRequestURI(), e);
                yield page(request, HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
                        "Something went wrong on our side; it has been logged.", List.of());
            }
        };
    }

    private ModelAndView page(HttpServletRequest request, HttpStatus status, String title, String detail,
            List<String> details) {
        Map<String, Object> model = new HashMap<>(layout.attributes(request));
        model.put("status", status.value());
        model.put("problemTitle", title);
        model.put("detail", detail);
        model.put("details", details);
        model.put("missingPermission", detail.startsWith(MISSING) ? permissionIn(detail) : "");
        ModelAndView page = new ModelAndView("console/problem", model);
        page.setStatus(status);
        return page;
    }

    /** "missing permission roles.read: …" → "roles.read" (Access.require's wording). */
    private static String permissionIn(String detail) {
        String rest = detail.substring(MISSING.length());
        int colon = rest.indexOf(':');
        return colon < 0 ? rest.strip() : rest.substring(0, colon).strip();
    }

    /** A form whose CSRF token no longer matches the session (ConsoleSecurity forwards here). */
    @org.springframework.stereotype.Controller
    static class FormExpired {
        @RequestMapping(FORM_EXPIRED)
        String expired() {
            throw new ApiException(HttpStatus.FORBIDDEN, "Form expired",
                    "This form was opened in an earlier session or has expired. Reload the page and try again.",
                    List.of());
        }
    }
}
