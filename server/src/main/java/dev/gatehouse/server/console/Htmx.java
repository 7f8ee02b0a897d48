package dev.gatehouse.server.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * htmx's side of the conversation: its requests carry {@code HX-Request}, and a full-page move is
 * asked for with {@code HX-Redirect} (a 3xx would be followed inside the XHR and swapped into a
 * fragment instead).
 */
final class Htmx {

    private Htmx() {}

    static boolean isRequest(HttpServletRequest request) {
        return "true".equals(request.getHeader("HX-Request"));
    }

    static void redirect(HttpServletResponse response, String target) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader("HX-Redirect", target);
    }
}
