package dev.gatehouse.server.alerts;

import dev.gatehouse.server.shared.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * A tenant's alert rules (issue 5). Every rule is on by default, so a tenant is watched from its
 * first day; each can be turned off or tuned. A counting rule fires when its count is reached
 * within the last {@code minutes}; the others fire on every matching event.
 */
record AlertRules(Threshold failedSignInsPerAccount, Threshold failedSignInsPerTenant, RecordThreshold patientRecordsPerUser,
        Toggle breakGlass, Toggle adminRoleGranted, Toggle adminNewIp, Toggle impersonationStarted,
        Toggle refreshTokenReused, Toggle clinicalBreakGlass) {

    /** N events in M minutes. */
    record Threshold(boolean enabled, int count, int minutes) {}

    /** N distinct records touched through {@code actions} in M minutes. */
    record RecordThreshold(boolean enabled, int count, int minutes, List<String> actions) {
        RecordThreshold {
            actions = List.copyOf(actions);
        }
    }

    record Toggle(boolean enabled) {}

    static final int MAX_MINUTES = 1440;
    static final int MAX_COUNT = 1_000_000;
    static final int MAX_ACTIONS = 20;
    private static final Pattern ACTION = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");

    static final AlertRules DEFAULTS = new AlertRules(new Threshold(true, 5, 15), new Threshold(true, 50, 15),
            new RecordThreshold(true, 100, 60, List.of("PATIENT_RECORD_VIEWED", "PATIENT_RECORD_EXPORTED")),
            new Toggle(true), new Toggle(true), new Toggle(true), new Toggle(true), new Toggle(true), new Toggle(true));

    private static final Set<String> NAMES = Set.of("failedSignInsPerAccount", "failedSignInsPerTenant",
            "patientRecordsPerUser", "breakGlass", "adminRoleGranted", "adminNewIp", "impersonationStarted",
            "refreshTokenReused", "clinicalBreakGlass");

    /**
     * Reads a rules document; a rule or field left out keeps its default. Adds every problem to
     * {@code errors}, each named by its path under {@code prefix} (like {@code rules.breakGlass.enabled}).
     */
    static AlertRules parse(JsonNode node, String prefix, List<FieldError> errors) {
        if (!node.isObject()) {
            errors.add(new FieldError(prefix, "must be an object"));
            return DEFAULTS;
        }
        for (String name : node.propertyNames()) {
            if (!NAMES.contains(name)) {
                errors.add(new FieldError(prefix + "." + name, "is not a rule; rules are " + String.join(", ",
                        NAMES.stream().sorted().toList())));
            }
        }
        Fields fields = new Fields(node, prefix, errors);
        return new AlertRules(fields.threshold("failedSignInsPerAccount", DEFAULTS.failedSignInsPerAccount),
                fields.threshold("failedSignInsPerTenant", DEFAULTS.failedSignInsPerTenant),
                fields.records("patientRecordsPerUser", DEFAULTS.patientRecordsPerUser),
                fields.toggle("breakGlass"), fields.toggle("adminRoleGranted"), fields.toggle("adminNewIp"),
                fields.toggle("impersonationStarted"), fields.toggle("refreshTokenReused"),
                fields.toggle("clinicalBreakGlass"));
    }

    /** The document as stored and shown. */
    Map<String, Object> document() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("failedSignInsPerAccount", failedSignInsPerAccount);
        document.put("failedSignInsPerTenant", failedSignInsPerTenant);
        document.put("patientRecordsPerUser", patientRecordsPerUser);
        document.put("breakGlass", breakGlass);
        document.put("adminRoleGranted", adminRoleGranted);
        document.put("adminNewIp", adminNewIp);
        document.put("impersonationStarted", impersonationStarted);
        document.put("refreshTokenReused", refreshTokenReused);
        document.put("clinicalBreakGlass", clinicalBreakGlass);
        return document;
    }

    /** Reads one rule's fields, recording what is wrong. */
    private record Fields(JsonNode rules, String prefix, List<FieldError> errors) {

        Threshold threshold(String rule, Threshold fallback) {
            JsonNode node = object(rule, Set.of("enabled", "count", "minutes"));
            return new Threshold(bool(node, rule, "enabled", fallback.enabled()),
                    number(node, rule, "count", fallback.count(), 1, MAX_COUNT),
                    number(node, rule, "minutes", fallback.minutes(), 1, MAX_MINUTES));
        }

        RecordThreshold records(String rule, RecordThreshold fallback) {
            JsonNode node = object(rule, Set.of("enabled", "count", "minutes", "actions"));
            return new RecordThreshold(bool(node, rule, "enabled", fallback.enabled()),
                    number(node, rule, "count", fallback.count(), 1, MAX_COUNT),
                    number(node, rule, "minutes", fallback.minutes(), 1, MAX_MINUTES),
                    actions(node, rule, fallback.actions()));
        }

        Toggle toggle(String rule) {
            return new Toggle(bool(object(rule, Set.of("enabled")), rule, "enabled", true));
        }

        private JsonNode object(String rule, Set<String> allowed) {
            JsonNode node = rules.path(rule);
            if (node.isMissingNode()) {
                return node;
            }
            if (!node.isObject()) {
                errors.add(new FieldError(prefix + "." + rule, "must be an object"));
                return MissingNode.getInstance();
            }
            for (String name : node.propertyNames()) {
                if (!allowed.contains(name)) {
                    errors.add(new FieldError(prefix + "." + rule + "." + name, "is not a field of this rule"));
                }
            }
            return node;
        }

        private boolean bool(JsonNode node, String rule, String field, boolean fallback) {
            JsonNode value = node.path(field);
            if (value.isMissingNode()) {
                return fallback;
            }
            if (!value.isBoolean()) {
                errors.add(new FieldError(prefix + "." + rule + "." + field, "must be true or false"));
                return fallback;
            }
            return value.booleanValue();
        }

        private int number(JsonNode node, String rule, String field, int fallback, int min, int max) {
            JsonNode value = node.path(field);
            if (value.isMissingNode()) {
                return fallback;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min
                    || value.intValue() > max) {
                errors.add(new FieldError(prefix + "." + rule + "." + field, "must be a whole number from " + min
                        + " to " + max));
                return fallback;
            }
            return value.intValue();
        }

        private List<String> actions(JsonNode node, String rule, List<String> fallback) {
            JsonNode value = node.path("actions");
            String field = prefix + "." + rule + ".actions";
            if (value.isMissingNode()) {
                return fallback;
            }
            if (!value.isArray() || value.isEmpty() || value.size() > MAX_ACTIONS) {
                errors.add(new FieldError(field, "must list 1 to " + MAX_ACTIONS + " action names"));
                return fallback;
            }
            List<String> actions = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode action = value.get(i);
                if (!action.isString() || action.asString().length() > 64 || !ACTION.matcher(action.asString()).matches()) {
                    errors.add(new FieldError(field + "[" + i + "]", "must be an UPPER_SNAKE action name"));
                } else if (!actions.contains(action.asString())) {
                    actions.add(action.asString());
                }
            }
            return actions;
        }
    }
}
