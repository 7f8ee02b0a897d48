package dev.gatehouse.client.spring;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.SimpleEvaluationContext;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;

/**
 * Decides {@link RequiresPermission} before a method runs: the annotation of the method, else of its class,
 * read and its expressions parsed once per method; the arguments bound into a read-only evaluation context.
 */
final class MethodPermissions implements AuthorizationManager<MethodInvocation> {

    /** One annotated method's rule with its expressions parsed; {@code method} names the arguments they bind. */
    private record Rule(Method method, String permission, @Nullable String resourceType, @Nullable Expression resourceId,
            @Nullable Expression location) {}

    private static final SpelExpressionParser PARSER = new SpelExpressionParser();

    private final Supplier<Gatehouse> gatehouse;
    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
    private final Map<MethodClassKey, Rule> rules = new ConcurrentHashMap<>();

    /** {@code gatehouse} is asked for on the first call: the interceptor exists before the beans it decides with. */
    MethodPermissions(Supplier<Gatehouse> gatehouse) {
        this.gatehouse = gatehouse;
    }

    @Override
    public PermissionDecision authorize(Supplier<? extends Authentication> authentication, MethodInvocation invocation) {
        Class<?> target = invocation.getThis() == null ? invocation.getMethod().getDeclaringClass()
                : AopUtils.getTargetClass(invocation.getThis());
        Rule rule = rules.computeIfAbsent(new MethodClassKey(invocation.getMethod(), target),
                key -> rule(AopUtils.getMostSpecificMethod(invocation.getMethod(), target), target));
        @Nullable Object[] arguments = invocation.getArguments();
        PermissionQuestion question = new PermissionQuestion(rule.permission(), rule.resourceType(),
                bind(rule.resourceId(), rule.method(), arguments), bind(rule.location(), rule.method(), arguments));
        return gatehouse.get().decide(authentication.get(), question);
    }

    /** {@code specific}: the target class's own method, where its annotation and parameter names are. */
    private static Rule rule(Method specific, Class<?> target) {
        RequiresPermission annotation = AnnotatedElementUtils.findMergedAnnotation(specific, RequiresPermission.class);
        if (annotation == null) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(target, RequiresPermission.class);
        }
        if (annotation == null) {
            throw new IllegalStateException("@RequiresPermission intercepted " + specific + " but neither it nor its class has it");
        }
        if (!annotation.resourceType().isEmpty() && annotation.resourceId().isEmpty()) {
            throw new IllegalStateException("@RequiresPermission on " + specific + " names resourceType "
                    + annotation.resourceType() + " without resourceId: say which argument is the resource's id");
        }
        return new Rule(specific, annotation.value(), blankToNull(annotation.resourceType()), expression(annotation.resourceId()),
                expression(annotation.location()));
    }

    private @Nullable String bind(@Nullable Expression expression, Method method, @Nullable Object[] arguments) {
        if (expression == null) {
            return null;
        }
        Object value = expression.getValue(arguments(method, arguments));
        return value == null ? null : value.toString();
    }

    /**
     * Only the arguments, by name ({@code #patientId}) and position ({@code #p0}, {@code #a0}), with read access
     * to their properties: the expression binds an argument, it cannot call a bean, a type or a method.
     */
    private EvaluationContext arguments(Method method, @Nullable Object[] arguments) {
        SimpleEvaluationContext context = SimpleEvaluationContext.forReadOnlyDataBinding().build();
        // Names only as the compiler kept them (-parameters, which Spring Boot's build sets); #p0 always works.
        String[] names = parameterNames.getParameterNames(method);
        for (int i = 0; i < arguments.length; i++) {
            context.setVariable("p" + i, arguments[i]);
            context.setVariable("a" + i, arguments[i]);
            if (names != null) {
                context.setVariable(names[i], arguments[i]);
            }
        }
        return context;
    }

    private static @Nullable Expression expression(String text) {
        return text.isBlank() ? null : PARSER.parseExpression(text);
    }

    private static @Nullable String blankToNull(String text) {
        return text.isBlank() ? null : text;
    }
}
