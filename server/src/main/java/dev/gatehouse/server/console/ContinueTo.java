package dev.gatehouse.server.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where sign-in continues after success when an application sent the user (the OpenID Connect
 * provider's authorize endpoint, {@code oidc.ConsoleSignIn}): only a local path to a tenant's
 * authorize endpoint, with its query — never another origin ({@code //host}, a scheme, a
 * backslash), so the sign-in page is no open redirect (OWASP, "Unvalidated Redirects"). It is
 * carried through the required actions (a password to change, a second factor to set up) that
 * sign-in may lead to first, and checked again at every step.
 */
final class ContinueTo {

    private static final Pattern AUTHORIZE = Pattern.compile(
            "/oauth2/[A-Za-z0-9][A-Za-z0-9-]{0,62}/authorize(\\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?");

    private ContinueTo() {}

    /** {@code value} when it is a local authorize request, else null. */
    static @Nullable String safe(@Nullable String value) {
        return value != null && value.length() <= 4096 && AUTHORIZE.matcher(value).matches() ? value : null;
    }

    /** {@code page} carrying {@code value} along when it is safe, else {@code page} alone. */
    static String via(String page, @Nullable String value) {
        String safe = safe(value);
        return safe == null ? page : page + "?continueTo=" + URLEncoder.encode(safe, StandardCharsets.UTF_8);
    }

    /**
     * Where a user goes once a required action is done: the next one still pending ({@code
     * remaining}), carrying the continuation; else back to the application; else {@code otherwise}.
     */
    static String afterRequiredAction(List<String> remaining, @Nullable String value, String otherwise) {
        String next = RequiredActionsRedirect.pageFor(remaining);
        if (next != null) {
            return via(next, value);
        }
        String safe = safe(value);
        return safe != null ? safe : otherwise;
    }
}
