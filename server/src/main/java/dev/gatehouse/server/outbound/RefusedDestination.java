package dev.gatehouse.server.outbound;

import java.io.IOException;

/**
 * A URL Gatehouse will not call, and why in words a tenant admin can act on ("resolves to
 * 127.0.0.1, a loopback address"). An {@link IOException}, so a refusal at send time is a failed
 * delivery like any other.
 */
public final class RefusedDestination extends IOException {

    public RefusedDestination(String reason) {
        super(reason);
    }

    /** Why, for a problem document's {@code errors[].message}. */
    public String reason() {
        return getMessage();
    }
}
