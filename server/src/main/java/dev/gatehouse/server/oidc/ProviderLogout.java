package dev.gatehouse.server.oidc;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.Credentials;
import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcLogoutAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * RP-initiated logout ({@code …/logout}, OpenID Connect RP-Initiated Logout 1.0): once the server
 * has checked the {@code id_token_hint} (ours, of this tenant, for this client) and that the
 * {@code post_logout_redirect_uri} is one the client registered, the Gatehouse session the user
 * signed in to the client with (the ID token's {@code sid}) ends, audited as {@code LOGOUT}, and
 * with it every token issued through it, on every node (the session's end is announced:
 * {@link SessionClientNames}). The browser goes back to the registered URI only, or to
 * the console's sign-in page.
 */
@Component
class ProviderLogout implements AuthenticationSuccessHandler {

    private final Sessions sessions;
    private final Credentials users;
    private final Actors actors;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final Clock clock;

    ProviderLogout(Sessions sessions, Credentials users, Actors actors, AuditLog audit,
            TransactionTemplate transactions, Clock clock) {
        this.sessions = sessions;
        this.users = users;
        this.actors = actors;
        this.audit = audit;
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException {
        OidcLogoutAuthenticationToken logout = (OidcLogoutAuthenticationToken) authentication;
        OidcIdToken idToken = logout.getIdToken();
        Optional<TenantIssuer.Issuer> issuer = TenantIssuer.current();
        if (idToken != null && issuer.isPresent()) {
            Optional<UUID> user = Ids.parse(idToken.getSubject());
            Optional<UUID> session = Ids.parse(idToken.getClaimAsString("sid"));
            if (user.isPresent() && session.isPresent()) {
                // The ID token's audience is the client (the server checked it); client_id is optional.
                end(issuer.get().tenant(), user.get(), session.get(), idToken.getAudience().getFirst(),
                        Origin.of(request));
            }
        }
        String target = logout.getPostLogoutRedirectUri();
        if (StringUtils.hasText(target)) {
            UriComponentsBuilder back = UriComponentsBuilder.fromUriString(target);
            if (StringUtils.hasText(logout.getState())) {
                back.queryParam("state", logout.getState());
            }
            response.sendRedirect(back.encode().build().toUriString());
        } else {
            response.sendRedirect(ConsoleSignIn.SIGN_IN + "?signedOut");
        }
    }

    private void end(TenantId tenant, UUID user, UUID session, String clientId, Origin origin) {
        transactions.executeWithoutResult(status -> {
            if (sessions.endOf(tenant, user, session, clock.instant(), "LOGOUT")) {
                String username = users.byId(tenant, user).map(Credentials.Account::username).orElse(null);
                audit.record(tenant, "LOGOUT", actors.of(tenant, user, username),
                        new AuditLog.Target("session", session.toString(), username), origin.ip(),
                        origin.userAgent(), Map.of("client", clientId));
            }
        });
    }
}
