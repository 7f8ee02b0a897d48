package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * While a caller has required actions (seed 001: change the admin-set password at first sign-in),
 * their token reaches only their own account, the set-up of what is required, and sign-out.
 */
@Configuration(proxyBeanMethods = false)
class RequiredActionsGate implements WebMvcConfigurer, HandlerInterceptor {

    private static final Set<String> OPEN = Set.of("/api/v1/me", "/api/v1/me/password", "/api/v1/auth/logout");

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/**");
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication != null && authentication.getPrincipal() instanceof Caller caller
                && blocks(caller, request.getRequestURI())) {
            response.setStatus(HttpStatus.FORBIDDEN.value());
            response.setContentType("application/problem+json");
            response.getWriter().write("""
                    {"type":"https://gatehouse.dev/problems/403","title":"Required actions pending",\
                    "status":403,"detail":"complete your required actions first: %s"}"""
                    .formatted(String.join(", ", caller.requiredActions())));
            return false;
        }
        return true;
    }

    /** Whether the caller's pending required actions keep them from {@code uri}. */
    static boolean blocks(Caller caller, String uri) {
        return !caller.requiredActions().isEmpty() && !OPEN.contains(uri) && !uri.startsWith("/api/v1/me/mfa")
                && !uri.startsWith("/api/v1/me/passkeys");
    }
}
