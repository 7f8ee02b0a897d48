package dev.gatehouse.server.oidcin;

import dev.gatehouse.server.console.SignOutElsewhere;
import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Signing out at the provider too (OpenID Connect RP-Initiated Logout 1.0): a browser that signed in
 * through a provider holds a cookie naming a row of {@code oidc_sign_outs} with the ID token (sealed);
 * when its console session signs out, the row is marked ended and the console sends the browser to
 * {@link OidcSignInController#SIGN_OUT}, which takes the row once and sends the browser on to the
 * provider's {@code end_session_endpoint} with {@code id_token_hint}.
 */
@Component
class ProviderSignOuts implements SignOutElsewhere {

    static final String COOKIE = "gatehouse_oidc_signed_in";
    /** At least as long as any tenant lets a session live. */
    private static final Duration KEPT = Duration.ofDays(30);
    /** Between the console's sign-out and the browser's arrival at the sign-out page. */
    private static final Duration FOLLOW_WITHIN = Duration.ofMinutes(5);
    private static final String PURPOSE = "oidcin.id-token";

    /** An ended sign-in to end at its provider. */
    record Ended(TenantId tenant, UUID providerId, String idToken) {}

    private final JdbcClient jdbc;
    private final SecretBox box;
    private final Clock clock;

    ProviderSignOuts(JdbcClient jdbc, SecretBox box, Clock clock) {
        this.jdbc = jdbc;
        this.box = box;
        this.clock = clock;
    }

    /** Remembers this browser's sign-in through {@code providerId}, replacing what it held before. */
    void remember(TenantId tenant, UUID providerId, String idToken, HttpServletRequest request,
            HttpServletResponse response) {
        Instant now = clock.instant();
        jdbc.sql("delete from oidc_sign_outs where expires_at < :now").param("now", Timestamp.from(now)).update();
        cookie(request).ifPresent(old -> jdbc.sql("delete from oidc_sign_outs where handle_hash = :handle")
                .param("handle", Hashes.sha256(old)).update());
        String handle = Hashes.random();
        jdbc.sql("""
                insert into oidc_sign_outs (handle_hash, tenant_id, provider_id, id_token, expires_at)
                values (:handle, :tenant, :provider, :token, :expires)
                """).param("handle", Hashes.sha256(handle)).param("tenant", tenant.value()).param("provider", providerId)
                .param("token", box.seal(PURPOSE, idToken.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .param("expires", Timestamp.from(now.plus(KEPT))).update();
        write(handle, null, request, response);
    }

    @Override
    public @Nullable String afterSignOut(TenantId tenant, HttpServletRequest request, HttpServletResponse response) {
        Optional<String> handle = cookie(request);
        if (handle.isEmpty()) {
            return null;
        }
        int marked = jdbc.sql("""
                update oidc_sign_outs set ended_at = :now
                where handle_hash = :handle and tenant_id = :tenant and expires_at > :now
                """).param("now", Timestamp.from(clock.instant())).param("handle", Hashes.sha256(handle.get()))
                .param("tenant", tenant.value()).update();
        if (marked == 0) {
            write("", Duration.ZERO, request, response);
            return null;
        }
        return OidcSignInController.SIGN_OUT;
    }

    /** The ended sign-in this browser holds, taken once (and its cookie cleared). */
    Optional<Ended> take(HttpServletRequest request, HttpServletResponse response) {
        Optional<String> handle = cookie(request);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        write("", Duration.ZERO, request, response);
        Instant now = clock.instant();
        record Row(UUID tenant, UUID provider, byte[] token, @Nullable Timestamp ended) {}
        Optional<Row> row = jdbc.sql("""
                delete from oidc_sign_outs where handle_hash = :handle
                returning tenant_id, provider_id, id_token, ended_at
                """).param("handle", Hashes.sha256(handle.get()))
                .query((rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBytes(3),
                        rs.getTimestamp(4))).optional();
        if (row.isEmpty() || row.get().ended() == null
                || row.get().ended().toInstant().plus(FOLLOW_WITHIN).isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(new Ended(new TenantId(row.get().tenant()), row.get().provider(),
                new String(box.open(PURPOSE, row.get().token()), java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Optional<String> cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(COOKIE) && !cookie.getValue().isBlank()) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    /** HttpOnly, Lax, for the whole site (the console's sign-out reads it); Secure over TLS. */
    private static void write(String value, @Nullable Duration maxAge, HttpServletRequest request,
            HttpServletResponse response) {
        ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(COOKIE, value).httpOnly(true)
                .secure(request.isSecure()).sameSite("Lax").path("/");
        if (maxAge != null) {
            cookie.maxAge(maxAge);
        }
        response.addHeader(HttpHeaders.SET_COOKIE, cookie.build().toString());
    }
}
