package dev.gatehouse.server.console;

import dev.gatehouse.server.identityproviders.Mapping;
import dev.gatehouse.server.identityproviders.ProviderKind;
import dev.gatehouse.server.identityproviders.ProviderRegistry;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Identity providers screen (issue 15): the tenant's OIDC, SAML and LDAP providers, connecting one,
 * changing and removing it, through {@link ProviderRegistry} as the API does (so the same checks: domains,
 * mappings no caller could give themselves, the protocol's config). Each kind's config is a set of plain
 * fields; secrets are write-only (left blank, the stored one is kept). The page shows what to paste into
 * the identity provider: the OIDC redirect URI, the SAML ACS and metadata URLs.
 */
@Controller
class IdentityProvidersPageController {

    static final String PATH = "/console/identity-providers";

    /** One config field of a kind's form: TEXT, SECRET (write-only), AREA (multi-line), CHECK, NUMBER or LIST. */
    record ConfigField(String name, String label, String type, String help) {}

    /** The config fields of each kind, as the protocols read them (docs/security.md, "Identity providers and JIT"). */
    static final Map<ProviderKind, List<ConfigField>> FIELDS = Map.of(
            ProviderKind.OIDC, List.of(
                    new ConfigField("issuer", "Issuer URL", "TEXT", "https://…; derived from the preset's fields when one is chosen"),
                    new ConfigField("tenantId", "Entra tenant id", "TEXT", "preset ENTRA"),
                    new ConfigField("domain", "Okta domain", "TEXT", "preset OKTA, e.g. clinic.okta.com"),
                    new ConfigField("hostedDomain", "Google Workspace domain", "TEXT", "preset GOOGLE (the hd claim)"),
                    new ConfigField("clientId", "Client id", "TEXT", ""),
                    new ConfigField("clientSecret", "Client secret", "SECRET", ""),
                    new ConfigField("scopes", "Scopes", "TEXT", "default: openid email profile"),
                    new ConfigField("usernameClaim", "Username claim", "TEXT", ""),
                    new ConfigField("groupsClaim", "Groups claim", "TEXT", "")),
            ProviderKind.SAML, List.of(
                    new ConfigField("idpMetadataUrl", "IdP metadata URL", "TEXT", "https://…, or paste the XML below"),
                    new ConfigField("idpMetadataXml", "IdP metadata XML", "AREA", ""),
                    new ConfigField("wantAssertionsEncrypted", "Ask for encrypted assertions", "CHECK", ""),
                    new ConfigField("emailAttribute", "E-mail attribute", "TEXT", ""),
                    new ConfigField("firstNameAttribute", "First name attribute", "TEXT", ""),
                    new ConfigField("lastNameAttribute", "Last name attribute", "TEXT", ""),
                    new ConfigField("groupsAttribute", "Groups attribute", "TEXT", "")),
            ProviderKind.LDAP, List.of(
                    new ConfigField("url", "Directory URL", "TEXT", "ldap://… or ldaps://…"),
                    new ConfigField("bindDn", "Bind DN", "TEXT", ""),
                    new ConfigField("bindPassword", "Bind password", "SECRET", ""),
                    new ConfigField("userBaseDn", "User base DN", "TEXT", ""),
                    new ConfigField("userFilter", "User filter", "TEXT", "default: (objectClass=person)"),
                    new ConfigField("usernameAttribute", "Username attribute", "TEXT", "default uid; AD: sAMAccountName"),
                    new ConfigField("emailAttribute", "E-mail attribute", "TEXT", ""),
                    new ConfigField("firstNameAttribute", "First name attribute", "TEXT", ""),
                    new ConfigField("lastNameAttribute", "Last name attribute", "TEXT", ""),
                    new ConfigField("groupAttribute", "Group attribute", "TEXT", "e.g. memberOf"),
                    new ConfigField("groupBaseDn", "Group base DN", "TEXT", ""),
                    new ConfigField("groupFilter", "Group filter", "TEXT", ""),
                    new ConfigField("disabledAttribute", "Disabled attribute", "TEXT", "AD: userAccountControl"),
                    new ConfigField("syncIntervalMinutes", "Sync every (minutes)", "NUMBER", "0: on demand only; else 15 or more"),
                    new ConfigField("passwordSignIn", "Password sign-in through the directory", "CHECK", ""),
                    new ConfigField("startTls", "StartTLS", "CHECK", "")));

    /** Every kind also takes these: usernames still allowed to sign in with a password when enforced. */
    static final ConfigField BREAK_GLASS = new ConfigField("breakGlassUsers", "Break-glass usernames", "LIST",
            "comma-separated; besides holders of identity-providers.manage, who always may");

    private static final Pattern INDEXED = Pattern.compile("(domains|mappings)\\[(\\d+)](?:\\.\\w+)?");
    /** {@code group nurses -> provider} or {@code claim dept=frontdesk -> front_desk @ <location id>}. */
    private static final Pattern MAPPING = Pattern.compile(
            "\\s*(group|claim)\\s+(.+?)\\s*->\\s*(\\S+)\\s*(?:@\\s*(\\S+))?\\s*");

    private final ProviderRegistry registry;

    IdentityProvidersPageController(ProviderRegistry registry) {
        this.registry = registry;
    }

    @GetMapping(PATH)
    String list(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String deleted,
            Model model) {
        model.addAttribute("notice", deleted == null ? null : "Identity provider " + deleted + " removed.");
        model.addAttribute("providers", registry.list(caller, caller.tenant()));
        model.addAttribute("kinds", registry.availableKinds().stream().sorted().toList());
        return "console/identity-providers/list";
    }

    @GetMapping(PATH + "/new")
    String newForm(@AuthenticationPrincipal Caller caller, @RequestParam String kind, Model model) {
        registry.list(caller, caller.tenant());
        ProviderKind chosen = kindOf(kind);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("enabled", "true");
        return formPage(model, chosen, null, values, List.of());
    }

    @PostMapping(PATH)
    String create(@AuthenticationPrincipal Caller caller, @RequestParam MultiValueMap<String, String> form, Model model,
            Origin origin, HttpServletResponse response) {
        ProviderKind kind = kindOf(form.getFirst("kind"));
        ObjectNode body = body(kind, form, List.of());
        body.put("kind", kind.name());
        ProviderRegistry.View created;
        try {
            created = registry.create(caller, caller.tenant(), body, origin);
        } catch (ApiException e) {
            refused(e, model, response);
            return formPage(model, kind, null, form.toSingleValueMap(), List.of());
        }
        return "redirect:" + PATH + "/" + created.id() + "?saved";
    }

    @GetMapping(PATH + "/{id}")
    String detail(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam(required = false) @Nullable String saved, Model model) {
        ProviderRegistry.View provider = registry.get(caller, caller.tenant(), Ids.inPath(id, "identity provider"));
        model.addAttribute("notice", saved == null ? null : "Identity provider saved.");
        return formPage(model, provider.kind(), provider, values(provider), provider.secretsSet());
    }

    @PostMapping(PATH + "/{id}")
    String save(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestParam MultiValueMap<String, String> form, Model model, Origin origin,
            HttpServletResponse response) {
        UUID providerId = Ids.inPath(id, "identity provider");
        ProviderRegistry.View provider = registry.get(caller, caller.tenant(), providerId);
        try {
            registry.update(caller, caller.tenant(), providerId, body(provider.kind(), form, provider.secretsSet()),
                    origin);
        } catch (ApiException e) {
            refused(e, model, response);
            return formPage(model, provider.kind(), provider, form.toSingleValueMap(), provider.secretsSet());
        }
        return "redirect:" + PATH + "/" + providerId + "?saved";
    }

    /** From the Remove button (htmx, after its confirmation): back to the list. */
    @PostMapping(PATH + "/{id}/delete")
    String delete(@AuthenticationPrincipal Caller caller, @PathVariable String id, Origin origin,
            HttpServletRequest request, HttpServletResponse response) {
        UUID providerId = Ids.inPath(id, "identity provider");
        ProviderRegistry.View provider = registry.get(caller, caller.tenant(), providerId);
        registry.delete(caller, caller.tenant(), providerId, origin);
        String target = PATH + "?deleted=" + URLEncoder.encode(provider.name(), StandardCharsets.UTF_8);
        if (Htmx.isRequest(request)) {
            Htmx.redirect(response, target);
            return "console/identity-providers/form :: outcome";
        }
        return "redirect:" + target;
    }

    private String formPage(Model model, ProviderKind kind, ProviderRegistry.@Nullable View provider,
            Map<String, String> values, List<String> secretsSet) {
        model.addAttribute("kind", kind);
        model.addAttribute("provider", provider);
        model.addAttribute("values", values);
        model.addAttribute("secretsSet", secretsSet);
        List<ConfigField> fields = new java.util.ArrayList<>(FIELDS.get(kind));
        fields.add(BREAK_GLASS);
        model.addAttribute("configFields", fields);
        model.addAttribute("available", registry.availableKinds().contains(kind));
        return "console/identity-providers/form";
    }

    /** The API body a form makes: the same fields and checks as the API; blank secrets keep what is stored. */
    static ObjectNode body(ProviderKind kind, MultiValueMap<String, String> form, List<String> secretsSet) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode body = nodes.objectNode();
        body.put("name", text(form, "name"));
        String preset = text(form, "preset");
        body.put("preset", kind == ProviderKind.OIDC && !preset.isEmpty() ? preset : null);
        ArrayNode domains = body.putArray("domains");
        lines(text(form, "domains")).forEach(domains::add);
        body.put("jitProvisioning", checked(form, "jitProvisioning"));
        body.put("enforced", checked(form, "enforced"));
        body.put("enabled", checked(form, "enabled"));
        ArrayNode mappings = body.putArray("mappings");
        for (String line : text(form, "mappings").split("\\R")) {
            if (!line.isBlank()) {
                mappings.add(mapping(line));
            }
        }
        ObjectNode config = body.putObject("config");
        List<ConfigField> fields = new java.util.ArrayList<>(FIELDS.get(kind));
        fields.add(BREAK_GLASS);
        for (ConfigField field : fields) {
            String value = text(form, "config." + field.name());
            switch (field.type()) {
                case "CHECK" -> config.put(field.name(), checked(form, "config." + field.name()));
                case "LIST" -> {
                    if (!value.isEmpty()) {
                        ArrayNode list = config.putArray(field.name());
                        Arrays.stream(value.split("[,\\s]+")).filter(item -> !item.isEmpty()).forEach(list::add);
                    }
                }
                case "NUMBER" -> {
                    if (!value.isEmpty()) {
                        try {
                            config.put(field.name(), Integer.parseInt(value));
                        } catch (NumberFormatException notANumber) {
                            config.put(field.name(), value);
                        }
                    }
                }
                case "SECRET" -> {
                    // Blank keeps the stored secret (the form never shows it).
                    if (!value.isEmpty()) {
                        config.put(field.name(), value);
                    }
                }
                default -> {
                    if (!value.isEmpty()) {
                        config.put(field.name(), value);
                    }
                }
            }
        }
        return body;
    }

    /** A mapping line as the API's object; a line that does not parse is sent as is, to be named by the API. */
    private static JsonNode mapping(String line) {
        ObjectNode mapping = JsonNodeFactory.instance.objectNode();
        Matcher matcher = MAPPING.matcher(line);
        if (!matcher.matches()) {
            mapping.put("group", line.strip());
            return mapping;
        }
        if (matcher.group(1).equals("group")) {
            mapping.put("group", matcher.group(2));
        } else {
            String[] claim = matcher.group(2).split("=", 2);
            mapping.put("claim", claim[0].strip());
            if (claim.length > 1) {
                mapping.put("value", claim[1].strip());
            }
        }
        mapping.put("role", matcher.group(3));
        if (matcher.group(4) != null) {
            mapping.put("location", matcher.group(4));
        }
        return mapping;
    }

    /** The form's values of a stored provider; never a secret. */
    private static Map<String, String> values(ProviderRegistry.View provider) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("name", provider.name());
        values.put("preset", provider.preset() == null ? "" : provider.preset());
        values.put("domains", String.join("\n", provider.domains()));
        values.put("jitProvisioning", String.valueOf(provider.jitProvisioning()));
        values.put("enforced", String.valueOf(provider.enforced()));
        values.put("enabled", String.valueOf(provider.enabled()));
        values.put("mappings", String.join("\n", provider.mappings().stream()
                .map(IdentityProvidersPageController::line).toList()));
        for (var entry : provider.config().properties()) {
            JsonNode value = entry.getValue();
            String text = value.isArray() ? String.join(", ", value.valueStream().map(JsonNode::asString).toList())
                    : value.isValueNode() ? value.asString() : value.toString();
            values.put("config." + entry.getKey(), text);
        }
        return values;
    }

    static String line(Mapping mapping) {
        String when = mapping.group() != null ? "group " + mapping.group()
                : "claim " + mapping.claim() + "=" + mapping.value();
        return when + " -> " + mapping.role() + (mapping.location() == null ? "" : " @ " + mapping.location());
    }

    /** Bad input goes back to the form, each message under its field (a list's entries by line); others are error pages. */
    private static void refused(ApiException e, Model model, HttpServletResponse response) {
        if (e.status() != HttpStatus.BAD_REQUEST) {
            throw e;
        }
        model.addAttribute("errors", e.errors().isEmpty() ? FormErrors.of(e) : FormErrors.fields(e.errors().stream()
                .map(error -> {
                    Matcher indexed = INDEXED.matcher(error.field());
                    return indexed.matches() ? new FieldError(indexed.group(1), "line "
                            + (Integer.parseInt(indexed.group(2)) + 1) + ": " + error.message()) : error;
                }).toList()));
        response.setStatus(e.status().value());
    }

    private static ProviderKind kindOf(@Nullable String kind) {
        try {
            return ProviderKind.valueOf(kind == null ? "" : kind.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw ApiException.badRequest("kind", "must be OIDC, SAML or LDAP");
        }
    }

    private static String text(MultiValueMap<String, String> form, String name) {
        String value = form.getFirst(name);
        return value == null ? "" : value.strip();
    }

    private static boolean checked(MultiValueMap<String, String> form, String name) {
        return "true".equals(form.getFirst(name)) || "on".equals(form.getFirst(name));
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("[\\s,]+")).filter(line -> !line.isEmpty()).toList();
    }
}
