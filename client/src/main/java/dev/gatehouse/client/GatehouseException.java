package dev.gatehouse.client;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Gatehouse refused or could not answer a request: the HTTP status and the problem document's
 * {@code title}, {@code detail} and field errors (docs/api.md: RFC 9457). The subclasses name the
 * statuses an application handles differently; any other status is this class itself.
 */
public class GatehouseException extends RuntimeException {

    private final int status;
    private final String title;
    private final @Nullable String detail;
    private final List<FieldError> errors;

    public GatehouseException(int status, String title, @Nullable String detail, List<FieldError> errors) {
        this(status, title, detail, errors, null);
    }

    public GatehouseException(int status, String title, @Nullable String detail, List<FieldError> errors,
            @Nullable Throwable cause) {
        super(message(status, title, detail, errors), cause);
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.errors = List.copyOf(errors);
    }

    /** The HTTP status; 0 when no answer came (the server unreachable). */
    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public @Nullable String detail() {
        return detail;
    }

    /** The request fields at fault, for a 400 (and a 404 naming {@code user}). */
    public List<FieldError> errors() {
        return errors;
    }

    private static String message(int status, String title, @Nullable String detail, List<FieldError> errors) {
        StringBuilder message = new StringBuilder().append(status).append(' ').append(title);
        if (detail != null && !detail.isBlank()) {
            message.append(": ").append(detail);
        }
        for (FieldError error : errors) {
            message.append("; ").append(error.field()).append(' ').append(error.message());
        }
        return message.toString();
    }
}
