package dev.gatehouse.server.edge;

import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The servlet container's error page, in place of Spring Boot's: what fails outside Spring MVC —
 * the security firewall refusing a path ({@code /api/v1/%2e%2e/x}), a filter's {@code sendError},
 * an exception no handler caught — is answered with a problem document (a plain page on the
 * console's paths), never Boot's {@code {"timestamp", "error"}} or a stack trace. Asked for
 * directly, {@code /error} is a path like any unknown one: 404.
 */
@Hidden
@RestController
class ErrorDocuments implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<String> error(HttpServletRequest request, HttpServletResponse response) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer number && number >= 400 ? number : 404;
        Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String path = original instanceof String uri ? uri : request.getRequestURI();
        if (ErrorBodies.isConsole(path)) {
            SecurityHeaders.writeForErrorPage(response);
            return ResponseEntity.status(status).contentType(MediaType.TEXT_HTML)
                    .body(ErrorBodies.page(status, ErrorBodies.title(status)));
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(ErrorBodies.problem(status, ErrorBodies.title(status), ErrorBodies.detail(status), path));
    }
}
