package dev.gatehouse.examples.clinic;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.web.WebAttributes;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The clinic application's pages: sign in, who Gatehouse says you are (from the ID token), what Gatehouse's
 * API answers with your access token, and your tokens with a button that refreshes them.
 */
@Controller
class ClinicPages {

    /** One role the person holds, tenant-wide when {@code location} is null (the ID token's {@code roles} claim). */
    record HeldRole(String role, @Nullable String location) {}

    private final GatehouseApi gatehouse;
    private final TokenRefresh refresh;

    ClinicPages(GatehouseApi gatehouse, TokenRefresh refresh) {
        this.gatehouse = gatehouse;
        this.refresh = refresh;
    }

    @GetMapping("/")
    String home(@AuthenticationPrincipal @Nullable OidcUser user, HttpServletRequest request, Model model) {
        model.addAttribute("user", user);
        model.addAttribute("signInRefused", signInRefused(request));
        return "clinic/home";
    }

    /**
     * Why Gatehouse did not sign the person in, as its OAuth error code ({@code access_denied} when they refused
     * the consent): Spring Security sends a failed sign-in to {@code /?error} with the failure in the session.
     */
    private static @Nullable String signInRefused(HttpServletRequest request) {
        if (request.getParameter("error") == null) {
            return null;
        }
        HttpSession session = request.getSession(false);
        Object failure = session == null ? null : session.getAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        return failure instanceof OAuth2AuthenticationException refused ? refused.getError().getErrorCode() : "unknown";
    }

    @GetMapping("/signed-out")
    String signedOut() {
        return "clinic/signed-out";
    }

    @GetMapping("/me")
    String me(@AuthenticationPrincipal OidcUser user, Model model) {
        model.addAttribute("username", user.getPreferredUsername());
        model.addAttribute("tenant", user.getClaimAsString("tenant"));
        model.addAttribute("roles", roles(user));
        model.addAttribute("amr", user.getAuthenticationMethods());
        model.addAttribute("authTime", user.getAuthenticatedAt());
        return "clinic/me";
    }

    @GetMapping("/gatehouse")
    String callGatehouse(@AuthenticationPrincipal OidcUser user,
            @RegisteredOAuth2AuthorizedClient(ClinicSecurity.REGISTRATION) OAuth2AuthorizedClient client,
            @RequestParam(defaultValue = "appointments.read") String permission, Model model) {
        model.addAttribute("permission", permission);
        model.addAttribute("answers", List.of(gatehouse.me(client.getAccessToken()),
                gatehouse.check(client.getAccessToken(), user.getClaimAsString("tenant"), user.getSubject(), permission)));
        return "clinic/gatehouse";
    }

    @GetMapping("/tokens")
    String tokens(@RegisteredOAuth2AuthorizedClient(ClinicSecurity.REGISTRATION) OAuth2AuthorizedClient client, Model model) {
        model.addAttribute("accessToken", fingerprint(client.getAccessToken()));
        model.addAttribute("issuedAt", client.getAccessToken().getIssuedAt());
        model.addAttribute("expiresAt", client.getAccessToken().getExpiresAt());
        model.addAttribute("refreshToken", fingerprint(client.getRefreshToken()));
        return "clinic/tokens";
    }

    @PostMapping("/tokens/refresh")
    String refresh(@RegisteredOAuth2AuthorizedClient(ClinicSecurity.REGISTRATION) OAuth2AuthorizedClient client,
            Authentication signedIn, HttpServletRequest request, HttpServletResponse response, RedirectAttributes next) {
        try {
            OAuth2AuthorizedClient refreshed = refresh.refresh(client, signedIn, request, response);
            next.addFlashAttribute("refreshed", "Refreshed: access token " + fingerprint(client.getAccessToken()) + " replaced by "
                    + fingerprint(refreshed.getAccessToken()) + ", refresh token " + fingerprint(client.getRefreshToken())
                    + " replaced by " + fingerprint(refreshed.getRefreshToken()) + ".");
        } catch (OAuth2AuthorizationException refused) {
            next.addFlashAttribute("refused", "Gatehouse refused the refresh: " + refused.getError().getErrorCode());
        }
        return "redirect:/tokens";
    }

    @SuppressWarnings("unchecked")
    private static List<HeldRole> roles(OidcUser user) {
        Object claim = user.getClaims().get("roles");
        if (!(claim instanceof List<?> held)) {
            return List.of();
        }
        return held.stream().filter(Map.class::isInstance).map(each -> (Map<String, Object>) each)
                .map(each -> new HeldRole(String.valueOf(each.get("role")),
                        each.get("location") == null ? null : String.valueOf(each.get("location"))))
                .toList();
    }

    /** The first hex digits of a token's SHA-256: enough to tell two tokens apart without showing either. */
    static String fingerprint(@Nullable AbstractOAuth2Token token) {
        if (token == null) {
            return "none";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getTokenValue().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
