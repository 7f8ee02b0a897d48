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

/** Resolves {@link PathTenant} parameters: the one way a path's {@code {tenant}} becomes a {@link TenantId}. */
@Configuration(proxyBeanMethods = false)
class PathTenants implements WebMvcConfigurer, HandlerMethodArgumentResolver {

    private final TenantPaths paths;

    PathTenants(TenantPaths paths) {
        this.paths = paths;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.hasParameterAnnotation(PathTenant.class) && parameter.getParameterType() == TenantId.class;
    }

    @Override
    public TenantId resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        Object variables = request == null ? null
                : request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String tenant = variables instanceof Map<?, ?> map && map.get("tenant") instanceof String named ? named : null;
        if (tenant == null) {
            throw new IllegalStateException("@PathTenant on a path without {tenant}: " + parameter.getMethod());
        }
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller)) {
            throw new IllegalStateException("@PathTenant on a path open to anonymous callers: " + parameter.getMethod());
        }
        return paths.own(caller, tenant);
    }
}
