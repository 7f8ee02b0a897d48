package dev.gatehouse.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A check of a permission with some of its fields (docs/engine.md, "Field permissions"): the
 * permission's decision, and each field's, in the order asked. Field {@code ssn} of
 * {@code patients.read} is the permission {@code patients.read.ssn}; a field is never allowed when
 * the permission is denied (EngineLawsTest).
 */
public record FieldDecisions(Decision decision, Map<String, Decision> fields) {

    public FieldDecisions {
        fields = fields.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
    }

    /** The fields allowed, in the order asked. */
    public List<String> allowed() {
        List<String> allowed = new ArrayList<>();
        fields.forEach((field, decision) -> {
            if (decision.allowed()) {
                allowed.add(field);
            }
        });
        return allowed;
    }

    /** The fields denied, in the order asked. */
    public List<String> denied() {
        List<String> denied = new ArrayList<>();
        fields.forEach((field, decision) -> {
            if (!decision.allowed()) {
                denied.add(field);
            }
        });
        return denied;
    }
}
