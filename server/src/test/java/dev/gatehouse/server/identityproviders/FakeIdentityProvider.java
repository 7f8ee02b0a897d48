package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.console.SsoSignInPages;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.HtmlUtils;

/**
 * Tests only: an "identity provider" at a public console path that asks for an e-mail address and
 * vouches for it (verified, subject {@code fake|<address>}, group {@code nurses}), then ends the
 * sign-in as a protocol's callback does, through {@link SsoSignInPages#complete}. A test component:
 * never scanned, only in the contexts that import {@link TestProtocols}.
 */
@TestComponent
@Controller
class FakeIdentityProvider {

    static final String PATH = "/console/sign-in/test-idp";

    private final SsoSignInPages pages;
    private final TenantDirectory tenants;

    FakeIdentityProvider(SsoSignInPages pages, TenantDirectory tenants) {
        this.pages = pages;
        this.tenants = tenants;
    }

    @GetMapping(value = PATH + "/{tenant}/{provider}", produces = MediaType.TEXT_HTML_VALUE)
    ResponseEntity<String> page(@PathVariable String tenant, @PathVariable UUID provider,
            @RequestParam(required = false) @Nullable String continueTo) {
        String action = PATH + "/" + HtmlUtils.htmlEscape(tenant) + "/" + provider + "/callback";
        return ResponseEntity.ok("""
                <!DOCTYPE html><html lang="en"><head><title>Fake IdP</title></head><body><main>
                <h1>Fake IdP</h1><form method="get" action="%s">
                <input type="hidden" name="continueTo" value="%s">
                <label for="email">IdP e-mail</label><input id="email" name="email">
                <button type="submit">Vouch</button></form></main></body></html>
                """.formatted(action, continueTo == null ? "" : HtmlUtils.htmlEscape(continueTo)));
    }

    @GetMapping(PATH + "/{tenant}/{provider}/callback")
    String callback(@PathVariable String tenant, @PathVariable UUID provider, @RequestParam String email,
            @RequestParam(required = false) @Nullable String continueTo, Model model, HttpServletRequest request,
            HttpServletResponse response) {
        TenantId id = tenants.idOf(tenant).orElseThrow();
        ExternalIdentity identity = new ExternalIdentity("fake|" + email, email, true, null, "Fay", "Keidp",
                List.of("nurses"), Map.of());
        return pages.complete(id, provider, identity, false, continueTo == null || continueTo.isBlank() ? null
                : continueTo, model, request, response);
    }
}
