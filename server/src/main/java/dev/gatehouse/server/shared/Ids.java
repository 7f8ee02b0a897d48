package dev.gatehouse.server.shared;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one reading of an id that arrives as text — in a path, a body or a query: a UUID in its
 * 36-character form, in any case. {@link UUID#fromString} alone also accepts short spellings
 * ({@code 1-2-3-4-5}) that no row carries, so they are refused here as what they are: no id.
 */
public final class Ids {

    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Ids() {}

    /** The id {@code text} spells, or empty when it spells none. */
    public static Optional<UUID> parse(@Nullable String text) {
        if (text == null || text.length() != 36 || !UUID_TEXT.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(UUID.fromString(text));
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
