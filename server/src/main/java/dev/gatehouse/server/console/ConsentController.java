package dev.gatehouse.server.console;

import dev.gatehouse.server.oidc.OidcClients;
import dev.gatehouse.server.shared.Caller;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
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
 * tenant's authorize endpoint, which checks it against the pending request ({@code state}). Every
 * scope asked for is listed, in words or by its name ({@link #asked}).
 */
@Controller
class ConsentController {

    /**
     * What each scope lets the application do, as the user reads it, in the order the screen lists them
     * (the authorize endpoint hands the requested scopes over in no particular order).
     */
    private static final SequencedMap<String, String> MEANINGS = meanings();

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
        model.addAttribute("client", client);
        model.addAttribute("scopes", asked(scope));
        model.addAttribute("state", state);
        model.addAttribute("action", "/oauth2/" + caller.tenantSlug() + "/authorize");
        return "console/consent";
    }

    /**
     * Every scope asked for, each with what it lets the application do, or its own name when the
     * screen has no words for it: the known ones in the screen's order, then the rest by name. The
     * authorize endpoint refuses a scope the client was not allowed before anyone is asked, so an
     * unknown one reaches this screen only if a client may hold it; the user then still sees it.
     * {@code openid} is the sign-in itself, which the screen says in words of its own.
     */
    static List<Map<String, String>> asked(@Nullable String scope) {
        Set<String> requested = scope == null ? Set.of() : Arrays.stream(scope.split(" "))
                .filter(s -> !s.isBlank() && !s.equals("openid")).collect(Collectors.toCollection(TreeSet::new));
        List<Map<String, String>> asked = new ArrayList<>();
        MEANINGS.forEach((known, meaning) -> {
            if (requested.remove(known)) {
                asked.add(Map.of("scope", known, "meaning", meaning));
            }
        });
        requested.forEach(other -> asked.add(Map.of("scope", other, "meaning", other)));
        return List.copyOf(asked);
    }

    private static SequencedMap<String, String> meanings() {
        SequencedMap<String, String> meanings = new LinkedHashMap<>();
        meanings.put("profile", "See your name and username");
        meanings.put("email", "See your e-mail address");
        meanings.put("roles", "See your roles and where you hold them");
        meanings.put("gatehouse.api", "Use Gatehouse on your behalf, with your permissions");
        return Collections.unmodifiableSequencedMap(meanings);
    }
}
