package dev.gatehouse.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;

/** Turns a refusal (an RFC 9457 problem document, docs/api.md) into the exception an application catches. */
final class Problems {

    private Problems() {}

    static GatehouseException toException(int status, byte[] body, @Nullable Duration retryAfter) {
        Map<String, Object> problem = parse(body);
        String title = text(problem.get("title")).orElse("HTTP " + status);
        String detail = text(problem.get("detail")).orElse(null);
        List<FieldError> errors = errors(problem.get("errors"));
        return switch (status) {
            case 400 -> new InvalidRequestException(title, detail, errors);
            case 401 -> new UnauthenticatedException(title, detail, errors);
            case 403 -> new ForbiddenException(title, detail, errors);
            case 404 -> new NotFoundException(title, detail, errors);
            case 429 -> new RateLimitedException(title, detail, retryAfter);
            case 503 -> new UnavailableException(503, title, detail, null);
            default -> new GatehouseException(status, title, detail, errors);
        };
    }

    /**
     * {@code Retry-After} as seconds or as an HTTP date (RFC 9110 §10.2.3), never negative; empty when
     * absent or unreadable.
     */
    static Optional<Duration> retryAfter(Optional<String> header, Instant now) {
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(now, when);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static Map<String, Object> parse(byte[] body) {
        if (body.length == 0) {
            return Map.of();
        }
        try {
            return Json.MAPPER.readValue(body, Json.TREE);
        } catch (JacksonException notJson) {
            // A proxy's HTML page, say: the status alone must do.
            return Map.of();
        }
    }

    private static List<FieldError> errors(@Nullable Object value) {
        List<FieldError> errors = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> error) {
                    errors.add(new FieldError(String.valueOf(error.get("field")), String.valueOf(error.get("message"))));
                }
            }
        }
        return errors;
    }

    private static Optional<String> text(@Nullable Object value) {
        return value instanceof String text && !text.isBlank() ? Optional.of(text) : Optional.empty();
    }
}
