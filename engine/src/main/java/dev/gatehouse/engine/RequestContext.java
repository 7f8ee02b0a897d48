package dev.gatehouse.engine;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Facts about the request itself, for conditions: the caller's IP and anything else named. */
public record RequestContext(@Nullable String ip, Map<String, Object> attributes) {
    public static final RequestContext EMPTY = new RequestContext(null, Map.of());

    public RequestContext {
        attributes = Map.copyOf(attributes);
    }
}
