package dev.gatehouse.server.memberships;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.users.MemberAccounts;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Issue 16: a member account manages no credential of its own; the person's password, second factor
 * and passkeys are their home account's. Signed in as a member, the person's own credential
 * endpoints answer 409 saying where to manage them (what an admin of the organisation does to a
 * member is refused in {@code users} by {@link MemberAccounts#refuseCredentials}). Reading them
 * ({@code GET}) stays open: a member has none to list.
 */
@Configuration(proxyBeanMethods = false)
class MemberCredentialsGate implements WebMvcConfigurer, HandlerInterceptor {

    static final List<String> CREDENTIALS = List.of("/api/v1/me/password", "/api/v1/me/mfa", "/api/v1/me/passkeys",
            "/api/v1/me/reauthenticate", "/console/profile/password", "/console/profile/second-factor");

    private final MemberAccounts members;

    MemberCredentialsGate(MemberAccounts members) {
        this.members = members;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns(CREDENTIALS.stream().flatMap(p -> java.util.stream.Stream.of(p,
                p + "/**")).toList());
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!request.getMethod().equals("GET") && authentication != null
                && authentication.getPrincipal() instanceof Caller caller
                && members.isMember(caller.tenant(), caller.userId())) {
            throw ApiException.conflict("you signed in to " + caller.tenantSlug() + " through your account at your"
                    + " home organisation: your password, second factor and passkeys are managed there; switch back"
                    + " to it to change them");
        }
        return true;
    }
}
