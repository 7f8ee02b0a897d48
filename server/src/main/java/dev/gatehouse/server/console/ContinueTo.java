package dev.gatehouse.server.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Where sign-in continues after success when an application sent the user (the OpenID Connect
 * provider's authorize endpoint, {@code oidc.ConsoleSignIn}): only a local path to a tenant's
 * authorize endpoint, with its query — never another origin ({@code //host}, a scheme, a
 * backslash), so the sign-in page is no open redirect (OWASP, "Unvalidated Redirects"). It is
 * carried through the required actions (a password to change, a second factor to set up) that
 * sign-in may lead to first, and checked again at every step.
 *
 * <p>The sign-in page also keeps it in a cookie of its own until sign-in completes ({@link #keep},
 * issue 12): a user who opens another console page on the way (forgotten password, another way in)
 * and then signs in from a page that no longer carries it still goes back to the application. The
 * cookie is HttpOnly, SameSite=Lax, lives {@link #KEPT} at most, holds only a value {@link #safe}
 * accepted (and is checked again when read), and is cleared when a session is made.
 */
final class ContinueTo {

    private static final Pattern AUTHORIZE = Pattern.compile(
            "/oauth2/[A-Za-z0-9][A-Za-z0-9-]{0,62}/authorize(\\?[A-Za-z0-9._~%!$&'()*+,;=:@/?-]*)?");

    static final String COOKIE = "gatehouse_continue";
    static final String SECURE_COOKIE = "__Host-gatehouse-continue";
    static final Duration KEPT = Duration.ofMinutes(15);

    private ContinueTo() {}

    /** Keeps {@code value} for this browser until sign-in completes, when it is safe. */
    static void keep(@Nullable String value, HttpServletRequest request, HttpServletResponse response) {
        String safe = safe(value);
        if (safe != null) {
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(safe.getBytes(StandardCharsets.UTF_8));
            response.addHeader(HttpHeaders.SET_COOKIE, SessionCookie.build(cookie(request), encoded, request.isSecure(),
                    KEPT).toString());
        }
    }

    /** {@code value} when it is safe, else what the sign-in page kept for this browser, if safe. */
    static @Nullable String orKept(@Nullable String value, HttpServletRequest request) {
        String safe = safe(value);
        if (safe != null) {
            return safe;
        }
        return SessionCookie.read(request, cookie(request)).map(ContinueTo::decoded).map(ContinueTo::safe)
                .orElse(null);
    }

    /** Sign-in completed: nothing is kept any more. */
    static void forget(HttpServletRequest request, HttpServletResponse response) {
        if (SessionCookie.read(request, cookie(request)).isPresent()) {
            response.addHeader(HttpHeaders.SET_COOKIE, SessionCookie.build(cookie(request), "", request.isSecure(),
                    Duration.ZERO).toString());
        }
    }

    private static String cookie(HttpServletRequest request) {
        return request.isSecure() ? SECURE_COOKIE : COOKIE;
    }

    private static @Nullable String decoded(String cookie) {
        try {
            return new String(Base64.getUrlDecoder().decode(cookie), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }

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
