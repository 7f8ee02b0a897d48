package dev.gatehouse.conditions;

import dev.cel.runtime.CelEvaluationException;
import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.ConditionEvaluator;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * One policy version's conditions, compiled when the policy is built (never per check), and the
 * tenant's time zone they read {@code request.time} in. Never throws: a condition that cannot be
 * evaluated — a missing attribute, a wrong type, no client address — is {@code Unevaluable} with
 * why, and the engine denies (docs/access-model.md, "Conditions").
 */
public final class CompiledConditions implements ConditionEvaluator {

    private final ZoneId zone;
    private final ConcurrentHashMap<String, CelConditions.Program> programs = new ConcurrentHashMap<>();

    CompiledConditions(Collection<Condition> conditions, ZoneId zone) {
        this.zone = zone;
        for (Condition condition : conditions) {
            programs.computeIfAbsent(condition.expression(), CelConditions::program);
        }
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public Outcome evaluate(Condition condition, Profile subject, @Nullable Resource resource, Instant at,
            RequestContext context) {
        CelConditions.Program program = programs.get(condition.expression());
        if (program == null) {
            // A policy rebuilt from this one with other roles (TenantPolicy.toBuilder): compiled once, then kept.
            program = programs.computeIfAbsent(condition.expression(), CelConditions::program);
        }
        if (program.broken()) {
            return new Outcome.Unevaluable("the condition is not valid (" + program.problem() + ")");
        }
        Facts facts = new Facts(subject, resource, at, zone, context);
        Object result;
        try {
            result = program.program().eval(facts);
        } catch (CelEvaluationException | RuntimeException e) {
            String missing = facts.missing();
            return new Outcome.Unevaluable(missing != null ? missing : clean(e));
        }
        if (result instanceof Boolean holds) {
            return holds ? HOLDS : new Outcome.Fails(facts.describe(program.mentions()));
        }
        if (facts.missing() != null) {
            return new Outcome.Unevaluable(facts.missing());
        }
        return new Outcome.Unevaluable("it gives " + result + ", not true or false");
    }

    /** CEL's message without its position prefix ("evaluation error at <input>:9: "). */
    private static String clean(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.replaceFirst("^evaluation error( at [^:]*:\\d+)?: ", "");
    }
}
