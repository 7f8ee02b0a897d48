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

    // The rules of usernames, e-mail addresses, phone numbers and free text are checked character by
    // character, not by regular expressions: every line of a bulk import passes them (issue 17), and
    // AccountFieldsTest holds each loop to the expression it replaced.
    // docs/access-model.md: a username is 3 to 64 characters; no spaces, so it is typed as shown.
    private static final int MIN_USERNAME = 3;
    private static final int MAX_USERNAME = 64;
    private static final int MIN_PHONE = 3;
    private static final int MAX_PHONE = 40;
    private static final String PHONE_SYMBOLS = "+()./ x-";
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
        if (!isUsername(stripped)) {
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
        if (stripped.length() > MAX_EMAIL || !isEmail(stripped)) {
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
        if (!isPhone(stripped)) {
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
        if (stripped.chars().anyMatch(AccountFields::isControl)) {
            reject(field, "must not contain control characters");
            return null;
        }
        return stripped;
    }

    private static @Nullable String optional(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** 3 to 64 characters (code points), none of them whitespace or an ASCII control character. */
    static boolean isUsername(String text) {
        int length = text.codePointCount(0, text.length());
        return length >= MIN_USERNAME && length <= MAX_USERNAME
                && text.codePoints().noneMatch(c -> Character.isWhitespace(c) || isControl(c));
    }

    /**
     * Something, one {@code @}, and a domain of at least two dot-separated parts, none empty; no
     * whitespace anywhere ({@code \s}: space, tab, line feed, vertical tab, form feed, carriage return).
     */
    static boolean isEmail(String text) {
        int at = text.indexOf('@');
        if (at <= 0 || text.indexOf('@', at + 1) >= 0 || text.chars().anyMatch(AccountFields::isSpace)) {
            return false;
        }
        String domain = text.substring(at + 1);
        return domain.indexOf('.') > 0 && !domain.endsWith(".") && !domain.contains("..");
    }

    /** 3 to 40 of the digits, spaces and {@code + ( ) . / x -} a phone number is written with. */
    static boolean isPhone(String text) {
        return text.length() >= MIN_PHONE && text.length() <= MAX_PHONE
                && text.chars().allMatch(c -> c >= '0' && c <= '9' || PHONE_SYMBOLS.indexOf(c) >= 0);
    }

    /** {@code \p{Cntrl}}: the ASCII control characters. */
    private static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f;
    }

    /** {@code \s} without Unicode classes. */
    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }
}
