package dev.gatehouse.server.identityproviders;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A mapping rule: an external group, or a claim with a value, gives {@code role} (the role's key as
 * stored) tenant-wide or at {@code location} (a location id). Sign-ins and syncs set the user's
 * SSO-sourced assignments to exactly the roles their matching rules give.
 */
public record Mapping(@Nullable String claim, @Nullable String value, @Nullable String group, String role,
        @Nullable String location) {

    /**
     * With {@code group}: the identity's groups contain it, ignoring case (directories and IdPs
     * disagree on the case of group names); with {@code claim} and {@code value}: that claim's
     * values contain the value exactly.
     */
    public boolean matches(ExternalIdentity identity) {
        if (group != null) {
            String wanted = group.toLowerCase(Locale.ROOT);
            return identity.groups().stream().anyMatch(held -> held.toLowerCase(Locale.ROOT).equals(wanted));
        }
        if (claim != null && value != null) {
            Map<String, List<String>> claims = identity.claims();
            List<String> values = claims.get(claim);
            return values != null && values.contains(value);
        }
        return false;
    }
}
