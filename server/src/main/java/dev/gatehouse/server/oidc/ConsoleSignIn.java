package dev.gatehouse.server.oidc;

import dev.gatehouse.server.authentication.SessionResolver;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The user signs in to an application on Gatehouse's own console sign-in page (tenant, password,
 * second factor, lockout, throttling — all the console's): the authorize endpoint knows the user
 * by the console's session cookie, and sends anyone else to the sign-in page with the tenant
 * filled in and the authorize request to come back to. A console session of another tenant is
 * nobody here: its user signs in again, to this tenant. A session with required actions pending
 * (a password to change, a second factor to set up) is nobody either, until they are done.
 *
 * <p>The cookie's names are the console's ({@code console.SessionCookie}); they are repeated here
 * because the console depends on this package (its clients screen), not the other way round.
 */
@Component
class ConsoleSignIn {

    static final String SIGN_IN = "/console/sign-in";
    private static final List<String> COOKIES = List.of("__Host-gatehouse", "gatehouse_session");

    private final Sessions sessions;
    private final Clock clock;

    ConsoleSignIn(Sessions sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Where an unauthenticated authorize request goes: the sign-in page, and back to this very request. */
    String signInUrl(HttpServletRequest request) {
        String back = request.getRequestURI() + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
        String tenant = TenantIssuer.current().map(TenantIssuer.Issuer::slug).orElse("");
        return SIGN_IN + "?tenant=" + ProviderConfiguration.encoded(tenant) + "&continueTo="
                + ProviderConfiguration.encoded(back);
    }

    /** Makes the console session's user the principal of the requests {@code matcher} picks (the authorize endpoint). */
    OncePerRequestFilter filter(SessionResolver resolver, RequestMatcher matcher) {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                    FilterChain chain) throws ServletException, IOException {
                if (matcher.matches(request)) {
                    signedIn(resolver, request).ifPresent(caller -> SecurityContextHolder.getContext()
                            .setAuthentication(principal(caller)));
                }
                chain.doFilter(request, response);
            }
        };
    }

    private Optional<Caller> signedIn(SessionResolver resolver, HttpServletRequest request) {
        String token = cookie(request);
        Optional<TenantIssuer.Issuer> issuer = TenantIssuer.current();
        if (token == null || issuer.isEmpty()) {
            return Optional.empty();
        }
        if (resolver.resolve(token, request) instanceof SessionResolver.Live live
                && live.caller().tenant().equals(issuer.get().tenant())
                && live.caller().requiredActions().isEmpty()
                && live.caller().impersonatedBy() == null
                && live.caller().sessionId() != null) {
            return Optional.of(live.caller());
        }
        return Optional.empty();
    }

    /**
     * The principal an authorization keeps: the user's id as its name, and the session as its
     * details, with when the user last proved a factor and how ({@code amr}): what the session
     * recorded at sign-in, not what the account holds now (an authenticator set up after signing in
     * with a password alone proved nothing at that sign-in).
     */
    private UsernamePasswordAuthenticationToken principal(Caller caller) {
        Instant authTime = sessions.authenticatedAt(caller.tenant(), caller.sessionId()).orElse(clock.instant());
        List<String> amr = amr(sessions.signInMethods(caller.tenant(), caller.sessionId()));
        // The server reads auth_time from the factors' authorities (Spring Security 7's FactorGrantedAuthority).
        UsernamePasswordAuthenticationToken principal = UsernamePasswordAuthenticationToken.authenticated(
                caller.userId().toString(), null, List.of(FactorGrantedAuthority
                        .withAuthority(FactorGrantedAuthority.PASSWORD_AUTHORITY).issuedAt(authTime).build()));
        principal.setDetails(new SignedInSession(caller.tenant().value(), caller.sessionId(), authTime, amr));
        return principal;
    }

    /**
     * RFC 8176's names for the methods a session recorded: {@code pwd} for the password (or a
     * directory's), {@code otp} for a one-time code (an authenticator app's, an e-mailed one, a
     * recovery code), {@code hwk} for a passkey, and {@code mfa} when more than one kind of factor was
     * proved, here or at the identity provider.
     */
    static List<String> amr(List<String> methods) {
        Set<String> amr = new LinkedHashSet<>();
        for (String method : methods) {
            switch (method) {
                case "PASSWORD", "LDAP" -> amr.add("pwd");
                case "TOTP", "EMAIL_CODE", "RECOVERY_CODE" -> amr.add("otp");
                // A passkey is a hardware-held key; an identity provider's own second factor (issue 15)
                // is known only as "more than one factor".
                case "PASSKEY" -> amr.add("hwk");
                case "MFA_ELSEWHERE" -> amr.add("mfa");
                // A method this version does not know claims nothing: amr says only what is known to be proved.
                default -> { }
            }
        }
        if (amr.size() > 1) {
            amr.add("mfa");
        }
        return List.copyOf(amr);
    }

    private static @Nullable String cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        String wanted = request.isSecure() ? COOKIES.getFirst() : COOKIES.getLast();
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(wanted) && !cookie.getValue().isEmpty()) {
                return cookie.getValue();
            }
        }
        return null;
    }
}
