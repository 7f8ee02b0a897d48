package dev.gatehouse.server.settings;

import dev.gatehouse.server.shared.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of {@link TenantSettings}, as stored in {@code tenants.settings} and changed by
 * {@code PATCH …/settings}: the one place that reads and writes the document. Reading is lenient
 * the way every reader always was: a field that is missing, or not of its type (a document edited
 * outside the API), reads as its default, and a field the code no longer knows is ignored.
 */
public final class SettingsDocument {

    /** A checked change: the document to store, its typed reading, and each changed field before and after, by path. */
    public record Patched(String json, TenantSettings settings, Map<String, JsonNode> before,
            Map<String, JsonNode> after) {

        public boolean changed() {
            return !after.isEmpty();
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SettingsDocument() {}

    /** The document as stored; {@code null} or anything but an object reads as the defaults. */
    public static TenantSettings parse(@Nullable String json) {
        return json == null || json.isBlank() ? TenantSettings.DEFAULTS : read(JSON.readTree(json));
    }

    /** The document a new tenant starts with. */
    public static String defaultsJson() {
        return JSON.writeValueAsString(write(TenantSettings.DEFAULTS));
    }

    /**
     * Deep-merges {@code patch} into the stored document {@code storedJson}, every given field
     * checked (docs/api.md, settings).
     *
     * @param roleExists whether the tenant has a role, for the by-role fields and {@code mfaPolicy.roles}
     * @throws ApiException 400 naming every field at fault ({@code passwordPolicy.minLength})
     */
    public static Patched patch(String storedJson, JsonNode patch, Predicate<String> roleExists) {
        ObjectNode current = SettingsPatch.withDefaults(completeDefaults(), JSON.readTree(storedJson));
        SettingsPatch.Outcome outcome = SettingsPatch.apply(current, patch, roleExists);
        return new Patched(JSON.writeValueAsString(outcome.settings()), read(outcome.settings()), outcome.before(),
                outcome.after());
    }

    static TenantSettings read(JsonNode document) {
        TenantSettings d = TenantSettings.DEFAULTS;
        JsonNode password = document.path("passwordPolicy");
        TenantSettings.PasswordPolicy p = d.passwordPolicy();
        JsonNode maxAge = password.path("maxAgeDays");
        TenantSettings.PasswordPolicy passwordPolicy = new TenantSettings.PasswordPolicy(
                whole(password, "minLength", p.minLength()), flag(password, "requireUpper", p.requireUpper()),
                flag(password, "requireLower", p.requireLower()), flag(password, "requireDigit", p.requireDigit()),
                flag(password, "requireSymbol", p.requireSymbol()), whole(password, "historyCount", p.historyCount()),
                maxAge.isInt() ? Integer.valueOf(maxAge.intValue()) : p.maxAgeDays(),
                flag(password, "blockCommon", p.blockCommon()));
        JsonNode lockout = document.path("lockoutPolicy");
        TenantSettings.LockoutPolicy lockoutPolicy = new TenantSettings.LockoutPolicy(
                positive(lockout, "maxFailures", d.lockoutPolicy().maxFailures()),
                positive(lockout, "lockMinutes", d.lockoutPolicy().lockMinutes()));
        JsonNode session = document.path("sessionPolicy");
        TenantSettings.SessionPolicy s = d.sessionPolicy();
        JsonNode maxConcurrent = session.path("maxConcurrent");
        Map<String, Integer> idleByRole = new LinkedHashMap<>();
        session.path("idleMinutesByRole").properties().forEach(entry -> {
            if (entry.getValue().isIntegralNumber() && entry.getValue().canConvertToInt()) {
                idleByRole.put(entry.getKey(), entry.getValue().intValue());
            }
        });
        TenantSettings.SessionPolicy sessionPolicy = new TenantSettings.SessionPolicy(
                positive(session, "idleMinutes", s.idleMinutes()), positive(session, "maxHours", s.maxHours()),
                maxConcurrent.isIntegralNumber() && maxConcurrent.canConvertToInt()
                        ? Integer.valueOf(maxConcurrent.intValue()) : s.maxConcurrent(),
                positive(session, "reauthMinutes", s.reauthMinutes()), text(session, "onLimit", s.onLimit()),
                idleByRole, flag(session, "newDeviceSecondFactor", s.newDeviceSecondFactor()),
                flag(session, "bindToDevice", s.bindToDevice()), positive(session, "knownNetworkDays", s.knownNetworkDays()));
        JsonNode mfa = document.path("mfaPolicy");
        TenantSettings.MfaPolicy mfaPolicy = new TenantSettings.MfaPolicy(
                text(mfa, "required", d.mfaPolicy().required()), strings(mfa.path("methods"), d.mfaPolicy().methods()),
                strings(mfa.path("roles"), d.mfaPolicy().roles()),
                flag(mfa, "phishingResistant", d.mfaPolicy().phishingResistant()),
                flag(mfa, "passwordless", d.mfaPolicy().passwordless()));
        Map<String, List<String>> allowlistByRole = new LinkedHashMap<>();
        document.path("ipAllowlistByRole").properties().forEach(entry -> {
            if (entry.getValue().isArray()) {
                allowlistByRole.put(entry.getKey(), strings(entry.getValue(), List.of()));
            }
        });
        JsonNode throttling = document.path("throttling");
        TenantSettings.Throttling t = d.throttling();
        TenantSettings.Throttling limits = new TenantSettings.Throttling(
                door(throttling.path("signIn"), t.signIn()), door(throttling.path("secondFactor"), t.secondFactor()),
                door(throttling.path("forgotPassword"), t.forgotPassword()),
                door(throttling.path("registration"), t.registration()),
                door(throttling.path("tokenRedemption"), t.tokenRedemption()));
        return new TenantSettings(passwordPolicy, lockoutPolicy, sessionPolicy, mfaPolicy,
                flag(document, "singleRolePerUser", d.singleRolePerUser()),
                whole(document, "invitationHours", d.invitationHours()),
                whole(document, "resetLinkMinutes", d.resetLinkMinutes()),
                strings(document.path("emailDomains"), d.emailDomains()),
                strings(document.path("ipAllowlist"), d.ipAllowlist()), allowlistByRole,
                text(document, "auditRetention", d.auditRetention()), limits, apiKeyPolicy(document.path("apiKeyPolicy")),
                document.path("inactivityDisableDays").isInt()
                        ? Integer.valueOf(document.path("inactivityDisableDays").intValue()) : d.inactivityDisableDays(),
                timeZone(document, d.timeZone()),
                breakGlass(document.path("breakGlass")),
                flag(document, "guestAccess", d.guestAccess()),
                registration(document.path("registration")));
    }

    /** The document of {@code settings}; {@code mfaPolicy.roles} only when there are any (docs/api.md). */
    static ObjectNode write(TenantSettings settings) {
        ObjectNode document = NODES.objectNode();
        TenantSettings.PasswordPolicy p = settings.passwordPolicy();
        ObjectNode password = document.putObject("passwordPolicy");
        password.put("minLength", p.minLength()).put("requireUpper", p.requireUpper())
                .put("requireLower", p.requireLower()).put("requireDigit", p.requireDigit())
                .put("requireSymbol", p.requireSymbol()).put("historyCount", p.historyCount())
                .put("maxAgeDays", p.maxAgeDays()).put("blockCommon", p.blockCommon());
        document.putObject("lockoutPolicy").put("maxFailures", settings.lockoutPolicy().maxFailures())
                .put("lockMinutes", settings.lockoutPolicy().lockMinutes());
        TenantSettings.SessionPolicy s = settings.sessionPolicy();
        ObjectNode session = document.putObject("sessionPolicy");
        session.put("idleMinutes", s.idleMinutes()).put("maxHours", s.maxHours())
                .put("maxConcurrent", s.maxConcurrent()).put("reauthMinutes", s.reauthMinutes())
                .put("onLimit", s.onLimit()).put("newDeviceSecondFactor", s.newDeviceSecondFactor())
                .put("bindToDevice", s.bindToDevice()).put("knownNetworkDays", s.knownNetworkDays());
        ObjectNode idleByRole = session.putObject("idleMinutesByRole");
        s.idleMinutesByRole().forEach(idleByRole::put);
        ObjectNode mfa = document.putObject("mfaPolicy");
        mfa.put("required", settings.mfaPolicy().required());
        mfa.set("methods", array(settings.mfaPolicy().methods()));
        if (!settings.mfaPolicy().roles().isEmpty()) {
            mfa.set("roles", array(settings.mfaPolicy().roles()));
        }
        // Issue 15, written only when on: a new tenant's document stays the one tenants were always given.
        if (settings.mfaPolicy().phishingResistant()) {
            mfa.put("phishingResistant", true);
        }
        if (settings.mfaPolicy().passwordless()) {
            mfa.put("passwordless", true);
        }
        document.put("singleRolePerUser", settings.singleRolePerUser());
        document.put("invitationHours", settings.invitationHours());
        document.put("resetLinkMinutes", settings.resetLinkMinutes());
        document.set("emailDomains", array(settings.emailDomains()));
        document.set("ipAllowlist", array(settings.ipAllowlist()));
        ObjectNode byRole = document.putObject("ipAllowlistByRole");
        settings.ipAllowlistByRole().forEach((role, ranges) -> byRole.set(role, array(ranges)));
        document.put("auditRetention", settings.auditRetention());
        ObjectNode throttling = document.putObject("throttling");
        for (String name : TenantSettings.Throttling.DOORS) {
            TenantSettings.Door door = settings.throttling().door(name);
            ObjectNode limits = throttling.putObject(name);
            limits.putObject("perAccount").put("requests", door.perAccount().requests())
                    .put("perMinutes", door.perAccount().perMinutes());
            limits.putObject("perTenant").put("requests", door.perTenant().requests())
                    .put("perMinutes", door.perTenant().perMinutes());
        }
        TenantSettings.ApiKeyPolicy keys = settings.apiKeyPolicy();
        ObjectNode apiKeys = document.putObject("apiKeyPolicy");
        apiKeys.put("maxDays", keys.maxDays()).put("defaultDays", keys.defaultDays());
        apiKeys.putObject("rateLimit").put("requests", keys.rateLimit().requests())
                .put("perSeconds", keys.rateLimit().perSeconds());
        // Issue 13; written only once a tenant set it, so the documents of tenants that never did stay as they were.
        if (settings.inactivityDisableDays() != null) {
            document.put("inactivityDisableDays", settings.inactivityDisableDays());
        }
        document.put("timeZone", settings.timeZone());
        document.putObject("breakGlass").put("enabled", settings.breakGlass().enabled())
                .put("minutes", settings.breakGlass().minutes());
        // Issue 16, written only when changed: a new tenant's document stays the one tenants were always given.
        if (settings.guestAccess()) {
            document.put("guestAccess", true);
        }
        if (!settings.registration().equals(TenantSettings.Registration.DEFAULTS)) {
            document.set("registration", registration(settings.registration()));
        }
        return document;
    }

    /** The defaults with every field written, the base a change merges into (so its audit shows each value before). */
    private static ObjectNode completeDefaults() {
        ObjectNode document = write(TenantSettings.DEFAULTS);
        document.put("guestAccess", false);
        document.set("registration", registration(TenantSettings.Registration.DEFAULTS));
        return document;
    }

    private static ObjectNode registration(TenantSettings.Registration registration) {
        return NODES.objectNode().put("open", registration.open()).put("defaultRole", registration.defaultRole())
                .put("approval", registration.approval());
    }

    /** {@code registration}; a default role that is not text (a damaged document) reads as the pack's. */
    private static TenantSettings.Registration registration(JsonNode registration) {
        TenantSettings.Registration d = TenantSettings.Registration.DEFAULTS;
        JsonNode role = registration.path("defaultRole");
        return new TenantSettings.Registration(flag(registration, "open", d.open()),
                role.isString() && !role.asString().isBlank() ? role.asString() : d.defaultRole(),
                flag(registration, "approval", d.approval()));
    }

    /** {@code timeZone}; one this JVM does not know (a document edited outside the API) reads as the default. */
    private static String timeZone(JsonNode document, String fallback) {
        String zone = text(document, "timeZone", fallback);
        return SettingsPatch.isTimeZone(zone) ? zone : fallback;
    }

    /** {@code breakGlass}; a stored duration beyond the cap reads as the cap. */
    private static TenantSettings.BreakGlass breakGlass(JsonNode breakGlass) {
        TenantSettings.BreakGlass d = TenantSettings.BreakGlass.DEFAULTS;
        return new TenantSettings.BreakGlass(flag(breakGlass, "enabled", d.enabled()),
                Math.min(TenantSettings.BreakGlass.MAX_MINUTES, positive(breakGlass, "minutes", d.minutes())));
    }

    /** {@code apiKeyPolicy}; a default longer than the cap reads as the cap. */
    private static TenantSettings.ApiKeyPolicy apiKeyPolicy(JsonNode policy) {
        TenantSettings.ApiKeyPolicy d = TenantSettings.ApiKeyPolicy.DEFAULTS;
        int maxDays = positive(policy, "maxDays", d.maxDays());
        JsonNode rate = policy.path("rateLimit");
        return new TenantSettings.ApiKeyPolicy(maxDays, Math.min(maxDays, positive(policy, "defaultDays", d.defaultDays())),
                new TenantSettings.RateLimit(positive(rate, "requests", d.rateLimit().requests()),
                        positive(rate, "perSeconds", d.rateLimit().perSeconds())));
    }

    private static TenantSettings.Door door(JsonNode door, TenantSettings.Door fallback) {
        return new TenantSettings.Door(limit(door.path("perAccount"), fallback.perAccount()),
                limit(door.path("perTenant"), fallback.perTenant()));
    }

    private static TenantSettings.Limit limit(JsonNode limit, TenantSettings.Limit fallback) {
        return new TenantSettings.Limit(positive(limit, "requests", fallback.requests()),
                positive(limit, "perMinutes", fallback.perMinutes()));
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    private static int whole(JsonNode parent, String name, int fallback) {
        JsonNode value = parent.path(name);
        return value.isInt() ? value.intValue() : fallback;
    }

    private static int positive(JsonNode parent, String name, int fallback) {
        JsonNode value = parent.path(name);
        return value.isInt() && value.intValue() > 0 ? value.intValue() : fallback;
    }

    private static boolean flag(JsonNode parent, String name, boolean fallback) {
        JsonNode value = parent.path(name);
        return value.isBoolean() ? value.booleanValue() : fallback;
    }

    private static String text(JsonNode parent, String name, String fallback) {
        JsonNode value = parent.path(name);
        return value.isString() ? value.asString() : fallback;
    }

    /**
     * An array's elements as text; an element that is not a string reads as {@code ""}, which matches
     * no domain and no address range: a damaged allowlist refuses rather than admits (fail closed).
     */
    private static List<String> strings(JsonNode array, List<String> fallback) {
        if (!array.isArray()) {
            return fallback;
        }
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.isString() ? value.asString() : ""));
        return values;
    }
}
