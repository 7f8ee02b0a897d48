package dev.gatehouse.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A decision with its reason, as the check API answers it: {@code reason} is {@code {code, explanation,
 * ...the reason's fields}}, {@code via} (an allow) the role, assignment and grant that allowed, and
 * {@code fields} the named fields' decisions. A local answer is the engine's
 * {@link dev.gatehouse.engine.DecisionView} turned into the very same JSON tree, so
 * {@link #decision()} of a local and of a server answer to one question are equal (contract section 5).
 */
public record CheckResult(boolean allowed, Map<String, Object> reason, @Nullable Map<String, Object> via,
        @Nullable Map<String, Object> fields, Answered answeredBy) {

    /** The code of a local deny given because the change stream was silent beyond its staleness bound. */
    public static final String STALE_DECISIONS = "STALE_DECISIONS";

    public CheckResult {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(answeredBy, "answeredBy");
    }

    /** The reason's machine-readable code: {@code GRANTED_BY}, {@code NO_MATCHING_GRANT}, {@code STALE_DECISIONS}… */
    public String code() {
        return String.valueOf(reason.get("code"));
    }

    /** The reason in words, for people. */
    public String explanation() {
        return String.valueOf(reason.get("explanation"));
    }

    /** The answer as the check API's JSON tree, {@code {allowed, reason, via?, fields?}}, without who answered. */
    public Map<String, Object> decision() {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("allowed", allowed);
        tree.put("reason", reason);
        if (via != null) {
            tree.put("via", via);
        }
        if (fields != null) {
            tree.put("fields", fields);
        }
        return tree;
    }
}
