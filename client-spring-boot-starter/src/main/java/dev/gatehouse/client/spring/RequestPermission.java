package dev.gatehouse.client.spring;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * A route rule deciding by a Gatehouse permission, for {@code requestMatchers(…).access(…)}. The resource and
 * location may come from the matched path's variables: {@code requestMatchers("/patients/{id}/**")
 * .access(gatehouse.permission("patients.read").onResource("patient", "id"))}. A rule naming a resource whose
 * variable the path did not give denies (it cannot say which resource it is about).
 */
public final class RequestPermission implements AuthorizationManager<RequestAuthorizationContext> {

    private final Gatehouse gatehouse;
    private final String permission;
    private final @Nullable String resourceType;
    private final @Nullable String resourceVariable;
    private final @Nullable String locationVariable;

    RequestPermission(Gatehouse gatehouse, String permission, @Nullable String resourceType, @Nullable String resourceVariable,
            @Nullable String locationVariable) {
        this.gatehouse = gatehouse;
        this.permission = permission;
        this.resourceType = resourceType;
        this.resourceVariable = resourceVariable;
        this.locationVariable = locationVariable;
    }

    /** The same rule about the resource of type {@code type} whose id is the path variable {@code idVariable}. */
    public RequestPermission onResource(String type, String idVariable) {
        return new RequestPermission(gatehouse, permission, type, idVariable, locationVariable);
    }

    /** The same rule at the location whose id is the path variable {@code variable}. */
    public RequestPermission atLocation(String variable) {
        return new RequestPermission(gatehouse, permission, resourceType, resourceVariable, variable);
    }

    @Override
    public PermissionDecision authorize(Supplier<? extends Authentication> authentication, RequestAuthorizationContext request) {
        PermissionQuestion question = new PermissionQuestion(permission, resourceType, variable(request, resourceVariable),
                variable(request, locationVariable));
        return gatehouse.decide(authentication.get(), question);
    }

    private static @Nullable String variable(RequestAuthorizationContext request, @Nullable String name) {
        return name == null ? null : request.getVariables().get(name);
    }

    @Override
    public String toString() {
        return "Gatehouse permission " + new PermissionQuestion(permission, resourceType, resourceVariable == null ? null
                : "{" + resourceVariable + "}", locationVariable == null ? null : "{" + locationVariable + "}").describe();
    }
}
