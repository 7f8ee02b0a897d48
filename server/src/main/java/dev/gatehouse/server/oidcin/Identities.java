package dev.gatehouse.server.oidcin;

import dev.gatehouse.server.identityproviders.ExternalIdentity;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The person an ID token (and userinfo) describes, as provisioning reads it, with each preset's
 * quirks. Entra ID: the address is {@code email}, else {@code preferred_username} or {@code upn} when
 * they are addresses, and Entra does not vouch that a tenant's user owns it (the {@code email} claim is
 * editable and {@code email_verified} absent, the cause of "nOAuth"), so it counts as verified only in
 * the provider's own domains. Others: {@code email_verified} as the provider states it (Google and
 * Okta send it).
 */
final class Identities {

    private Identities() {}

    static ExternalIdentity of(IdentityProvider provider, OidcSettings settings, Map<String, Object> claims) {
        String subject = String.valueOf(claims.get("sub"));
        boolean entra = OidcSettings.ENTRA.equals(settings.preset());
        String email = text(claims, "email");
        if (email == null && entra) {
            email = address(text(claims, "preferred_username"));
            if (email == null) {
                email = address(text(claims, "upn"));
            }
        }
        email = address(email);
        boolean verified;
        if (email == null) {
            verified = false;
        } else if (entra) {
            String domain = email.substring(email.lastIndexOf('@') + 1);
            verified = provider.domains().stream().anyMatch(domain::equalsIgnoreCase);
        } else {
            Object stated = claims.get("email_verified");
            verified = Boolean.TRUE.equals(stated) || "true".equals(stated);
        }
        String username = settings.usernameClaim() == null ? null : text(claims, settings.usernameClaim());
        if (username == null) {
            username = text(claims, "preferred_username");
        }
        if (username == null) {
            username = email;
        }
        return new ExternalIdentity(subject, email, verified, username, text(claims, "given_name"),
                text(claims, "family_name"), strings(claims.get(settings.groupsClaim())), allClaims(claims));
    }

    private static @Nullable String address(@Nullable String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.strip();
        int at = trimmed.indexOf('@');
        return at > 0 && at == trimmed.lastIndexOf('@') && at < trimmed.length() - 1 && !trimmed.contains(" ")
                ? trimmed.toLowerCase(Locale.ROOT) : null;
    }

    private static @Nullable String text(Map<String, Object> claims, String name) {
        Object value = claims.get(name);
        return value instanceof String text && !text.isBlank() ? text.strip() : null;
    }

    private static List<String> strings(@Nullable Object value) {
        List<String> values = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                if (item instanceof String || item instanceof Number || item instanceof Boolean) {
                    values.add(String.valueOf(item));
                }
            }
        } else if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            values.add(String.valueOf(value));
        }
        return List.copyOf(values);
    }

    /** Every claim a mapping may name, as strings: scalars as one value, lists of scalars as theirs. */
    private static Map<String, List<String>> allClaims(Map<String, Object> claims) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            List<String> values = value instanceof TemporalAccessor || value instanceof java.net.URL
                    ? List.of(value.toString()) : strings(value);
            if (!values.isEmpty()) {
                all.put(name, values);
            }
        });
        return all;
    }
}
