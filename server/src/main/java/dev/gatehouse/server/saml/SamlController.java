package dev.gatehouse.server.saml;

import com.onelogin.saml2.settings.Metadata;
import dev.gatehouse.server.console.SignInPages;
import dev.gatehouse.server.console.SsoSignInPages;
import dev.gatehouse.server.identityproviders.IdentityProvider;
import dev.gatehouse.server.identityproviders.IdentityProviders;
import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.shared.DoorTenant;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.throttling.Throttle;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.cert.CertificateEncodingException;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The SAML endpoints of a tenant's identity provider, public (the browser has no session yet):
 * the SP metadata to load into the IdP, the start of a sign-in, and the assertion consumer. A
 * provider that does not exist, is disabled, is not SAML or belongs to another tenant answers 404,
 * and a response that is refused shows the sign-in page with one message: the audit trail has why.
 */
@Controller
class SamlController {

    static final String NOT_AVAILABLE = "This sign-in link is not valid. Start again from the sign-in page.";
    static final String FAILED = "Signing in with your organisation's identity provider did not work. Start again from"
            + " the sign-in page; if it keeps failing, tell your administrator.";

    private final IdentityProviders providers;
    private final ServiceProvider serviceProvider;
    private final SamlSignIns signIns;
    private final SsoSignInPages pages;
    private final Throttle throttle;

    SamlController(IdentityProviders providers, ServiceProvider serviceProvider, SamlSignIns signIns,
            SsoSignInPages pages, Throttle throttle) {
        this.providers = providers;
        this.serviceProvider = serviceProvider;
        this.signIns = signIns;
        this.pages = pages;
        this.throttle = throttle;
    }

    @GetMapping(ServiceProvider.PATH + "{tenant}/{provider}/metadata")
    ResponseEntity<String> metadata(@PathTenant(PathTenant.For.SIGN_IN) DoorTenant tenant,
            @PathVariable String provider)
            throws CertificateEncodingException {
        Optional<IdentityProvider> found = provider(tenant, provider);
        if (found.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.TEXT_PLAIN)
                    .body("no such SAML identity provider");
        }
        String xml = new Metadata(serviceProvider.settings(found.get())).getMetadataString();
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/samlmetadata+xml"))
                .cacheControl(CacheControl.noCache()).body(xml);
    }

    @GetMapping(ServiceProvider.PATH + "{tenant}/{provider}")
    String start(@PathTenant(PathTenant.For.SIGN_IN) DoorTenant tenant, @PathVariable String provider,
            @RequestParam(required = false) @Nullable String continueTo, Model model, HttpServletResponse response) {
        if (tenant.suspended()) {
            return SignInPages.suspended(continueTo, model, response);
        }
        Optional<IdentityProvider> found = provider(tenant, provider);
        if (found.isEmpty()) {
            String view = SignInPages.refused(NOT_AVAILABLE, continueTo, model, response);
            response.setStatus(HttpStatus.NOT_FOUND.value());
            return view;
        }
        String safe = continueTo != null && continueTo.length() <= 4096 ? continueTo : null;
        return "redirect:" + signIns.start(found.get(), safe);
    }

    @PostMapping(ServiceProvider.PATH + "{tenant}/{provider}/acs")
    @Nullable String consume(@PathTenant(PathTenant.For.SIGN_IN) DoorTenant tenant, @PathVariable String provider,
            @RequestParam(name = "SAMLResponse", required = false) @Nullable String samlResponse,
            @RequestParam(name = "RelayState", required = false) @Nullable String relayState, Origin origin,
            Model model, HttpServletRequest request, HttpServletResponse response) {
        if (tenant.suspended()) {
            return SignInPages.suspended(null, model, response);
        }
        Optional<IdentityProvider> found = provider(tenant, provider);
        if (found.isEmpty()) {
            String view = SignInPages.refused(NOT_AVAILABLE, null, model, response);
            response.setStatus(HttpStatus.NOT_FOUND.value());
            return view;
        }
        IdentityProvider idp = found.get();
        Throttle.Permit permit;
        try {
            // Refused responses weigh like wrong passwords, per address and tenant (the account is not known yet).
            permit = throttle.enter(new Throttle.Attempt(Throttle.Door.SIGN_IN, origin.ip(),
                    new Throttle.Tenant.Id(idp.tenant()), null, origin.userAgent()));
        } catch (TooManyRequests refused) {
            String view = SignInPages.refused("Too many attempts from your network. Wait "
                    + refused.retryAfterSeconds() + " seconds and try again.", null, model, response);
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
            return view;
        }
        SamlSignIns.Consumed consumed = permit.during(() -> signIns.consume(idp, samlResponse, relayState, origin));
        return switch (consumed) {
            case SamlSignIns.Consumed.Refused refused -> SignInPages.refused(FAILED, null, model, response);
            case SamlSignIns.Consumed.Proved proved -> {
                permit.succeeded();
                yield pages.complete(idp.tenant(), idp.id(), proved.identity(), proved.multiFactor(),
                        proved.continueTo(), model, request, response);
            }
        };
    }

    /** The enabled SAML provider the path names, within the active tenant the path names. */
    private Optional<IdentityProvider> provider(DoorTenant tenant, String providerId) {
        Optional<UUID> id = Ids.parse(providerId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return tenant.active()
                .flatMap(active -> providers.find(active.id(), id.get()))
                .filter(found -> found.kind() == ProviderKind.SAML && found.enabled()
                        && SamlConfig.of(found.config()).complete());
    }
}
