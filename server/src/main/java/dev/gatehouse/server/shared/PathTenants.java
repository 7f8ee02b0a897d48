package dev.gatehouse.server.shared;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Resolves {@link PathTenant} parameters: the one way a path's {@code {tenant}} becomes a {@link TenantId}
 * (or a {@link TenantPaths.TenantRef}, or for a path open to anonymous callers a {@link DoorTenant}), by the
 * variant the parameter names.
 */
@Configuration(proxyBeanMethods = false)
class PathTenants implements WebMvcConfigurer, HandlerMethodArgumentResolver {

    private final TenantPaths paths;
    private final OpenTenants open;

    PathTenants(TenantPaths paths, OpenTenants open) {
        this.paths = paths;
        this.open = open;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.hasParameterAnnotation(PathTenant.class) && (parameter.getParameterType() == TenantId.class
                || parameter.getParameterType() == TenantPaths.TenantRef.class
                || parameter.getParameterType() == DoorTenant.class);
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        Object variables = request == null ? null
                : request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String tenant = variables instanceof Map<?, ?> map && map.get("tenant") instanceof String named ? named : null;
        if (tenant == null) {
            throw new IllegalStateException("@PathTenant on a path without {tenant}: " + parameter.getMethod());
        }
        PathTenant.For variant = parameter.getParameterAnnotation(PathTenant.class).value();
        boolean door = parameter.getParameterType() == DoorTenant.class;
        if (door != (variant == PathTenant.For.GUEST || variant == PathTenant.For.SIGN_IN)) {
            throw new IllegalStateException("@PathTenant(" + variant + ") resolves "
                    + (door ? "a TenantId or TenantRef: " : "a DoorTenant: ") + parameter.getMethod());
        }
        if (door) {
            // Open to anyone: whoever calls, signed in or not, the path names the tenant the same way.
            return new DoorTenant(tenant, open, variant == PathTenant.For.GUEST);
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller)) {
            throw new IllegalStateException("@PathTenant on a path open to anonymous callers: " + parameter.getMethod());
        }
        boolean ref = parameter.getParameterType() == TenantPaths.TenantRef.class;
        return switch (variant) {
            case MEMBER -> ref ? paths.resolve(caller, tenant) : paths.own(caller, tenant);
            case TRAIL -> requireId(ref, parameter, paths.trailOf(caller, tenant));
            case OPERATOR -> ref ? paths.actedInBy(caller, tenant) : paths.actedInBy(caller, tenant).id();
            case MEMBERSHIP -> ref ? paths.membershipOf(caller, tenant) : paths.membershipOf(caller, tenant).id();
            case GUEST, SIGN_IN -> throw new IllegalStateException("unreachable: " + variant);
        };
    }

    private static TenantId requireId(boolean ref, MethodParameter parameter, TenantId tenant) {
        if (ref) {
            throw new IllegalStateException("@PathTenant(TRAIL) resolves a TenantId: " + parameter.getMethod());
        }
        return tenant;
    }
}
