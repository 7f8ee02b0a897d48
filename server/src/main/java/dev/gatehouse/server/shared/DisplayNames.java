package dev.gatehouse.server.shared;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The names people give things in the console (locations, care teams): required, stripped, at most
 * {@link #MAX} characters, no control characters, which would garble lists, mails and the trail.
 */
public final class DisplayNames {

    public static final int MAX = 200;

    private DisplayNames() {}

    /** {@code name} stripped; a problem is added to {@code errors} under {@code field} when it is not a name. */
    public static String checked(@Nullable String name, String field, List<FieldError> errors) {
        if (name == null || name.isBlank()) {
            errors.add(new FieldError(field, "is required"));
            return "";
        }
        String stripped = name.strip();
        if (stripped.length() > MAX) {
            errors.add(new FieldError(field, "at most " + MAX + " characters"));
        } else if (stripped.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError(field, "must not contain control characters"));
        }
        return stripped;
    }
}
