package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.SignIn;
import dev.gatehouse.server.authentication.SignInService;
import dev.gatehouse.server.identityproviders.ExternalIdentity;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.identityproviders.IdentityProviders;
import dev.gatehouse.server.identityproviders.Provisioning;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TooManyRequests;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;

/**
 * The end of a sign-in through an identity provider (issue 15), for the protocols' callbacks
 * ({@code oidcin}, {@code saml}): provisions the user ({@link Provisioning#signIn}), then signs them
 * in as the password step would ({@link SignInService#external}: account rules, the second factor
 * unless the provider's proof covered one, the session), or asks the owner of an existing account
 * with the same verified e-mail address to consent to the link by proving its password.
 */
@Controller
public class SsoSignInPages {

    static final String LINK = ConsoleSecurity.SIGN_IN + "/sso/link";

    static final String NO_ACCOUNT = "Single sign-on did not complete: your organisation has no account for you here."
            + " Ask your administrator to add you.";
    static final String AWAITING_APPROVAL = "Your account waits for an administrator of your organisation to approve"
            + " it. You receive an e-mail once it is decided.";
    static final String NOT_COMPLETED = "Single sign-on did not complete. Try again, or ask your administrator.";
    static final String LINK_EXPIRED = "This request to link your account has expired. Sign in with single sign-on again.";
    static final String LINK_REFUSED = "That password is not right for this account, or the account cannot sign in right"
            + " now.";

    /** The consent form: the pending link's token travels in the body, never in a URL. */
    record LinkForm(@Nullable String linkToken, @Nullable String password, @Nullable String continueTo) {}

    /** What the consent page shows. */
    record LinkPage(String linkToken, String providerName, String username, @Nullable String continueTo) {}

    private final Provisioning provisioning;
    private final IdentityProviders providers;
    private final SignInService signIn;
    private final TenantDirectory tenants;
    private final Layout layout;

    SsoSignInPages(Provisioning provisioning, IdentityProviders providers, SignInService signIn,
            TenantDirectory tenants, Layout layout) {
        this.layout = layout;
        this.provisioning = provisioning;
        this.providers = providers;
        this.signIn = signIn;
        this.tenants = tenants;
    }

    /**
     * Completes a sign-in the provider proved: the view (or redirect) to answer the callback with.
     * {@code multiFactor}: the provider's proof covered a second factor (OIDC amr, SAML AuthnContext).
     */
    public String complete(TenantId tenant, UUID providerId, ExternalIdentity identity, boolean multiFactor,
            @Nullable String continueTo, Model model, HttpServletRequest request, HttpServletResponse response) {
        // The callbacks are the protocols' controllers, outside the console: its layout advice did not run.
        if (!model.containsAttribute("nav")) {
            model.addAllAttributes(layout.attributes(request));
        }
        Optional<IdentityProvider> provider = providers.find(tenant, providerId);
        if (provider.isEmpty()) {
            return SignInPages.refused(NOT_COMPLETED, continueTo, model, response);
        }
        Provisioning.Result result = provisioning.signIn(tenant, providerId, identity, Origin.of(request));
        return switch (result) {
            case Provisioning.Result.Ready ready -> signedIn(tenant, ready.userId(), provider.get(), multiFactor,
                    continueTo, model, request, response);
            case Provisioning.Result.ConsentNeeded consent -> linkPage(consent.linkToken(), continueTo, model)
                    .orElseGet(() -> SignInPages.refused(LINK_EXPIRED, continueTo, model, response));
            case Provisioning.Result.Refused refused -> SignInPages.refused(switch (refused.reason()) {
                case "no account" -> NO_ACCOUNT;
                case Provisioning.AWAITING_APPROVAL -> AWAITING_APPROVAL;
                default -> NOT_COMPLETED;
            }, continueTo, model, response);
        };
    }

    /**
     * The owner's consent: their account's password, through the password step itself (lockout,
     * throttling, audit); proved, the provider's identity is linked (once: the request is used up)
     * and the sign-in goes on as that step's outcome says.
     */
    @PostMapping(LINK)
    String link(@ModelAttribute("linkForm") LinkForm form, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        String token = form.linkToken() == null ? "" : form.linkToken();
        Optional<Provisioning.PendingLink> pending = token.isBlank() ? Optional.empty()
                : provisioning.pendingLink(token);
        if (pending.isEmpty()) {
            return SignInPages.refused(LINK_EXPIRED, form.continueTo(), model, response);
        }
        Provisioning.PendingLink link = pending.get();
        LinkPage page = new LinkPage(token, link.providerName(), link.username(), ContinueTo.safe(form.continueTo()));
        if (form.password() == null || form.password().isEmpty()) {
            model.addAttribute("link", page);
            model.addAttribute("errors", FormErrors.fields(List.of(new FieldError("password", "is required"))));
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return "console/sso-link";
        }
        SignIn.Outcome outcome;
        try {
            outcome = EnforcedSignOnGate.duringConsent(link.userId(),
                    () -> signIn.password(tenants.slug(link.tenant()), link.username(), form.password(), request));
        } catch (TooManyRequests e) {
            model.addAttribute("link", page);
            return ThrottledPages.show(e, "console/sso-link", model, response);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.UNAUTHORIZED) {
                throw e;
            }
            outcome = new SignIn.Refused();
        }
        if (outcome instanceof SignIn.Refused) {
            model.addAttribute("link", page);
            model.addAttribute("errors", FormErrors.fields(List.of(new FieldError("password", LINK_REFUSED))));
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            return "console/sso-link";
        }
        if (!(outcome instanceof SignIn.Expired) && provisioning.link(token, Origin.of(request)).isEmpty()) {
            return SignInPages.refused(LINK_EXPIRED, form.continueTo(), model, response);
        }
        return SignInPages.show(outcome, form.continueTo(), model, request, response);
    }

    private String signedIn(TenantId tenant, UUID user, IdentityProvider provider, boolean multiFactor,
            @Nullable String continueTo, Model model, HttpServletRequest request, HttpServletResponse response) {
        SignIn.Outcome outcome;
        try {
            outcome = signIn.external(tenant, user, provider.kind().name(), multiFactor, provider.id().toString(),
                    request);
        } catch (TooManyRequests e) {
            SignInPages.refused(NOT_COMPLETED, continueTo, model, response);
            return ThrottledPages.show(e, "console/sign-in", model, response);
        }
        return SignInPages.show(outcome, continueTo, model, request, response);
    }

    private Optional<String> linkPage(String token, @Nullable String continueTo, Model model) {
        return provisioning.pendingLink(token).map(link -> {
            model.addAttribute("link", new LinkPage(token, link.providerName(), link.username(),
                    ContinueTo.safe(continueTo)));
            return "console/sso-link";
        });
    }
}
