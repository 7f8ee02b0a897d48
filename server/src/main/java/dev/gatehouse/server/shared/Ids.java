package dev.gatehouse.server.shared;

import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The one reading of an id that arrives as text — in a path, a body or a query: a UUID in its
 * 36-character form, in any case. {@link UUID#fromString} alone also accepts short spellings
 * ({@code 1-2-3-4-5}) that no row carries, so they are refused here as what they are: no id.
 */
public final class Ids {

    /** Where the dashes of the 36-character spelling stand (8-4-4-4-12 hexadecimal digits). */
    private static final int[] DASHES = {8, 13, 18, 23};

    private Ids() {}

    /** The id {@code text} spells, or empty when it spells none. */
    public static Optional<UUID> parse(@Nullable String text) {
        if (text == null || !isUuidText(text)) {
            return Optional.empty();
        }
        return Optional.of(UUID.fromString(text));
    }

    /**
     * 8-4-4-4-12 hexadecimal digits in any case. A loop rather than a regular expression: ids are read
     * on every request and on every line of a bulk import (issue 17).
     */
    private static boolean isUuidText(String text) {
        if (text.length() != 36) {
            return false;
        }
        int dash = 0;
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            if (dash < DASHES.length && i == DASHES[dash]) {
                if (c != '-') {
                    return false;
                }
                dash++;
            } else if (Character.digit(c, 16) < 0 || c > 'f') {
                return false;
            }
        }
        return true;
    }

    /**
     * An id of the path: text that is no id names nothing, so it is answered as an unknown or
     * foreign one is — 404 "{@code what} {@code text} does not exist" (docs/api.md).
     */
    public static UUID inPath(String text, String what) {
        return parse(text).orElseThrow(() -> ApiException.notFound(what + " " + text));
    }

    /** Ids are stored lower-case: an id in any case becomes the stored spelling; other text stays as given. */
    public static String canonical(String text) {
        return parse(text).map(UUID::toString).orElse(text);
    }
}
