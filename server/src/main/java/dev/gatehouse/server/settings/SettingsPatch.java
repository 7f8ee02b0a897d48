package dev.gatehouse.server.settings;

import dev.gatehouse.server.audit.AuditRetention;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tenant's settings document and the rules of every field (docs/api.md, settings). A PATCH is a
 * deep merge of the given fields into the current document; every given field is checked, and an
 * unknown one is refused, so a typo never passes for a setting.
 */
final class SettingsPatch {

    /** The document after the patch, and each changed field's value before and after, by path. */
    record Outcome(ObjectNode settings, Map<String, JsonNode> before, Map<String, JsonNode> after) {}

    /** What a field accepts; a {@link Section} holds fields. */
    private sealed interface Rule {}

    private record Section(Map<String, Rule> fields) implements Rule {}

    private record Whole(int min, int max, boolean nullable) implements Rule {}

    private record Flag() implements Rule {}

    private record OneOf(Set<String> values) implements Rule {}

    /** An array of distinct values, each one of {@code values}. */
    private record SubsetOf(Set<String> values) implements Rule {}

    private record Domains() implements Rule {}

    private record Ranges() implements Rule {}

    private record RoleKeys() implements Rule {}

    /** One role key of the tenant, or null. */
    private record RoleKey() implements Rule {}

    /** An ISO-8601 period of years and months within the audit retention bounds ({@link AuditRetention}). */
    private record RetentionPeriod() implements Rule {}

    /** An IANA time-zone id ({@code Europe/Berlin}, {@code UTC}). */
    private record TimeZone() implements Rule {}

    /** An object from role keys to values of {@code each}; stored whole, replacing the previous map. */
    private record ByRole(Rule each) implements Rule {}

    static final int MAX_DOMAINS = 100;
    static final int MAX_RANGES = 500;
    static final int MAX_ROLES = 100;

    private static final Set<String> MFA_REQUIRED = Set.of("OFF", "OPTIONAL", "ALL", "ROLES");
    private static final Set<String> MFA_METHODS = Set.of("TOTP", "EMAIL_CODE", "RECOVERY_CODE", "PASSKEY");
    private static final Set<String> ON_SESSION_LIMIT = Set.of("END_OLDEST", "REFUSE");

    private static final Section SCHEMA = section(
            "passwordPolicy", section(
                    "minLength", new Whole(8, 64, false),
                    "requireUpper", new Flag(),
                    "requireLower", new Flag(),
                    "requireDigit", new Flag(),
                    "requireSymbol", new Flag(),
                    "historyCount", new Whole(0, 24, false),
                    "maxAgeDays", new Whole(1, 3650, true),
                    "blockCommon", new Flag()),
            "lockoutPolicy", section(
                    "maxFailures", new Whole(1, 100, false),
                    "lockMinutes", new Whole(1, 1440, false)),
            "sessionPolicy", section(
                    "idleMinutes", new Whole(1, 1440, false),
                    "maxHours", new Whole(1, 720, false),
                    "maxConcurrent", new Whole(1, 100, true),
                    "reauthMinutes", new Whole(1, 60, false),
                    "onLimit", new OneOf(ON_SESSION_LIMIT),
                    "idleMinutesByRole", new ByRole(new Whole(1, 1440, false)),
                    "newDeviceSecondFactor", new Flag(),
                    "bindToDevice", new Flag(),
                    "knownNetworkDays", new Whole(1, 3650, false)),
            "mfaPolicy", section(
                    "required", new OneOf(MFA_REQUIRED),
                    "methods", new SubsetOf(MFA_METHODS),
                    "roles", new RoleKeys(),
                    "phishingResistant", new Flag(),
                    "passwordless", new Flag()),
            "singleRolePerUser", new Flag(),
            "invitationHours", new Whole(1, 720, false),
            "resetLinkMinutes", new Whole(5, 1440, false),
            "emailDomains", new Domains(),
            "ipAllowlist", new Ranges(),
            "ipAllowlistByRole", new ByRole(new Ranges()),
            "auditRetention", new RetentionPeriod(),
            "throttling", section(
                    "signIn", doorLimits(),
                    "secondFactor", doorLimits(),
                    "forgotPassword", doorLimits(),
                    "registration", doorLimits(),
                    "tokenRedemption", doorLimits()),
            "apiKeyPolicy", section(
                    "maxDays", new Whole(1, 3650, false),
                    "defaultDays", new Whole(1, 3650, false),
                    "rateLimit", section("requests", new Whole(1, 1_000_000, false),
                            "perSeconds", new Whole(1, 86_400, false))),
            // issue 13: null or 0 is off
            "inactivityDisableDays", new Whole(0, 3650, true),
            "timeZone", new TimeZone(),
            "breakGlass", section(
                    "enabled", new Flag(),
                    "minutes", new Whole(5, TenantSettings.BreakGlass.MAX_MINUTES, false)),
            // issue 16
            "guestAccess", new Flag(),
            "registration", section(
                    "open", new Flag(),
                    "defaultRole", new RoleKey(),
                    "approval", new Flag()));

    /** RFC 1035 labels (letters, digits, inner hyphens), lower case; the top level is letters or an IDN (xn--). */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TOP_LEVEL = Pattern.compile("[a-z]{2,63}|xn--[a-z0-9-]{1,59}");

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SettingsPatch() {}

    /** The stored document over the defaults, so a field added later reads as its default. */
    static ObjectNode withDefaults(ObjectNode defaults, JsonNode stored) {
        ObjectNode merged = defaults.deepCopy();
        if (stored.isObject()) {
            merge(merged, (ObjectNode) stored);
        }
        return merged;
    }

    /**
     * Applies {@code patch} to {@code current}.
     *
     * @param roleExists whether the tenant has a role, for {@code mfaPolicy.roles}
     * @throws ApiException 400 naming every field at fault ({@code passwordPolicy.minLength})
     */
    static Outcome apply(ObjectNode current, JsonNode patch, Predicate<String> roleExists) {
        List<FieldError> errors = new ArrayList<>();
        if (!patch.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object with the settings to change");
        }
        ObjectNode clean = check(SCHEMA, (ObjectNode) patch, "", roleExists, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        ObjectNode settings = current.deepCopy();
        merge(settings, clean);
        replaceByRoleMaps(SCHEMA, settings, clean);
        checkTogether(current, settings, clean, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        Map<String, JsonNode> was = new LinkedHashMap<>();
        Map<String, JsonNode> is = new LinkedHashMap<>();
        Map<String, JsonNode> oldLeaves = leaves(current, "");
        Map<String, JsonNode> newLeaves = leaves(settings, "");
        Set<String> paths = new LinkedHashSet<>(oldLeaves.keySet());
        paths.addAll(newLeaves.keySet());
        for (String path : paths) {
            JsonNode before = oldLeaves.getOrDefault(path, NODES.nullNode());
            JsonNode after = newLeaves.getOrDefault(path, NODES.nullNode());
            if (!before.equals(after)) {
                was.put(path, before);
                is.put(path, after);
            }
        }
        return new Outcome(settings, was, is);
    }

    /** A by-role map in the patch replaces the stored one, so that a role can be taken out of it. */
    private static void replaceByRoleMaps(Section section, ObjectNode settings, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> property : patch.properties()) {
            Rule rule = section.fields().get(property.getKey());
            if (rule instanceof ByRole) {
                settings.set(property.getKey(), property.getValue().deepCopy());
            } else if (rule instanceof Section inner && settings.get(property.getKey()) instanceof ObjectNode nested
                    && property.getValue() instanceof ObjectNode given) {
                replaceByRoleMaps(inner, nested, given);
            }
        }
    }

    /** The rules that join fields; checked on the merged document, naming the field the patch changed. */
    private static void checkTogether(ObjectNode current, ObjectNode settings, ObjectNode patch,
            List<FieldError> errors) {
        // passwordPolicy.minLength may go below NIST's 15 on its own (seeds: 8 or 12 characters with
        // composition, docs/product.md): the default is the standard, the seed's rule a tenant's choice,
        // and the strength estimate still refuses what is easy to guess at any length.
        String required = settings.path("mfaPolicy").path("required").asString("");
        ObjectNode mfa = (ObjectNode) settings.get("mfaPolicy");
        JsonNode roles = mfa.get("roles");
        if (required.equals("ROLES")) {
            if (roles == null || roles.isEmpty()) {
                errors.add(new FieldError("mfaPolicy.roles", "name the roles that must use a second factor when"
                        + " mfaPolicy.required is ROLES"));
            }
        } else if (patch.path("mfaPolicy").has("roles") && !patch.path("mfaPolicy").path("roles").isEmpty()) {
            errors.add(new FieldError("mfaPolicy.roles", "applies only when mfaPolicy.required is ROLES"));
        } else {
            // Roles from an earlier ROLES policy would read as if they still meant something.
            mfa.remove("roles");
        }
        if (!required.equals("OFF") && mfa.path("methods").isEmpty()) {
            errors.add(new FieldError("mfaPolicy.methods", "at least one method is needed when mfaPolicy.required is "
                    + required));
        }
        // A key made without an expiry must not outlive the cap on every key (read alone, it would be cut to it).
        JsonNode keys = settings.path("apiKeyPolicy");
        JsonNode keysPatch = patch.path("apiKeyPolicy");
        boolean defaultChanged = keysPatch.has("defaultDays")
                && keysPatch.get("defaultDays").asInt() != current.path("apiKeyPolicy").path("defaultDays").asInt(-1);
        if ((keysPatch.has("maxDays") || keysPatch.has("defaultDays"))
                && keys.path("defaultDays").asInt(0) > keys.path("maxDays").asInt(Integer.MAX_VALUE)) {
            errors.add(defaultChanged || !keysPatch.has("maxDays")
                    ? new FieldError("apiKeyPolicy.defaultDays", "must not be longer than apiKeyPolicy.maxDays ("
                            + keys.path("maxDays").asInt() + "): a key made without an expiry is capped like any other")
                    : new FieldError("apiKeyPolicy.maxDays", "must not be shorter than apiKeyPolicy.defaultDays ("
                            + keys.path("defaultDays").asInt() + "), the life of a key made without an expiry"));
        }
    }

    private static ObjectNode check(Section section, ObjectNode given, String prefix, Predicate<String> roleExists,
            List<FieldError> errors) {
        ObjectNode clean = NODES.objectNode();
        for (Map.Entry<String, JsonNode> property : given.properties()) {
            String path = prefix + property.getKey();
            Rule rule = section.fields().get(property.getKey());
            JsonNode value = property.getValue();
            if (rule == null) {
                errors.add(new FieldError(path, "unknown field; " + (prefix.isEmpty() ? "settings have " : "it has ")
                        + String.join(", ", section.fields().keySet())));
            } else if (rule instanceof Section inner) {
                if (value.isObject()) {
                    clean.set(property.getKey(), check(inner, (ObjectNode) value, path + ".", roleExists, errors));
                } else {
                    errors.add(new FieldError(path, "must be an object"));
                }
            } else {
                JsonNode checked = leaf(rule, value, path, roleExists, errors);
                if (checked != null) {
                    clean.set(property.getKey(), checked);
                }
            }
        }
        return clean;
    }

    /** The value to store, or null after adding the reason it is refused to {@code errors}. */
    private static JsonNode leaf(Rule rule, JsonNode value, String path, Predicate<String> roleExists,
            List<FieldError> errors) {
        int before = errors.size();
        JsonNode result = switch (rule) {
            case Whole whole -> {
                if (value.isNull() && whole.nullable()) {
                    yield value;
                }
                String range = "a whole number from " + whole.min() + " to " + whole.max()
                        + (whole.nullable() ? ", or null" : "");
                if (!value.isIntegralNumber() || !value.canConvertToInt()
                        || value.intValue() < whole.min() || value.intValue() > whole.max()) {
                    errors.add(new FieldError(path, "must be " + range));
                    yield null;
                }
                yield NODES.numberNode(value.intValue());
            }
            case Flag flag -> {
                if (!value.isBoolean()) {
                    errors.add(new FieldError(path, "must be true or false"));
                }
                yield value;
            }
            case OneOf oneOf -> {
                if (!value.isString() || !oneOf.values().contains(value.asString())) {
                    errors.add(new FieldError(path, "must be one of " + sorted(oneOf.values())));
                }
                yield value;
            }
            case SubsetOf subset -> strings(value, path, subset.values().size(), errors, (text, at) -> {
                if (!subset.values().contains(text)) {
                    errors.add(new FieldError(at, "must be one of " + sorted(subset.values())));
                }
                return text;
            });
            case Domains domains -> strings(value, path, MAX_DOMAINS, errors, (text, at) -> {
                String domain = text.strip().toLowerCase(Locale.ROOT);
                if (!isDomain(domain)) {
                    errors.add(new FieldError(at, "'" + text + "' is not a domain name such as example.com"));
                }
                return domain;
            });
            case Ranges ranges -> strings(value, path, MAX_RANGES, errors, (text, at) -> {
                NetworkRanges.Parsed parsed = NetworkRanges.parse(text);
                if (parsed.problem() != null) {
                    errors.add(new FieldError(at, parsed.problem()));
                    return text;
                }
                return parsed.range();
            });
            case RetentionPeriod retention -> {
                if (!value.isString()) {
                    errors.add(new FieldError(path, "must be a string such as P6Y"));
                    yield null;
                }
                try {
                    yield NODES.stringNode(AuditRetention.parse(value.asString()).toString());
                } catch (IllegalArgumentException refused) {
                    errors.add(new FieldError(path, refused.getMessage()));
                    yield null;
                }
            }
            case TimeZone timeZone -> {
                if (!value.isString() || !isTimeZone(value.asString())) {
                    errors.add(new FieldError(path, "must be an IANA time zone such as Europe/Berlin or UTC"));
                    yield null;
                }
                yield value;
            }
            case RoleKeys roleKeys -> strings(value, path, MAX_ROLES, errors, (text, at) -> {
                if (!roleExists.test(text)) {
                    errors.add(new FieldError(at, "unknown role " + text));
                }
                return text;
            });
            case RoleKey roleKey -> {
                if (value.isNull()) {
                    yield value;
                }
                if (!value.isString() || !roleExists.test(value.asString())) {
                    errors.add(new FieldError(path, value.isString() ? "unknown role " + value.asString()
                            : "must be a role key of this tenant, or null for the pack's default role"));
                    yield null;
                }
                yield value;
            }
            case ByRole byRole -> {
                if (!value.isObject()) {
                    errors.add(new FieldError(path, "must be an object from role keys to values"));
                    yield null;
                }
                if (value.size() > MAX_ROLES) {
                    errors.add(new FieldError(path, "at most " + MAX_ROLES + " roles"));
                    yield null;
                }
                ObjectNode map = NODES.objectNode();
                for (Map.Entry<String, JsonNode> entry : value.properties()) {
                    String at = path + "." + entry.getKey();
                    if (!roleExists.test(entry.getKey())) {
                        errors.add(new FieldError(at, "unknown role " + entry.getKey()));
                        continue;
                    }
                    JsonNode checked = leaf(byRole.each(), entry.getValue(), at, roleExists, errors);
                    if (checked != null) {
                        map.set(entry.getKey(), checked);
                    }
                }
                yield map;
            }
            case Section section -> throw new IllegalArgumentException("a section is not a leaf");
        };
        return errors.size() > before ? null : result;
    }

    /** Region ids and UTC only: a fixed offset ({@code +01:00}) would silently miss daylight saving time. */
    static boolean isTimeZone(String zone) {
        return zone.equals("UTC") || java.time.ZoneId.getAvailableZoneIds().contains(zone) && zone.contains("/");
    }

    @FunctionalInterface
    private interface Element {
        /** The element to store; adds to the errors when {@code text} is refused. */
        String check(String text, String path);
    }

    /** An array of distinct strings (repeats are dropped), each checked by {@code element}. */
    private static JsonNode strings(JsonNode value, String path, int max, List<FieldError> errors, Element element) {
        if (!value.isArray()) {
            errors.add(new FieldError(path, "must be an array"));
            return value;
        }
        if (value.size() > max) {
            errors.add(new FieldError(path, "at most " + max + " entries"));
            return value;
        }
        Set<String> kept = new LinkedHashSet<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String at = path + "[" + i + "]";
            if (!item.isString()) {
                errors.add(new FieldError(at, "must be a string"));
            } else {
                kept.add(element.check(item.asString(), at));
            }
        }
        ArrayNode array = NODES.arrayNode();
        kept.forEach(array::add);
        return array;
    }

    static boolean isDomain(String domain) {
        if (domain.isEmpty() || domain.length() > 253) {
            return false;
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return TOP_LEVEL.matcher(labels[labels.length - 1]).matches();
    }

    /** Objects merge field by field; anything else (numbers, arrays, null) replaces. */
    private static void merge(ObjectNode target, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> property : patch.properties()) {
            JsonNode existing = target.get(property.getKey());
            if (existing != null && existing.isObject() && property.getValue().isObject()) {
                merge((ObjectNode) existing, (ObjectNode) property.getValue());
            } else {
                target.set(property.getKey(), property.getValue().deepCopy());
            }
        }
    }

    /** Every non-object value by its dotted path; arrays count as one value. */
    private static Map<String, JsonNode> leaves(JsonNode node, String prefix) {
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> property : node.properties()) {
            String path = prefix + property.getKey();
            if (property.getValue().isObject()) {
                leaves.putAll(leaves(property.getValue(), path + "."));
            } else {
                leaves.put(path, property.getValue());
            }
        }
        return leaves;
    }

    private static String sorted(Set<String> values) {
        return values.stream().sorted().toList().toString();
    }

    /** A throttled door's limits (throttling.Throttle.Door): per account and per tenant, each {requests, perMinutes}. */
    private static Section doorLimits() {
        return section(
                "perAccount", section("requests", new Whole(1, 100_000, false), "perMinutes", new Whole(1, 1440, false)),
                "perTenant", section("requests", new Whole(1, 100_000, false), "perMinutes", new Whole(1, 1440, false)));
    }

    private static Section section(Object... namesAndRules) {
        Map<String, Rule> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndRules.length; i += 2) {
            fields.put((String) namesAndRules[i], (Rule) namesAndRules[i + 1]);
        }
        return new Section(fields);
    }
}
