package dev.gatehouse.server.oidcin;

import dev.gatehouse.server.console.SignInPages;
import dev.gatehouse.server.console.SsoSignInPages;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.identityproviders.IdentityProviders;
import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.shared.DoorTenant;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The browser's side of signing in through a tenant's OpenID Connect provider (public pages, no
 * session): the start sends it to the provider with a new state, nonce and PKCE challenge bound to a
 * cookie of this browser; the callback checks the answer (one use, ten minutes, same browser), lets
 * Spring's client exchange the code and validate the ID token, and hands the identity to the
 * console's SSO completion (provisioning, link consent, second factor, session). Every failure is
 * the sign-in page with a message, never an error page.
 */
@Controller
class OidcSignInController {

    static final String BASE = "/sso/oidc";
    static final String SIGN_OUT = BASE + "/sign-out";
    /** The browser a sign-in was started in: only its callback may complete it. */
    static final String BROWSER_COOKIE = "gatehouse_oidc";
    private static final String EXPIRED = "This sign-in expired or was already used. Start again from the sign-in page.";
    private static final String UNAVAILABLE = "This way of signing in is not available. Sign in another way or ask"
            + " your administrator.";
    private static final String THROTTLED = "Too many sign-in attempts from here. Wait a minute and try again.";
    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final Logger log = LoggerFactory.getLogger(OidcSignInController.class);

    private final IdentityProviders providers;
    private final OidcSignIn signIn;
    private final SignInRequests requests;
    private final ProviderSignOuts signOuts;
    private final SsoSignInPages pages;
    private final Throttle throttle;
    private final PublicUrl publicUrl;

    OidcSignInController(IdentityProviders providers, OidcSignIn signIn, SignInRequests requests,
            ProviderSignOuts signOuts, SsoSignInPages pages, Throttle throttle, PublicUrl publicUrl) {
        this.providers = providers;
        this.signIn = signIn;
        this.requests = requests;
        this.signOuts = signOuts;
        this.pages = pages;
        this.throttle = throttle;
        this.publicUrl = publicUrl;
    }

    @GetMapping(BASE + "/{tenant}/{providerId}")
    String start(@PathTenant(PathTenant.For.SIGN_IN) DoorTenant tenant, @PathVariable String providerId,
            @RequestParam(required = false) @Nullable String continueTo, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        if (tenant.suspended()) {
            return SignInPages.suspended(continueTo, model, response);
        }
        Optional<IdentityProvider> provider = provider(tenant, providerId);
        if (provider.isEmpty()) {
            return SignInPages.refused(UNAVAILABLE, continueTo, model, response);
        }
        OAuth2AuthorizationRequest authorization;
        try {
            authorization = signIn.authorizationRequest(provider.get(), request);
        } catch (DiscoveryDocuments.Failed e) {
            log.warn("OIDC provider {} of tenant {} cannot be used: {}", providerId, tenant.named(), e.getMessage());
            return SignInPages.refused(provider.get().name() + " cannot be reached just now. Try again in a few"
                    + " minutes.", continueTo, model, response);
        }
        String browser = browserCookie(request).orElseGet(Hashes::random);
        response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(BROWSER_COOKIE, browser).httpOnly(true)
                .secure(request.isSecure()).sameSite("Lax").path(BASE)
                .maxAge(SignInRequests.LIFETIME).build().toString());
        requests.save(provider.get().tenant(), provider.get().id(), browser, authorization,
                continueTo != null && continueTo.length() <= 4096 ? continueTo : null);
        return "redirect:" + authorization.getAuthorizationRequestUri();
    }

    @GetMapping(BASE + "/{tenant}/{providerId}/callback")
    String callback(@PathTenant(PathTenant.For.SIGN_IN) DoorTenant tenant, @PathVariable String providerId,
            @RequestParam Map<String, String> answer, Origin origin, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        Optional<TenantId> tenantId = tenant.active().map(active -> active.id());
        Throttle.Permit permit;
        try {
            // Failures weigh (a flood of forged callbacks, replayed codes); a completed sign-in gives its token back.
            permit = throttle.enter(new Throttle.Attempt(Throttle.Door.SIGN_IN, origin.ip(),
                    tenantId.<Throttle.Tenant>map(Throttle.Tenant.Id::new).orElse(new Throttle.Tenant.Unknown(tenant.named())),
                    null, origin.userAgent()));
        } catch (TooManyRequests refused) {
            String page = SignInPages.refused(THROTTLED, null, model, response);
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, String.valueOf(refused.retryAfterSeconds()));
            return page;
        }
        if (tenant.suspended()) {
            // Suspended between the redirect and the answer: the provider's word opens nothing now.
            return SignInPages.suspended(null, model, response);
        }
        String state = answer.get("state");
        Optional<SignInRequests.Pending> pending = state == null || state.isBlank() || state.length() > 512
                ? Optional.empty() : requests.take(state, browserCookie(request).orElse(null));
        Optional<IdentityProvider> provider = provider(tenant, providerId);
        if (pending.isEmpty() || provider.isEmpty() || !pending.get().tenant().equals(provider.get().tenant())
                || !pending.get().providerId().equals(provider.get().id())) {
            return SignInPages.refused(pending.isEmpty() ? EXPIRED : UNAVAILABLE, null, model, response);
        }
        String continueTo = pending.get().continueTo();
        Map<String, String> parameters = new LinkedHashMap<>(answer);
        OidcSignIn.Result result = signIn.finish(provider.get(), pending.get().request(), parameters);
        return switch (result) {
            case OidcSignIn.Result.Refused refused -> SignInPages.refused(refused.message(), continueTo, model, response);
            case OidcSignIn.Result.Proved proved -> {
                permit.succeeded();
                signOuts.remember(provider.get().tenant(), provider.get().id(), proved.idToken(), request, response);
                yield pages.complete(provider.get().tenant(), provider.get().id(), proved.identity(),
                        proved.multiFactor(), continueTo, model, request, response);
            }
        };
    }

    /** Where the console sends a browser whose session came from a provider: on to the provider's sign-out. */
    @GetMapping(SIGN_OUT)
    String signOut(Model model, HttpServletRequest request, HttpServletResponse response) {
        String signedOut = "redirect:/console/sign-in?signedOut";
        Optional<ProviderSignOuts.Ended> ended = signOuts.take(request, response);
        if (ended.isEmpty()) {
            return signedOut;
        }
        Optional<IdentityProvider> provider = providers.find(ended.get().tenant(), ended.get().providerId())
                .filter(found -> found.kind() == ProviderKind.OIDC);
        if (provider.isEmpty()) {
            return signedOut;
        }
        String endSession;
        try {
            endSession = signIn.endSessionEndpoint(provider.get());
        } catch (DiscoveryDocuments.Failed e) {
            log.warn("OIDC provider {} cannot be signed out of: {}", provider.get().id(), e.getMessage());
            return signedOut;
        }
        if (endSession == null) {
            return signedOut;
        }
        String url = UriComponentsBuilder.fromUriString(endSession)
                .queryParam("id_token_hint", ended.get().idToken())
                .queryParam("client_id", OidcSignIn.settings(provider.get()).clientId())
                .queryParam("post_logout_redirect_uri", publicUrl.base() + "/console/sign-in?signedOut")
                .encode().build().toUriString();
        model.addAttribute("endSession", url);
        model.addAttribute("providerName", provider.get().name());
        return "oidcin/signing-out";
    }

    /** The tenant's enabled OIDC provider the path names; empty for anything else (unknown, other tenant's, off). */
    private Optional<IdentityProvider> provider(DoorTenant tenant, String providerId) {
        Optional<UUID> id = Ids.parse(providerId);
        Optional<TenantId> tenantId = tenant.active().map(active -> active.id());
        if (id.isEmpty() || tenantId.isEmpty()) {
            return Optional.empty();
        }
        return providers.find(tenantId.get(), id.get())
                .filter(found -> found.kind() == ProviderKind.OIDC && found.enabled()
                        && found.tenant().equals(tenantId.get()));
    }

    private static Optional<String> browserCookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return Optional.empty();
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(BROWSER_COOKIE) && HANDLE.matcher(cookie.getValue()).matches()) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }
}
