package dev.gatehouse.engine;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One question to the engine. A request that names no resource asks "may the subject do this
 * anywhere?", which any scope answers.
 */
public record AccessRequest(String permission, @Nullable Resource resource, Instant at, RequestContext context) {
    public AccessRequest {
        Objects.requireNonNull(permission, "permission");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(context, "context");
    }

    public static AccessRequest of(String permission, @Nullable Resource resource, Instant at) {
        return new AccessRequest(permission, resource, at, RequestContext.EMPTY);
    }
}
