package dev.gatehouse.engine;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Evaluates grant conditions against a request. Implementations must not throw. */
@FunctionalInterface
public interface ConditionEvaluator {

    /**
     * {@code resource} is null when the request names none ("may the subject do this anywhere?");
     * {@code subject} is the profile asking, for its id and the roles it holds at {@code at}.
     */
    Outcome evaluate(Condition condition, Profile subject, @Nullable Resource resource, Instant at,
            RequestContext context);

    /** What evaluating a condition gave. */
    sealed interface Outcome {
        record Holds() implements Outcome {}

        record Fails(String why) implements Outcome {}

        /** Missing attribute, wrong type, unsupported expression: the grant does not apply. */
        record Unevaluable(String why) implements Outcome {}
    }

    Outcome.Holds HOLDS = new Outcome.Holds();

    /**
     * The evaluator of a policy built without a condition language: every condition is
     * unevaluable, so a conditional grant never allows (docs/access-model.md, "Conditions").
     */
    ConditionEvaluator NONE = (condition, subjectId, resource, at, context) ->
            new Outcome.Unevaluable("no condition language is configured for this tenant");
}
