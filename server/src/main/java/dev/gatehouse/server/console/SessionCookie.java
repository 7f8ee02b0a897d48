package dev.gatehouse.server.console;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * The console's session cookie: it carries the opaque Gatehouse session token, HttpOnly and
 * SameSite=Lax. Over TLS it is {@code __Host-gatehouse}, Secure, host-only and on path {@code /},
 * so no sibling subdomain can plant or read it. Plain HTTP (localhost development) cannot carry a
 * Secure or {@code __Host-} cookie reliably, so there it is {@code gatehouse_session} without Secure
 * (docs/security.md, "Console").
 */
final class SessionCookie {

    static final String SECURE_NAME = "__Host-gatehouse";
    static final String PLAIN_NAME = "gatehouse_session";

    private SessionCookie() {}

    static String name(HttpServletRequest request) {
        return request.isSecure() ? SECURE_NAME : PLAIN_NAME;
    }

    static Optional<String> read(HttpServletRequest request) {
        return read(request, name(request));
    }

    static Optional<String> read(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(name) && !cookie.getValue().isEmpty()) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    /** Sets the cookie for the browser session (no Max-Age): the server's session decides how long it lives. */
    static void write(String token, HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, build(name(request), token, request.isSecure(), null).toString());
    }

    static void clear(HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, build(name(request), "", request.isSecure(), Duration.ZERO).toString());
    }

    static ResponseCookie build(String name, String value, boolean secure, @Nullable Duration maxAge) {
        ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(name, value)
                .httpOnly(true).secure(secure).sameSite("Lax").path("/");
        if (maxAge != null) {
            cookie.maxAge(maxAge);
        }
        return cookie.build();
    }
}
