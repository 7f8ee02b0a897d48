package dev.gatehouse.server.shared;

import java.text.Normalizer;
import java.util.Locale;

/** Usernames and e-mail addresses compare ignoring case (docs/access-model.md, "User"). */
public final class Usernames {

    private Usernames() {}

    /** NFKC, trimmed, lower-cased with {@link Locale#ROOT} (docs/style.md rule 5). */
    public static String normalize(String username) {
        return Normalizer.normalize(username.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }
}
