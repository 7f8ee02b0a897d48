package dev.gatehouse.server.shared;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A failure that the API answers with a problem document (RFC 9457): the status, a short title
 * and a detail for people, and for bad input the fields at fault.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final transient List<FieldError> errors;

    public ApiException(HttpStatus status, String title, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", field + ": " + message,
                List.of(new FieldError(field, message)));
    }

    public static ApiException badRequest(List<FieldError> errors) {
        String detail = errors.stream().map(e -> e.field() + ": " + e.message()).reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail, errors);
    }

    /** Unknown, or belonging to another tenant: the answer is the same (docs/api.md). */
    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "Not found", what + " does not exist", List.of());
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "Conflict", detail, List.of());
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(HttpStatus.FORBIDDEN, "Forbidden", detail, List.of());
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
