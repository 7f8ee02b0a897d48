package dev.gatehouse.server.console;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRepository;
import org.springframework.security.web.csrf.DefaultCsrfToken;

/**
 * CSRF tokens without an HttpSession and without storage: the token is an HMAC derived from a
 * secret the browser holds in an HttpOnly cookie and an attacker's page can neither read nor set.
 * Signed in, that secret is the Gatehouse session token itself, so the CSRF token is bound to the
 * session, dies with it, and is the same on every node. Before sign-in (the sign-in, invitation and
 * reset forms) it is a random pre-session cookie, which still stops login CSRF (docs/security.md,
 * "Console").
 */
public final class ConsoleCsrfTokens implements CsrfTokenRepository {

    static final String HEADER = "X-CSRF-TOKEN";
    static final String PARAMETER = "_csrf";
    static final String SEED_SECURE_NAME = "__Host-gatehouse-csrf";
    static final String SEED_PLAIN_NAME = "gatehouse_csrf";

    private static final String NEW_SEED = ConsoleCsrfTokens.class.getName() + ".newSeed";
    private static final byte[] PURPOSE = "gatehouse console csrf v1".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public @Nullable CsrfToken loadToken(HttpServletRequest request) {
        String binding = binding(request);
        return binding == null ? null : token(binding);
    }

    @Override
    public CsrfToken generateToken(HttpServletRequest request) {
        String live = ConsoleSessionFilter.liveToken(request);
        if (live != null) {
            return token(live);
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String seed = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        request.setAttribute(NEW_SEED, seed);
        return token(seed);
    }

    @Override
    public void saveToken(@Nullable CsrfToken token, HttpServletRequest request, HttpServletResponse response) {
        String name = request.isSecure() ? SEED_SECURE_NAME : SEED_PLAIN_NAME;
        if (token == null) {
            response.addHeader(HttpHeaders.SET_COOKIE,
                    SessionCookie.build(name, "", request.isSecure(), Duration.ZERO).toString());
        } else if (request.getAttribute(NEW_SEED) instanceof String seed) {
            response.addHeader(HttpHeaders.SET_COOKIE, SessionCookie.build(name, seed, request.isSecure(), null).toString());
        }
    }

    /** The live session's token when signed in, else the pre-session seed, else nothing yet. */
    private static @Nullable String binding(HttpServletRequest request) {
        String live = ConsoleSessionFilter.liveToken(request);
        if (live != null) {
            return live;
        }
        return SessionCookie.read(request, request.isSecure() ? SEED_SECURE_NAME : SEED_PLAIN_NAME).orElse(null);
    }

    private static CsrfToken token(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String value = Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(PURPOSE));
            return new DefaultCsrfToken(HEADER, PARAMETER, value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
