package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What went wrong with a submitted form, for the templates: the message of each field at fault,
 * taken from the service's {@link ApiException} (the same field errors as the API's problem
 * documents), and a summary for what belongs to no field.
 */
record FormErrors(Map<String, String> fields, @Nullable String summary) {

    static final FormErrors NONE = new FormErrors(Map.of(), null);

    FormErrors {
        fields = Map.copyOf(fields);
    }

    /** The field errors of a refusal, or its detail as the summary when it names no field. */
    static FormErrors of(ApiException e) {
        if (e.errors().isEmpty()) {
            return new FormErrors(Map.of(), e.getMessage());
        }
        return fields(e.errors());
    }

    static FormErrors fields(List<FieldError> errors) {
        Map<String, String> byField = new LinkedHashMap<>();
        errors.forEach(error -> byField.merge(error.field(), error.message(), (a, b) -> a + "; " + b));
        return new FormErrors(byField, null);
    }

    static FormErrors summary(String message) {
        return new FormErrors(Map.of(), message);
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    public @Nullable String get(String field) {
        return fields.get(field);
    }

    public boolean any() {
        return !fields.isEmpty() || summary != null;
    }
}
