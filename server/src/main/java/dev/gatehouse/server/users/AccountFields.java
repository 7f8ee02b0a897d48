package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules for the fields of an account, shared by creation and partial update, collecting every
 * problem so that one 400 names all the fields at fault.
 */
final class AccountFields {

    static final int MAX_NAME = 100;
    static final int MAX_EMAIL = 320;
    static final int MAX_LICENSE = 64;
    static final int MAX_LIST = 20;
    static final int MAX_CREDENTIAL = 32;
    static final int MAX_SPECIALTY = 100;
    static final int MAX_BIO = 4000;

    // docs/access-model.md: a username is at least 3 characters; no spaces, so it is typed as shown.
    private static final Pattern USERNAME = Pattern.compile("[^\\p{javaWhitespace}\\p{Cntrl}]{3,64}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final Pattern PHONE = Pattern.compile("[0-9+()./ x-]{3,40}");
    // The NPI is ten digits; a DEA registration number is two letters and seven digits.
    private static final Pattern NPI = Pattern.compile("\\d{10}");
    private static final Pattern DEA = Pattern.compile("[A-Za-z]{2}\\d{7}");

    private final List<FieldError> errors = new ArrayList<>();

    void reject(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    /** The problems found so far (issue 17: an import lists them per line instead of answering 400). */
    List<FieldError> errors() {
        return List.copyOf(errors);
    }

    /** @throws ApiException 400 naming every field at fault, if any */
    void throwIfAny() {
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
    }

    @Nullable String username(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            reject(field, "is required");
            return null;
        }
        String stripped = value.strip();
        if (!USERNAME.matcher(stripped).matches()) {
            reject(field, "must be 3 to 64 characters without spaces");
            return null;
        }
        return stripped;
    }

    @Nullable String name(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            reject(field, "is required");
            return null;
        }
        return text(field, value, MAX_NAME);
    }

    @Nullable String email(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String stripped = value.strip();
        if (stripped.length() > MAX_EMAIL || !EMAIL.matcher(stripped).matches()) {
            reject(field, "must be an e-mail address");
            return null;
        }
        return stripped;
    }

    @Nullable String phone(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String stripped = value.strip();
        if (!PHONE.matcher(stripped).matches()) {
            reject(field, "must be 3 to 40 digits, spaces and + ( ) - . /");
            return null;
        }
        return stripped;
    }

    String kind(String field, @Nullable String value) {
        if (value == null) {
            return "HUMAN";
        }
        if (!value.equals("HUMAN") && !value.equals("SERVICE")) {
            reject(field, "must be HUMAN or SERVICE");
            return "HUMAN";
        }
        return value;
    }

    @Nullable String npi(String field, @Nullable String value) {
        String stripped = optional(value);
        if (stripped != null && !NPI.matcher(stripped).matches()) {
            reject(field, "must be a 10-digit NPI");
            return null;
        }
        return stripped;
    }

    @Nullable String dea(String field, @Nullable String value) {
        String stripped = optional(value);
        if (stripped != null && !DEA.matcher(stripped).matches()) {
            reject(field, "must be a DEA number: 2 letters and 7 digits");
            return null;
        }
        return stripped == null ? null : stripped.toUpperCase(Locale.ROOT);
    }

    @Nullable String license(String field, @Nullable String value) {
        String stripped = optional(value);
        return stripped == null ? null : text(field, stripped, MAX_LICENSE);
    }

    @Nullable String bio(String field, @Nullable String value) {
        String stripped = optional(value);
        if (stripped != null && stripped.codePointCount(0, stripped.length()) > MAX_BIO) {
            reject(field, "must be at most " + MAX_BIO + " characters");
            return null;
        }
        return stripped;
    }

    List<String> list(String field, @Nullable List<String> values, int maxLength) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_LIST) {
            reject(field, "may hold at most " + MAX_LIST + " entries");
            return List.of();
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            String path = field + "[" + i + "]";
            if (value == null || value.isBlank()) {
                reject(path, "must not be blank");
                continue;
            }
            String checked = text(path, value, maxLength);
            if (checked != null && !result.contains(checked)) {
                result.add(checked);
            }
        }
        return result;
    }

    private @Nullable String text(String field, String value, int maxLength) {
        String stripped = value.strip();
        if (stripped.codePointCount(0, stripped.length()) > maxLength) {
            reject(field, "must be at most " + maxLength + " characters");
            return null;
        }
        if (CONTROL.matcher(stripped).find()) {
            reject(field, "must not contain control characters");
            return null;
        }
        return stripped;
    }

    private static @Nullable String optional(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
