package dev.gatehouse.client;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Over a rate limit (a 429) still after the client's retries, or with a {@code Retry-After} longer than
 * the time left: {@link #retryAfter()} says when Gatehouse will take the next request.
 */
public class RateLimitedException extends GatehouseException {

    private final @Nullable Duration retryAfter;

    public RateLimitedException(String title, @Nullable String detail, @Nullable Duration retryAfter) {
        super(429, title, detail, List.of());
        this.retryAfter = retryAfter;
    }

    /** The server's {@code Retry-After}, when it sent one. */
    public @Nullable Duration retryAfter() {
        return retryAfter;
    }
}
