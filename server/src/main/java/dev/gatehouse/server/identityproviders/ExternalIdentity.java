package dev.gatehouse.server.identityproviders;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who a provider says signed in (or a directory lists): its stable {@code subject}, and what it
 * asserts about them. {@code emailVerified} is the provider's word that the address is theirs: only
 * then may the identity be linked to an existing account with that address.
 */
public record ExternalIdentity(String subject, @Nullable String email, boolean emailVerified,
        @Nullable String username, @Nullable String firstName, @Nullable String lastName,
        List<String> groups, Map<String, List<String>> claims) {

    public ExternalIdentity {
        groups = List.copyOf(groups);
        claims = Map.copyOf(claims);
    }
}
