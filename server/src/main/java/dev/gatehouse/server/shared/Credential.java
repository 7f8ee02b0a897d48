package dev.gatehouse.server.shared;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Caller} presented: a session of their own, an API key, or an access token that
 * Gatehouse's OpenID Connect provider issued to one of the tenant's applications. Every credential
 * is resolved through one authentication path ({@link BearerCredentials}); what it may reach is the
 * engine's decision, narrowed for an API key to the key's scopes and locations.
 */
public sealed interface Credential {

    /** A session from sign-in (the API's bearer token or the console's cookie). */
    record SessionToken(UUID sessionId) implements Credential {}

    /**
     * An API key: its owner (the caller) narrowed to {@code scopes} (permission keys or patterns)
     * and, when not empty, to {@code locations} (ids, with every location below them).
     */
    record ApiKey(UUID keyId, String prefix, List<String> scopes, List<String> locations) implements Credential {
        public ApiKey {
            scopes = List.copyOf(scopes);
            locations = List.copyOf(locations);
        }
    }

    /**
     * An access token of the tenant's OpenID Connect provider, issued to {@code clientId} with
     * {@code scopes}; {@code sessionId} is the Gatehouse session the user signed in with through the
     * client, or null for a client-credentials token of a service account.
     */
    record AccessToken(String clientId, String tokenId, Set<String> scopes, @Nullable UUID sessionId) implements Credential {
        public AccessToken {
            scopes = Set.copyOf(scopes);
        }
    }
}
