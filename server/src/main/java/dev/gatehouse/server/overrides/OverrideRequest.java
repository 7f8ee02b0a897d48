package dev.gatehouse.server.overrides;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST …/overrides} as sent: {@code reason} (required) and {@code minutes} (1 to the cap,
 * the cap when absent); unknown fields are refused by the API's reader.
 */
public record OverrideRequest(@Nullable String reason, @Nullable Integer minutes) {

    /** A request that passed {@link #check}. */
    record Checked(String reason, int minutes) {}

    /** @throws ApiException 400 naming each field at fault */
    Checked check(int maxReason, int maxMinutes) {
        List<FieldError> errors = new ArrayList<>();
        String text = reason == null ? "" : reason.strip();
        if (text.isEmpty()) {
            errors.add(new FieldError("reason", "is required: say why (a ticket, the dispute being resolved)"));
        } else if (text.codePointCount(0, text.length()) > maxReason) {
            errors.add(new FieldError("reason", "must be at most " + maxReason + " characters"));
        }
        int length = minutes == null ? maxMinutes : minutes;
        if (length < 1 || length > maxMinutes) {
            errors.add(new FieldError("minutes", "must be 1 to " + maxMinutes + " (an override is time-boxed)"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return new Checked(text, length);
    }
}
