package dev.gatehouse.server.console;

import dev.gatehouse.server.oidc.OidcClients;
import dev.gatehouse.server.shared.Caller;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The consent screen of a tenant's third-party application (first-party ones skip it): which
 * application asks for what, for the signed-in user to allow or refuse. The answer goes to the
 * tenant's authorize endpoint, which checks it against the pending request ({@code state}).
 */
@Controller
class ConsentController {

    /** What each scope lets the application do, as the user reads it. */
    private static final Map<String, String> MEANINGS = Map.of(
            "profile", "See your name and username",
            "email", "See your e-mail address",
            "roles", "See your roles and where you hold them",
            "gatehouse.api", "Use Gatehouse on your behalf, with your permissions");

    private final OidcClients clients;

    ConsentController(OidcClients clients) {
        this.clients = clients;
    }

    @GetMapping("/console/consent")
    String consent(@AuthenticationPrincipal Caller caller, @RequestParam("client_id") String clientId,
            @RequestParam(name = "scope", required = false) @Nullable String scope,
            @RequestParam("state") String state, Model model) {
        OidcClients.ClientView client = clients.forConsent(caller.tenant(), clientId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        List<String> asked = scope == null ? List.of() : Arrays.stream(scope.split(" "))
                .filter(MEANINGS::containsKey).toList();
        model.addAttribute("client", client);
        model.addAttribute("scopes", asked.stream().map(s -> Map.of("scope", s, "meaning", MEANINGS.get(s))).toList());
        model.addAttribute("state", state);
        model.addAttribute("action", "/oauth2/" + caller.tenantSlug() + "/authorize");
        return "console/consent";
    }
}
