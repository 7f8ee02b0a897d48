package dev.gatehouse.server.console;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where sign-in continues after success when an application sent the user (the OpenID Connect
 * provider's authorize endpoint, {@code oidc.ConsoleSignIn}): only a local path to a tenant's
 * authorize endpoint, with its query — never another origin ({@code //host}, a scheme, a
 * backslash), so the sign-in page is no open redirect (OWASP, "Unvalidated Redirects").
 */
final class ContinueTo {

    private static final Pattern AUTHORIZE = Pattern.compile(
            "/oauth2/[A-Za-z0-9][A-Za-z0-9-]{0,62}/authorize(\\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?");

    private ContinueTo() {}

    /** {@code value} when it is a local authorize request, else null. */
    static @Nullable String safe(@Nullable String value) {
        return value != null && value.length() <= 4096 && AUTHORIZE.matcher(value).matches() ? value : null;
    }
}
