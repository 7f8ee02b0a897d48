package dev.gatehouse.server.ldap;

import dev.gatehouse.server.shared.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * An LDAP provider's settings, typed, with their defaults and their checks in one place (docs/style.md
 * rule 17): read from the provider's {@code config} and its write-only {@code bindPassword}.
 *
 * @param url                 {@code ldap://host[:port]} or {@code ldaps://host[:port]}, nothing after the port
 * @param userFilter          the people to sync, an LDAP filter written by the tenant's admin (not escaped: it is theirs)
 * @param groupAttribute      on a person, the groups they are in (AD and OpenLDAP's {@code memberOf}); or null
 * @param groupBaseDn         where groups are searched when {@code groupAttribute} is not used; or null
 * @param disabledAttribute   {@code userAccountControl} (AD: bit 2 is ACCOUNTDISABLE), or an attribute that is
 *                            {@code TRUE} on a disabled entry (389 DS's {@code nsAccountLock}); or null
 * @param syncIntervalMinutes 0: on demand only; else at least {@value #MIN_INTERVAL}
 */
record DirectorySettings(String url, String bindDn, String bindPassword, String userBaseDn, String userFilter,
        String usernameAttribute, @Nullable String emailAttribute, @Nullable String firstNameAttribute,
        @Nullable String lastNameAttribute, @Nullable String groupAttribute, @Nullable String groupBaseDn,
        String groupFilter, @Nullable String disabledAttribute, int syncIntervalMinutes, boolean passwordSignIn,
        boolean startTls) {

    static final String BIND_PASSWORD = "bindPassword";
    static final Set<String> SECRETS = Set.of(BIND_PASSWORD);
    /** Every provider's: who may still sign in with a local password when it is enforced (identityproviders.EnforcedSignOn). */
    static final String BREAK_GLASS_USERS = "breakGlassUsers";

    static final String DEFAULT_USER_FILTER = "(objectClass=person)";
    static final String DEFAULT_USERNAME_ATTRIBUTE = "uid";
    static final String DEFAULT_GROUP_FILTER = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)"
            + "(objectClass=group)(objectClass=posixGroup))";
    static final int MIN_INTERVAL = 15;
    /** A week: a schedule longer than that is a manual sync with extra steps. */
    static final int MAX_INTERVAL = 7 * 24 * 60;

    /** The config fields an LDAP provider has; any other is refused (a typo never silently does nothing). */
    static final Set<String> FIELDS = Set.of("url", "bindDn", "userBaseDn", "userFilter", "usernameAttribute",
            "emailAttribute", "firstNameAttribute", "lastNameAttribute", "groupAttribute", "groupBaseDn", "groupFilter",
            "disabledAttribute", "syncIntervalMinutes", "passwordSignIn", "startTls", BREAK_GLASS_USERS);

    /** RFC 4512 §1.4: a descriptor (letters, digits, hyphens) or a numeric OID. */
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,63}|[0-9]+(\\.[0-9]+)+");
    private static final int MAX_TEXT = 1000;

    boolean ldaps() {
        return url.regionMatches(true, 0, "ldaps:", 0, 6);
    }

    /** A sync reads these from each person. */
    List<String> personAttributes() {
        List<String> names = new java.util.ArrayList<>(List.of(usernameAttribute, "entryUUID", "objectGUID"));
        for (String optional : new String[] {emailAttribute, firstNameAttribute, lastNameAttribute, groupAttribute,
            disabledAttribute}) {
            if (optional != null) {
                names.add(optional);
            }
        }
        return names;
    }

    /** Whether groups come from a search under {@link #groupBaseDn} rather than from the person. */
    boolean searchesGroups() {
        return groupAttribute == null && groupBaseDn != null;
    }

    /**
     * The settings in {@code config} with defaults filled in, or null with the reasons in {@code errors}
     * (fields named {@code config.<name>}).
     */
    static @Nullable DirectorySettings read(ObjectNode config, Map<String, String> secrets, List<FieldError> errors) {
        int before = errors.size();
        for (String name : config.propertyNames()) {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError("config." + name, SECRETS.contains(name)
                        ? "is write-only: send it with the other secrets" : "is not a setting of an LDAP provider"));
            }
        }
        String url = text(config, "url", errors);
        if (url == null) {
            errors.add(new FieldError("config.url", "is required (ldap://host or ldaps://host)"));
        } else {
            urlProblem(url).ifPresent(problem -> errors.add(new FieldError("config.url", problem)));
        }
        String bindDn = text(config, "bindDn", errors);
        if (bindDn == null) {
            errors.add(new FieldError("config.bindDn", "is required (the account the sync reads the directory as)"));
        }
        String bindPassword = secrets.get(BIND_PASSWORD);
        if (bindPassword == null || bindPassword.isEmpty()) {
            // RFC 4513 §5.1.2: a simple bind with a name and no password is an unauthenticated bind, which
            // many directories answer with success: never mistake it for the service account's.
            errors.add(new FieldError("config." + BIND_PASSWORD, "is required"));
        }
        String userBaseDn = text(config, "userBaseDn", errors);
        if (userBaseDn == null) {
            errors.add(new FieldError("config.userBaseDn", "is required (where the people are, e.g. ou=staff,dc=example,dc=org)"));
        }
        String userFilter = orDefault(text(config, "userFilter", errors), DEFAULT_USER_FILTER);
        filterProblem(userFilter).ifPresent(problem -> errors.add(new FieldError("config.userFilter", problem)));
        String usernameAttribute = orDefault(attribute(config, "usernameAttribute", errors), DEFAULT_USERNAME_ATTRIBUTE);
        String emailAttribute = attribute(config, "emailAttribute", errors);
        String firstNameAttribute = attribute(config, "firstNameAttribute", errors);
        String lastNameAttribute = attribute(config, "lastNameAttribute", errors);
        String groupAttribute = attribute(config, "groupAttribute", errors);
        String groupBaseDn = text(config, "groupBaseDn", errors);
        String groupFilter = orDefault(text(config, "groupFilter", errors), DEFAULT_GROUP_FILTER);
        filterProblem(groupFilter).ifPresent(problem -> errors.add(new FieldError("config.groupFilter", problem)));
        if (groupAttribute != null && groupBaseDn != null) {
            errors.add(new FieldError("config.groupBaseDn", "give groupAttribute or groupBaseDn, not both"));
        }
        String disabledAttribute = attribute(config, "disabledAttribute", errors);
        int interval = 0;
        JsonNode intervalNode = config.get("syncIntervalMinutes");
        if (intervalNode != null && !intervalNode.isNull()) {
            if (!intervalNode.isIntegralNumber() || !intervalNode.canConvertToInt()) {
                errors.add(new FieldError("config.syncIntervalMinutes", "must be a whole number of minutes"));
            } else {
                interval = intervalNode.intValue();
                if (interval != 0 && (interval < MIN_INTERVAL || interval > MAX_INTERVAL)) {
                    errors.add(new FieldError("config.syncIntervalMinutes", "must be 0 (on demand only) or "
                            + MIN_INTERVAL + " to " + MAX_INTERVAL));
                }
            }
        }
        JsonNode breakGlass = config.get(BREAK_GLASS_USERS);
        if (breakGlass != null && !breakGlass.isNull()
                && (!breakGlass.isArray() || !breakGlass.valueStream().allMatch(JsonNode::isString))) {
            errors.add(new FieldError("config." + BREAK_GLASS_USERS, "must be a list of usernames"));
        }
        boolean passwordSignIn = flag(config, "passwordSignIn", errors);
        boolean startTls = flag(config, "startTls", errors);
        if (startTls && url != null && url.regionMatches(true, 0, "ldaps:", 0, 6)) {
            errors.add(new FieldError("config.startTls", "is for ldap:// URLs; ldaps:// is TLS from the start"));
        }
        if (errors.size() > before) {
            return null;
        }
        return new DirectorySettings(url, bindDn, bindPassword, userBaseDn, userFilter, usernameAttribute,
                emailAttribute, firstNameAttribute, lastNameAttribute, groupAttribute, groupBaseDn, groupFilter,
                disabledAttribute, interval, passwordSignIn, startTls);
    }

    /** The config as stored: what was given, with the defaults written out so a GET shows what is used. */
    ObjectNode toConfig() {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("url", url);
        config.put("bindDn", bindDn);
        config.put("userBaseDn", userBaseDn);
        config.put("userFilter", userFilter);
        config.put("usernameAttribute", usernameAttribute);
        putIfSet(config, "emailAttribute", emailAttribute);
        putIfSet(config, "firstNameAttribute", firstNameAttribute);
        putIfSet(config, "lastNameAttribute", lastNameAttribute);
        putIfSet(config, "groupAttribute", groupAttribute);
        putIfSet(config, "groupBaseDn", groupBaseDn);
        if (groupBaseDn != null) {
            config.put("groupFilter", groupFilter);
        }
        putIfSet(config, "disabledAttribute", disabledAttribute);
        config.put("syncIntervalMinutes", syncIntervalMinutes);
        config.put("passwordSignIn", passwordSignIn);
        config.put("startTls", startTls);
        return config;
    }

    private static void putIfSet(ObjectNode config, String name, @Nullable String value) {
        if (value != null) {
            config.put(name, value);
        }
    }

    static java.util.Optional<String> urlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return java.util.Optional.of("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ldap") && !scheme.equals("ldaps")) {
            return java.util.Optional.of("must be an ldap:// or ldaps:// URL");
        }
        if (uri.getRawAuthority() == null || uri.getHost() == null) {
            return java.util.Optional.of("must name a host (ldaps://dc1.example.org)");
        }
        if (uri.getRawUserInfo() != null) {
            return java.util.Optional.of("must not contain user info (name@ before the host)");
        }
        // RFC 4516 puts a DN, attributes and a filter after the host; here they are separate settings,
        // so that a URL cannot widen what the filter and base say.
        boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                && uri.getRawQuery() == null && uri.getRawFragment() == null;
        return bare ? java.util.Optional.empty()
                : java.util.Optional.of("must end after the host and port (the base DN and filter are settings of their own)");
    }

    /** A filter in parentheses with balanced parentheses: the directory checks the rest at save. */
    static java.util.Optional<String> filterProblem(String filter) {
        if (!filter.startsWith("(") || !filter.endsWith(")")) {
            return java.util.Optional.of("must be an LDAP filter in parentheses, e.g. (objectClass=person)");
        }
        int depth = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth < 0 || depth == 0 && i < filter.length() - 1) {
                    return java.util.Optional.of("has unbalanced parentheses");
                }
            }
        }
        return depth == 0 ? java.util.Optional.empty() : java.util.Optional.of("has unbalanced parentheses");
    }

    private static String orDefault(@Nullable String value, String fallback) {
        return value == null ? fallback : value;
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
        String value = node.stringValue().strip();
        if (value.length() > MAX_TEXT) {
            errors.add(new FieldError("config." + name, "must be at most " + MAX_TEXT + " characters"));
            return null;
        }
        return value.isEmpty() ? null : value;
    }

    private static @Nullable String attribute(ObjectNode config, String name, List<FieldError> errors) {
        String value = text(config, name, errors);
        if (value != null && !ATTRIBUTE.matcher(value).matches()) {
            errors.add(new FieldError("config." + name, "must be an attribute name (letters, digits and hyphens)"));
            return null;
        }
        return value;
    }

    private static boolean flag(ObjectNode config, String name, List<FieldError> errors) {
        JsonNode node = config.get(name);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            errors.add(new FieldError("config." + name, "must be true or false"));
            return false;
        }
        return node.booleanValue();
    }
}
