package dev.gatehouse.server.secrets;

import dev.gatehouse.server.shared.ApiException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A place in a list's order (a key unique in that list, such as a normalised username) and which side of it a
 * page lies on: the {@code cursor} of a keyset-paged list (issue 17: a page after a cursor costs the same at any
 * depth, and rows added or removed before it move nothing). Sealed by the server's key ({@link SecretBox}) for a
 * {@code purpose} naming the list, its tenant and whatever else a cursor must not be replayed across (the
 * purpose is the associated data): a client can neither read nor alter it, and a cursor of another list,
 * tenant or question does not open. The users list and who-can page with it.
 */
public record SealedCursor(Side side, String place) {

    /** Which side of the place the page lies on. */
    public enum Side {
        /** The rows ordered after it: the next page. */
        AFTER,
        /** The rows ordered before it: the previous page. */
        BEFORE
    }

    /** The query parameter a cursor comes back in, named by a refusal. */
    public static final String FIELD = "cursor";
    /** Far longer than any sealed place (a username, 200 characters at most): anything longer is not a cursor. */
    private static final int MAX_LENGTH = 1_200;

    /** The cursors of the pages beside one, each absent where there is none; what a paged answer carries. */
    public record Beside(@Nullable String next, @Nullable String previous) {}

    /** Whether the page lies before the place (a {@code previous} cursor), read backwards from it. */
    public boolean backwards() {
        return side == Side.BEFORE;
    }

    /** This cursor, sealed for {@code purpose}, as the URL-safe text a page answers. */
    public String write(SecretBox box, String purpose) {
        byte[] key = place.getBytes(StandardCharsets.UTF_8);
        byte[] plain = ByteBuffer.allocate(1 + key.length).put((byte) side.ordinal()).put(key).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(box.seal(purpose, plain));
    }

    /**
     * A page of a list read from a place with one row more than it shows ({@code size + 1}): the rows shown, and
     * whether pages lie before and after it.
     */
    public record Window<T>(List<T> items, boolean moreBefore, boolean moreAfter) {

        /** A page placed by a number: {@code found} read from its start, pages before it when it is not the first. */
        public static <T> Window<T> numbered(List<T> found, int size, boolean notFirst) {
            boolean beyond = found.size() > size;
            return new Window<>(beyond ? found.subList(0, size) : found, notFirst, beyond);
        }
    }

    /**
     * The page {@code found} from this cursor's place ({@code size + 1} rows at most, in the list's order): a
     * page after the place has one before it, a page before the place one after it; the extra row says whether
     * another lies beyond.
     */
    public <T> Window<T> window(List<T> found, int size) {
        boolean beyond = found.size() > size;
        List<T> items = !beyond ? found : backwards() ? found.subList(1, found.size()) : found.subList(0, size);
        return new Window<>(items, !backwards() || beyond, backwards() || beyond);
    }

    /**
     * The cursors beside a page whose first and last rows are at {@code first} and {@code last} (null when the
     * page is empty): {@code previous} when {@code moreBefore}, {@code next} when {@code moreAfter}. An empty page
     * placed by a cursor ({@code from}: its rows gone since) still leads on from that cursor's own place.
     */
    public static Beside beside(SecretBox box, String purpose, @Nullable SealedCursor from, @Nullable String first,
            @Nullable String last, boolean moreBefore, boolean moreAfter) {
        String fallback = from == null ? null : from.place();
        String start = first == null ? fallback : first;
        String end = last == null ? fallback : last;
        return new Beside(moreAfter && end != null ? new SealedCursor(Side.AFTER, end).write(box, purpose) : null,
                moreBefore && start != null ? new SealedCursor(Side.BEFORE, start).write(box, purpose) : null);
    }

    /**
     * The cursor {@code text} stands for, or null when none was given (absent or empty).
     *
     * @throws ApiException 400 naming {@code cursor} when it was not written for {@code purpose} by a node
     *     holding this server's key, or was altered; 400 naming {@code page} when a page number ({@code page}
     *     other than 0) comes beside it
     */
    public static @Nullable SealedCursor read(SecretBox box, String purpose, @Nullable String text, int page) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        SealedCursor cursor = read(box, purpose, text);
        if (page != 0) {
            throw ApiException.badRequest("page", "a page number and a cursor exclude each other: send one");
        }
        return cursor;
    }

    private static SealedCursor read(SecretBox box, String purpose, String text) {
        if (text.length() > MAX_LENGTH) {
            throw refused();
        }
        byte[] plain;
        try {
            plain = box.open(purpose, Base64.getUrlDecoder().decode(text));
        } catch (IllegalArgumentException | SecretBox.SealBroken e) {
            throw refused();
        }
        if (plain.length < 1 || plain[0] < 0 || plain[0] >= Side.values().length) {
            throw refused();
        }
        try {
            String place = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain, 1, plain.length - 1)).toString();
            return new SealedCursor(Side.values()[plain[0]], place);
        } catch (CharacterCodingException e) {
            throw refused();
        }
    }

    private static ApiException refused() {
        return ApiException.badRequest(FIELD, "is not a cursor of this list: use the next or previous of a page"
                + " of this list as given");
    }
}
