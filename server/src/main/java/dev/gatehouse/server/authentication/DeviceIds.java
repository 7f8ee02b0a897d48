package dev.gatehouse.server.authentication;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Which device a request comes from (issue 15, device awareness): an API client's
 * {@code X-Gatehouse-Device} header, else the browser's device cookie, else none. The cookie is a
 * random 256-bit id, HttpOnly and SameSite=Lax, kept for 400 days (the longest browsers allow); over
 * TLS it is {@code __Host-gh_device} (Secure, host-only, path {@code /}), on plain HTTP (localhost
 * development) {@code gh_device}, as the session cookie does. The id is stored only hashed, per user
 * ({@link #hash}), so no stored value links the accounts one browser signed in to.
 */
final class DeviceIds {

    static final String HEADER = "X-Gatehouse-Device";
    static final String SECURE_COOKIE = "__Host-gh_device";
    static final String PLAIN_COOKIE = "gh_device";
    static final Duration COOKIE_LIFE = Duration.ofDays(400);

    /** An id a client chose: 16 to 128 URL-safe characters (a UUID or 128+ random bits, encoded). */
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{16,128}");
    /** The cookie's own spelling: 32 random bytes, base64url without padding. */
    private static final Pattern COOKIE_ID = Pattern.compile("[A-Za-z0-9_-]{43}");

    /** Where a device id given to this very request (a cookie just set) is kept for the rest of it. */
    private static final String ATTRIBUTE = DeviceIds.class.getName();

    private DeviceIds() {}

    /** The request's device id: the header when well-formed, else the device cookie; null when neither. */
    static @Nullable String of(HttpServletRequest request) {
        String header = request.getHeader(HEADER);
        if (header != null && CLIENT_ID.matcher(header.strip()).matches()) {
            return header.strip();
        }
        if (request.getAttribute(ATTRIBUTE) instanceof String given) {
            return given;
        }
        return cookie(request);
    }

    /** The device id of the request being served on this thread, or null outside one. */
    static @Nullable String ofCurrentRequest() {
        return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes
                ? of(attributes.getRequest()) : null;
    }

    /**
     * The stored form of a device for one user: a device id's hash, or, for a client that sends none,
     * the hash of its coarse fingerprint (a label such as "Chrome on Windows").
     */
    static byte[] hash(UUID user, @Nullable String deviceId, String label) {
        return hash(user, key(deviceId, label));
    }

    /** {@link #hash} of a device {@link #key}. */
    static byte[] hash(UUID user, String key) {
        return Tokens.hash(user + key);
    }

    /**
     * What {@link #hash} hashes after the user's id; {@link FirstStepFacts} hashes it in SQL beside the
     * account's id, before the id is known here: SHA-256 of the UTF-8 text, as {@link Tokens#hash}.
     */
    static String key(@Nullable String deviceId, String label) {
        return deviceId != null ? ":id:" + deviceId : ":fingerprint:" + label;
    }

    private static @Nullable String cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        String name = request.isSecure() ? SECURE_COOKIE : PLAIN_COOKIE;
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(name) && COOKIE_ID.matcher(cookie.getValue()).matches()) {
                return cookie.getValue();
            }
        }
        return null;
    }

    /**
     * Gives a browser its device cookie on the pages where a sign-in starts or completes (the
     * console's sign-in pages and the SSO start and return paths), so the sign-in on that request
     * already knows the device.
     */
    static final class CookieFilter extends OncePerRequestFilter {

        /**
         * The console's sign-in pages, and the SSO paths reached by a top-level navigation (GET). A
         * provider's cross-site POST (a SAML response to the ACS) never carries a SameSite=Lax cookie:
         * its absence there says nothing, and a new cookie would replace the browser's own, making it
         * a new device at every such sign-in; such a request is judged by its fingerprint instead.
         */
        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            String path = request.getRequestURI().substring(request.getContextPath().length());
            return !(path.startsWith("/console/sign-in")
                    || (path.startsWith("/sso/") && "GET".equals(request.getMethod())));
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (cookie(request) == null) {
                String id = Tokens.newToken();
                request.setAttribute(ATTRIBUTE, id);
                response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie
                        .from(request.isSecure() ? SECURE_COOKIE : PLAIN_COOKIE, id)
                        .httpOnly(true).secure(request.isSecure()).sameSite("Lax").path("/").maxAge(COOKIE_LIFE)
                        .build().toString());
            }
            chain.doFilter(request, response);
        }
    }
}
