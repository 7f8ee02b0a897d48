package dev.gatehouse.client;

import java.util.Objects;
import java.util.function.Supplier;

/** What the client sends as {@code Authorization}: an API key, a token from the application, or its own token. */
interface Authorization {

    /** The header's value for the next request. */
    String header();

    /**
     * The server answered 401 to {@code header}: a credential that can be renewed (a cached token) drops
     * it and answers true, so the request is sent once more with a new one.
     */
    default boolean renewAfterRejection(String header) {
        return false;
    }

    static Authorization apiKey(String key) {
        String header = "Bearer " + Objects.requireNonNull(key, "apiKey");
        return () -> header;
    }

    static Authorization bearer(Supplier<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return () -> "Bearer " + tokens.get();
    }
}
