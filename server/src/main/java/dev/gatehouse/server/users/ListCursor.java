package dev.gatehouse.server.users;

import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.TenantId;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A place in the roster's order (normalised username, unique in a tenant) and which side of it a page
 * lies on: the {@code cursor} of {@code GET …/users} (issue 17, keyset paging: a page after a cursor
 * costs the same at any depth, and rows added or removed before it move nothing). Sealed by the
 * server's key for its tenant ({@link SecretBox}, the tenant in the associated data), so a client can
 * neither read nor alter it, and another tenant's cursor does not open here. It holds no filter: the
 * same place in another filter's list is a place there too.
 */
record ListCursor(Side side, String username) {

    /** Which side of the place the page lies on. */
    enum Side {
        /** The users ordered after it: the next page. */
        AFTER,
        /** The users ordered before it: the previous page. */
        BEFORE
    }

    static final String FIELD = "cursor";
    /** Far longer than any sealed username (200 characters at most): anything longer is not a cursor. */
    private static final int MAX_LENGTH = 1_200;
    private static final String PURPOSE = "users list cursor v1 ";

    String write(SecretBox box, TenantId tenant) {
        byte[] name = username.getBytes(StandardCharsets.UTF_8);
        byte[] plain = ByteBuffer.allocate(1 + name.length).put((byte) side.ordinal()).put(name).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(box.seal(PURPOSE + tenant.value(), plain));
    }

    /**
     * The cursor {@code text} stands for.
     *
     * @throws ApiException 400 naming {@code cursor} when it was not written for this tenant by a node
     *     holding this server's key, or was altered
     */
    static ListCursor read(SecretBox box, TenantId tenant, String text) {
        if (text.length() > MAX_LENGTH) {
            throw refused();
        }
        byte[] plain;
        try {
            plain = box.open(PURPOSE + tenant.value(), Base64.getUrlDecoder().decode(text));
        } catch (IllegalArgumentException | SecretBox.SealBroken e) {
            throw refused();
        }
        if (plain.length < 1 || plain[0] < 0 || plain[0] >= Side.values().length) {
            throw refused();
        }
        try {
            String username = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(plain, 1, plain.length - 1)).toString();
            return new ListCursor(Side.values()[plain[0]], username);
        } catch (CharacterCodingException e) {
            throw refused();
        }
    }

    private static ApiException refused() {
        return ApiException.badRequest(FIELD, "is not a cursor of this list: use the next or previous of a page"
                + " of this tenant's list as given");
    }
}
