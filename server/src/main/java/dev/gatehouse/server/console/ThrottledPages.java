package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;

/**
 * A console form refused by a rate limit (docs/security.md, "Throttling"): the page again, with the
 * API's status and {@code Retry-After} and a message that says how long to wait and nothing about
 * the account.
 */
final class ThrottledPages {

    private ThrottledPages() {}

    static String message(long seconds) {
        return "Too many attempts from your network or for this account. Wait " + duration(seconds)
                + " and try again.";
    }

    /** Puts the message on {@code view} and answers 429 with Retry-After. */
    static String show(TooManyRequests refused, String view, Model model, HttpServletResponse response) {
        model.addAttribute("errors", FormErrors.summary(message(refused.retryAfterSeconds())));
        response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
        response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
        return view;
    }

    private static String duration(long seconds) {
        if (seconds < 90) {
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        long minutes = (seconds + 59) / 60;
        return minutes + " minutes";
    }
}
