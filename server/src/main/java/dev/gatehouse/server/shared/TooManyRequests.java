package dev.gatehouse.server.shared;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request refused by a rate limit (docs/security.md, "Throttling"): answered {@code 429} with a
 * {@code Retry-After} of {@link #retryAfterSeconds} and a problem document; the console shows the
 * message on its page with the same status and header.
 */
public class TooManyRequests extends ApiException {

    private final long retryAfterSeconds;

    public TooManyRequests(long retryAfterSeconds) {
        super(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", "too many attempts from here or for this account;"
                + " try again in " + retryAfterSeconds + " seconds", List.of());
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Refused by a limit that is not about attempts, told in {@code detail}. */
    public TooManyRequests(long retryAfterSeconds, String detail) {
        super(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", detail, List.of());
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
