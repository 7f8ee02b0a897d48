package dev.gatehouse.server.console;

import dev.gatehouse.server.oidc.OidcClients;
import dev.gatehouse.server.oidc.OidcClients.ClientRequest;
import dev.gatehouse.server.oidc.OidcClients.ClientView;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PublicUrl;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The Applications screen: the tenant's OAuth clients (the applications that sign its users in through
 * Gatehouse), registering one, changing its addresses, rotating its secret and deleting it. Every action
 * goes through {@link OidcClients}, as the clients API does; a new or rotated secret is shown on the page
 * that answers the form, once, and is never stored anywhere it could be shown again.
 */
@Controller
class OAuthClientsController {

    /** Up to this many clients on the screen; a tenant has a handful of applications, not pages of them. */
    static final int SHOWN = 200;

    /** An indexed field of the service ({@code redirectUris[2]}): the console's field is the whole list. */
    private static final Pattern INDEXED = Pattern.compile("(\\w+)\\[(\\d+)]");

    /**
     * What the client forms post. URIs come one per line; grant types and scopes as checked boxes.
     * {@code firstParty} and {@code active} are checkboxes: absent (null) means unchecked.
     */
    record ClientForm(@Nullable String name, @Nullable String type, @Nullable String redirectUris,
            @Nullable String postLogoutRedirectUris, @Nullable List<String> grantTypes, @Nullable List<String> scopes,
            @Nullable String serviceAccount, @Nullable Boolean firstParty, @Nullable Boolean active) {

        static final ClientForm NEW = new ClientForm(null, "confidential", null, null,
                List.of("authorization_code", "refresh_token"), List.of("openid", "profile", "email", "roles"), null,
                false, true);

        static ClientForm of(ClientView client) {
            return new ClientForm(client.name(), client.type(), String.join("\n", client.redirectUris()),
                    String.join("\n", client.postLogoutRedirectUris()), client.grantTypes(), client.scopes(),
                    client.serviceAccount(), client.firstParty(), client.status().equals("ACTIVE"));
        }

        ClientRequest registration() {
            return new ClientRequest(name, type, lines(redirectUris), lines(postLogoutRedirectUris),
                    grantTypes == null ? List.of() : grantTypes, scopes == null ? List.of() : scopes, blankToNull(serviceAccount),
                    Boolean.TRUE.equals(firstParty), null);
        }

        /** The changes the edit form makes; the type never changes and a service account is not changed here. */
        ClientRequest change() {
            return new ClientRequest(name, null, lines(redirectUris), lines(postLogoutRedirectUris),
                    grantTypes == null ? List.of() : grantTypes, scopes == null ? List.of() : scopes, null,
                    Boolean.TRUE.equals(firstParty), Boolean.TRUE.equals(active) ? "ACTIVE" : "DISABLED");
        }

        private static List<String> lines(@Nullable String text) {
            return text == null ? List.of() : Arrays.stream(text.split("\\R")).map(String::strip).filter(line -> !line.isEmpty())
                    .toList();
        }

        private static @Nullable String blankToNull(@Nullable String text) {
            return text == null || text.isBlank() ? null : text.strip();
        }
    }

    /** The grant types and scopes the forms offer, in the order they are shown. */
    static final List<String> GRANT_TYPES = List.of("authorization_code", "refresh_token", "client_credentials");
    static final List<String> SCOPES = List.of("openid", "profile", "email", "roles", "gatehouse.api");

    private final OidcClients clients;
    private final PublicUrl publicUrl;

    OAuthClientsController(OidcClients clients, PublicUrl publicUrl) {
        this.clients = clients;
        this.publicUrl = publicUrl;
    }

    @GetMapping("/console/clients")
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String deleted,
            Model model) {
        model.addAttribute("notice", deleted == null ? null : "Application " + deleted + " deleted.");
        return listPage(caller, model, ClientForm.NEW);
    }

    @PostMapping("/console/clients")
    String register(@AuthenticationPrincipal Caller caller, @ModelAttribute("form") ClientForm form, Model model,
            Origin origin, HttpServletResponse response) {
        OidcClients.Created created;
        try {
            created = clients.create(caller, caller.tenant(), form.registration(), origin);
        } catch (ApiException e) {
            refused(e, model, response);
            return listPage(caller, model, form);
        }
        return secretPage(caller, model, created.client(), created.clientSecret(), "Application registered");
    }

    @GetMapping("/console/clients/{clientId}")
    String detail(@AuthenticationPrincipal Caller caller, @PathVariable String clientId,
            @RequestParam(required = false) @Nullable String saved, Model model) {
        model.addAttribute("notice", saved != null ? "Application saved." : null);
        ClientView client = clients.get(caller, caller.tenant(), clientId);
        return detailPage(caller, model, client, ClientForm.of(client));
    }

    @PostMapping("/console/clients/{clientId}")
    String save(@AuthenticationPrincipal Caller caller, @PathVariable String clientId,
            @ModelAttribute("form") ClientForm form, Model model, Origin origin, HttpServletResponse response) {
        ClientView client = clients.get(caller, caller.tenant(), clientId);
        try {
            clients.update(caller, caller.tenant(), clientId, form.change(), origin);
        } catch (ApiException e) {
            refused(e, model, response);
            return detailPage(caller, model, client, form);
        }
        return "redirect:/console/clients/" + clientId + "?saved";
    }

    @PostMapping("/console/clients/{clientId}/secret")
    String rotate(@AuthenticationPrincipal Caller caller, @PathVariable String clientId, Model model, Origin origin) {
        OidcClients.RotatedSecret rotated = clients.rotateSecret(caller, caller.tenant(), clientId, origin);
        return secretPage(caller, model, clients.get(caller, caller.tenant(), clientId), rotated.clientSecret(),
                "New secret");
    }

    /** From the Delete button (htmx, after its confirmation): back to the list. */
    @PostMapping("/console/clients/{clientId}/delete")
    String delete(@AuthenticationPrincipal Caller caller, @PathVariable String clientId, Model model, Origin origin,
            HttpServletRequest request, HttpServletResponse response) {
        ClientView client = clients.get(caller, caller.tenant(), clientId);
        clients.delete(caller, caller.tenant(), clientId, origin);
        String target = "/console/clients?deleted=" + URLEncoder.encode(client.name(), StandardCharsets.UTF_8);
        if (Htmx.isRequest(request)) {
            Htmx.redirect(response, target);
            return "console/clients/detail :: outcome";
        }
        return "redirect:" + target;
    }

    /** Bad input goes back to the form that caused it, each message under its field; other refusals are error pages. */
    private static void refused(ApiException e, Model model, HttpServletResponse response) {
        if (e.status() != HttpStatus.BAD_REQUEST) {
            throw e;
        }
        model.addAttribute("errors", e.errors().isEmpty() ? FormErrors.of(e) : FormErrors.fields(onFormFields(e.errors())));
        response.setStatus(e.status().value());
    }

    /** {@code redirectUris[1]: must be exact} becomes the text area's {@code redirectUris: line 2: must be exact}. */
    static List<FieldError> onFormFields(List<FieldError> errors) {
        return errors.stream().map(error -> {
            Matcher indexed = INDEXED.matcher(error.field());
            if (!indexed.matches()) {
                return error;
            }
            int line = Integer.parseInt(indexed.group(2)) + 1;
            String where = indexed.group(1).endsWith("Uris") ? "line " + line : "entry " + line;
            return new FieldError(indexed.group(1), where + ": " + error.message());
        }).toList();
    }

    private String listPage(Caller caller, Model model, ClientForm form) {
        model.addAttribute("clients", clients.list(caller, caller.tenant(), 0, SHOWN).items());
        model.addAttribute("form", form);
        options(model);
        return "console/clients/list";
    }

    private String detailPage(Caller caller, Model model, ClientView client, ClientForm form) {
        model.addAttribute("client", client);
        model.addAttribute("form", form);
        model.addAttribute("issuer", issuer(caller));
        options(model);
        return "console/clients/detail";
    }

    private String secretPage(Caller caller, Model model, ClientView client, @Nullable String secret, String heading) {
        model.addAttribute("client", client);
        model.addAttribute("secret", secret);
        model.addAttribute("heading", heading);
        model.addAttribute("issuer", issuer(caller));
        return "console/clients/secret";
    }

    private String issuer(Caller caller) {
        return publicUrl.base() + "/oauth2/" + caller.tenantSlug();
    }

    private static void options(Model model) {
        model.addAttribute("grantTypes", GRANT_TYPES);
        model.addAttribute("scopes", SCOPES);
    }
}
