package dev.gatehouse.server.shared;

import org.jspecify.annotations.Nullable;

/**
 * One invalid field of a request, as listed in a problem document's {@code errors}; {@code rule}
 * names the policy rule that failed where one did (a password's {@code minLength}, {@code blocklist}),
 * and is left out otherwise (the API writes no null fields).
 */
public record FieldError(String field, String message, @Nullable String rule) {

    public FieldError(String field, String message) {
        this(field, message, null);
    }
}
