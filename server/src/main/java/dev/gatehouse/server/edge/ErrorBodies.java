package dev.gatehouse.server.edge;

import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bodies of errors answered outside Spring MVC (by Tomcat, the error controller, the metrics
 * chain): RFC 9457 problem documents shaped like {@code shared.Problems}' for the API, a plain page
 * for the console's paths, which browsers show.
 */
final class ErrorBodies {

    static final String PROBLEM_JSON = "application/problem+json";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ErrorBodies() {}

    /** Whether {@code path} is one of the console's, whose errors are pages. */
    static boolean isConsole(String path) {
        return path.equals("/console") || path.startsWith("/console/") || path.startsWith("/webjars/");
    }

    static String problem(int status, String title, String detail, String instance) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://gatehouse.dev/problems/" + status);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", instance);
        return JSON.writeValueAsString(problem);
    }

    static String page(int status, String title) {
        String text = status + " " + escape(title);
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + text + "</title></head>"
                + "<body><h1>" + text + "</h1><p><a href=\"/console\">Back to the console</a></p></body></html>";
    }

    /** Reason phrases of the statuses Tomcat and the servlet container answer on their own. */
    static String title(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 408 -> "Request timeout";
            case 411 -> "Length required";
            case 413 -> "Content too large";
            case 414 -> "URI too long";
            case 415 -> "Unsupported media type";
            case 431 -> "Request header fields too large";
            case 503 -> "Service unavailable";
            default -> status >= 500 ? "Internal error" : "Request refused";
        };
    }

    /** What a caller may be told about a status the container chose (never an exception's text). */
    static String detail(int status) {
        return switch (status) {
            case 400 -> "the request is malformed (an encoded slash, backslash or NUL, a dot segment, a character"
                    + " not allowed in a URL, or a header too long)";
            case 404 -> "no such endpoint";
            case 405 -> "this endpoint does not take that method";
            case 413 -> "the request body is too large";
            case 414 -> "the URL is too long";
            default -> status >= 500 ? "something went wrong on our side; it has been logged" : title(status);
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
