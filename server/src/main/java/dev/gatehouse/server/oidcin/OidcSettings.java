package dev.gatehouse.server.oidcin;

import dev.gatehouse.server.shared.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OpenID Connect provider's settings as a tenant admin writes them ({@code config} of an identity
 * provider of kind OIDC), with the presets' defaults applied: ENTRA derives the issuer from the
 * directory's {@code tenantId}, OKTA from the org's {@code domain}, GOOGLE is Google's issuer and
 * needs the Workspace's {@code hostedDomain}. The secret {@code clientSecret} is not here: it is kept
 * encrypted by the registry and handed over beside the config.
 */
record OidcSettings(@Nullable String preset, String issuer, String clientId, List<String> scopes,
        @Nullable String usernameClaim, String groupsClaim, @Nullable String hostedDomain) {

    static final String ENTRA = "ENTRA";
    static final String OKTA = "OKTA";
    static final String GOOGLE = "GOOGLE";
    static final String GOOGLE_ISSUER = "https://accounts.google.com";
    static final List<String> DEFAULT_SCOPES = List.of("openid", "email", "profile");

    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
    private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_:./-]{1,100}");
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}");

    /** The fields a config may have; any other is refused, so a typo is not silently ignored. */
    static final Set<String> FIELDS = Set.of("issuer", "clientId", "scopes", "usernameClaim", "groupsClaim",
            "tenantId", "domain", "hostedDomain", Discovered.FIELD);

    /**
     * The settings {@code config} describes, or null with the reasons added to {@code errors}
     * (fields named {@code config.<name>}).
     */
    static @Nullable OidcSettings read(@Nullable String preset, ObjectNode config, List<FieldError> errors) {
        int before = errors.size();
        for (String name : config.propertyNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError("config." + name, "is not a setting of an OpenID Connect provider"));
            }
        }
        String issuer = text(config, "issuer", errors);
        String hostedDomain = null;
        if (preset != null) {
            switch (preset) {
                case ENTRA -> {
                    String tenantId = text(config, "tenantId", errors);
                    if (tenantId == null) {
                        errors.add(new FieldError("config.tenantId", "is required for Entra ID (the directory's"
                                + " tenant ID, a GUID)"));
                    } else if (!GUID.matcher(tenantId).matches()) {
                        errors.add(new FieldError("config.tenantId", "must be the directory's tenant ID (a GUID such"
                                + " as 72f988bf-86f1-41af-91ab-2d7cd011db47)"));
                    } else {
                        issuer = "https://login.microsoftonline.com/" + tenantId.toLowerCase(Locale.ROOT) + "/v2.0";
                    }
                }
                case OKTA -> {
                    String domain = lower(text(config, "domain", errors));
                    if (domain == null || !DOMAIN.matcher(domain).matches()) {
                        errors.add(new FieldError("config.domain", "must be the Okta org's domain (such as"
                                + " clinic.okta.com)"));
                    } else {
                        issuer = "https://" + domain;
                    }
                }
                case GOOGLE -> {
                    issuer = GOOGLE_ISSUER;
                    hostedDomain = lower(text(config, "hostedDomain", errors));
                    if (hostedDomain == null || !DOMAIN.matcher(hostedDomain).matches()) {
                        errors.add(new FieldError("config.hostedDomain", "must be the Google Workspace domain whose"
                                + " accounts may sign in (such as clinic.example)"));
                    }
                }
                default -> errors.add(new FieldError("preset", "must be ENTRA, OKTA or GOOGLE for OpenID Connect"));
            }
        }
        if (issuer == null) {
            if (preset == null) {
                errors.add(new FieldError("config.issuer", "is required (the provider's issuer URL)"));
            }
        } else if (!issuer.startsWith("https://") && !issuer.startsWith("http://") || issuer.contains("?")
                || issuer.contains("#")) {
            errors.add(new FieldError("config.issuer", "must be an https URL without query or fragment"));
        }
        String clientId = text(config, "clientId", errors);
        if (clientId == null) {
            errors.add(new FieldError("config.clientId", "is required (the client ID the provider gave Gatehouse)"));
        } else if (clientId.length() > 255) {
            errors.add(new FieldError("config.clientId", "must be at most 255 characters"));
        }
        List<String> scopes = scopes(config.get("scopes"), errors);
        String usernameClaim = claim(config, "usernameClaim", errors);
        String groupsClaim = claim(config, "groupsClaim", errors);
        if (errors.size() > before) {
            return null;
        }
        return new OidcSettings(preset, stripSlash(issuer), clientId, scopes, usernameClaim,
                groupsClaim == null ? "groups" : groupsClaim, hostedDomain);
    }

    /** The config as stored: what the admin wrote, with the issuer the preset derived and the scopes in full. */
    void writeTo(ObjectNode config) {
        config.put("issuer", issuer);
        config.putArray("scopes").addAll(scopes.stream().map(tools.jackson.databind.node.StringNode::valueOf).toList());
    }

    private static String stripSlash(String issuer) {
        // The issuer is compared exactly (OpenID Connect DiscoveryDocuments §4.3); only a trailing slash the admin
        // added is dropped, as the well-known path is appended after it.
        return issuer.endsWith("/") && !issuer.endsWith("//") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    private static List<String> scopes(@Nullable JsonNode node, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return DEFAULT_SCOPES;
        }
        List<String> raw = new ArrayList<>();
        if (node.isString()) {
            raw.addAll(List.of(node.asString().trim().split("\\s+")));
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isString()) {
                    errors.add(new FieldError("config.scopes", "must be a list of scope names"));
                    return DEFAULT_SCOPES;
                }
                raw.add(item.asString().trim());
            }
        } else {
            errors.add(new FieldError("config.scopes", "must be a list of scope names"));
            return DEFAULT_SCOPES;
        }
        Set<String> scopes = new LinkedHashSet<>();
        scopes.add("openid");
        for (String scope : raw) {
            if (scope.isEmpty()) {
                continue;
            }
            if (!SCOPE.matcher(scope).matches()) {
                errors.add(new FieldError("config.scopes", "'" + scope + "' is not a valid scope name"));
                return DEFAULT_SCOPES;
            }
            scopes.add(scope);
        }
        return List.copyOf(scopes);
    }

    private static @Nullable String claim(ObjectNode config, String name, List<FieldError> errors) {
        String value = text(config, name, errors);
        if (value != null && !CLAIM.matcher(value).matches()) {
            errors.add(new FieldError("config." + name, "must be a claim name (letters, digits, _ : . / -)"));
            return null;
        }
        return value;
    }

    private static @Nullable String text(ObjectNode config, String name, List<FieldError> errors) {
        JsonNode node = config.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            errors.add(new FieldError("config." + name, "must be a string"));
            return null;
        }
        String value = node.asString().strip();
        return value.isEmpty() ? null : value;
    }

    private static @Nullable String lower(@Nullable String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }
}
