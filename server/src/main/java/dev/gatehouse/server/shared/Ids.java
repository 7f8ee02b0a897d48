package dev.gatehouse.server.shared;

import java.security.SecureRandom;
import java.util.Locale;
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

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {}

    /**
     * A new id for a row written in bulk (issue 17: the user import, the relationships batch): a
     * version 7 UUID (RFC 9562) — the millisecond of its making in the first 48 bits, then 74 random
     * bits from {@link SecureRandom} (against 122 in a version 4), so that ids made one after another
     * sort together and each row's insert into an index keyed by id (a primary key, {@code
     * assignments_by_user}, the audit trail's by target) lands in the index's last pages rather than on
     * a random page of it (docs/benchmarks.md, "Branch import17"). Ids are opaque in the API; 74 random
     * bits are not guessable, though an id tells when it was made, as the row's {@code createdAt} does.
     */
    public static UUID timeOrdered() {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long millis = System.currentTimeMillis() & 0xFFFF_FFFF_FFFFL;
        long high = (millis << 16) | 0x7000L | ((random[0] & 0x0FL) << 8) | (random[1] & 0xFFL);
        long low = 0;
        for (int i = 2; i < 10; i++) {
            low = (low << 8) | (random[i] & 0xFFL);
        }
        low = (low & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

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
        // The 36-character spelling holds only hexadecimal digits and dashes: lower case is UUID#toString's
        // spelling, and a stored id (lower case already) comes back as it is, without a copy.
        return isUuidText(text) ? text.toLowerCase(Locale.ROOT) : text;
    }
}
