package dev.gatehouse.server.edge;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's answer to what it refuses before any filter runs — an encoded slash, backslash or NUL in
 * the path, a character a URL may not hold ({@code /api/v1/tenants/[}), a header too long — as a
 * problem document instead of Tomcat's HTML page (a plain page for the console's paths), with the
 * API's security headers. Never the exception's text or a stack trace.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        // A path Tomcat refused may never have been decoded: then the raw one says whose it is.
        String decoded = request.getDecodedRequestURI();
        String raw = request.getRequestURI() == null ? "" : request.getRequestURI();
        String path = decoded == null || decoded.isEmpty() ? raw : decoded;
        boolean console = ErrorBodies.isConsole(path);
        try {
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            String body;
            if (console) {
                SecurityHeaders.writeForErrorPage(response);
                response.setContentType("text/html;charset=utf-8");
                body = ErrorBodies.page(status, ErrorBodies.title(status));
            } else {
                SecurityHeaders.write(response, path);
                response.setContentType(ErrorBodies.PROBLEM_JSON);
                body = ErrorBodies.problem(status, ErrorBodies.title(status), ErrorBodies.detail(status), raw);
            }
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away or the response was already committed: nothing more to say.
        }
    }
}
