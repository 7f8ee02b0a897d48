package dev.gatehouse.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Gatehouse could not answer: a 503 (busy or restarting) still after the retries, no connection, or
 * no answer within the deadline. {@link #status()} is 503 for the first, 0 for the others.
 */
public class UnavailableException extends GatehouseException {
    public UnavailableException(int status, String title, @Nullable String detail, @Nullable Throwable cause) {
        super(status, title, detail, List.of(), cause);
    }
}
