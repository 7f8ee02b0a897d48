package dev.gatehouse.server.shared;

import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * The node cannot take this request now, but will soon: a bounded resource (password hashing, the
 * export budget, the database) is busy or restarting. Answered {@code 503} with {@code Retry-After},
 * so a client waits and retries instead of a request thread waiting for it.
 */
public class ServiceUnavailable extends ApiException {

    private final Duration retryAfter;

    public ServiceUnavailable(String detail, Duration retryAfter) {
        super(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", detail, List.of());
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
