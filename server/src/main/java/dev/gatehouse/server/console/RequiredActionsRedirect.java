package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * The console's side of the API's required-actions gate: while a user must change their password
 * or set up a second factor (seed 001), every page sends them to the page that does it, until done.
 */
@Component
class RequiredActionsRedirect implements HandlerInterceptor {

    static final String CHANGE_PASSWORD = "/console/password";
    static final String CONFIGURE_MFA = "/console/profile/second-factor";

    /** Where a user with these required actions must go first; null when nothing is pending. */
    static @Nullable String pageFor(List<String> requiredActions) {
        if (requiredActions.contains("CHANGE_PASSWORD")) {
            return CHANGE_PASSWORD;
        }
        if (requiredActions.contains("CONFIGURE_MFA")) {
            return CONFIGURE_MFA;
        }
        return null;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof Caller caller)) {
            return true;
        }
        String page = pageFor(caller.requiredActions());
        String path = request.getRequestURI();
        if (page == null || path.equals(page) || path.startsWith(page + "/") || path.equals(SignInController.SIGN_OUT)
                || path.equals(ConsoleErrors.FORM_EXPIRED)) {
            return true;
        }
        if (Htmx.isRequest(request)) {
            Htmx.redirect(response, page);
        } else {
            response.sendRedirect(page);
        }
        return false;
    }
}
