package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Who may open which {@link Section}, decided by the engine through {@link Access} with the same
 * permission as the section's API endpoints. Every request under a section's path passes here
 * before its controller (or before the 404 of a page not built yet), and a refusal becomes the 403
 * page naming the missing permission; the services behind each screen still check each action.
 */
@Component
class SectionGuard implements HandlerInterceptor {

    private final Access access;

    SectionGuard(Access access) {
        this.access = access;
    }

    /** The sections the caller may open, in menu order. */
    List<Section> visibleTo(Caller caller) {
        return Arrays.stream(Section.values()).filter(section -> allows(caller, section)).toList();
    }

    boolean allows(Caller caller, Section section) {
        return reaches(caller, section) && access.allows(caller, section.permission(), null);
    }

    private static boolean reaches(Caller caller, Section section) {
        return switch (section.reach()) {
            case EVERYONE -> true;
            case TENANT_MEMBERS -> !caller.isPlatformOperator();
            case OPERATORS -> caller.isPlatformOperator();
        };
    }

    /**
     * @throws ApiException 403 "missing permission …" when the caller may not open the section
     */
    void require(Caller caller, Section section) {
        if (section.reach() == Section.Reach.OPERATORS && !caller.isPlatformOperator()) {
            throw ApiException.forbidden("missing permission " + section.permission() + ": only platform operators open "
                    + section.label());
        }
        if (section.reach() == Section.Reach.TENANT_MEMBERS && caller.isPlatformOperator()) {
            throw ApiException.forbidden("platform operators do not manage " + section.label().toLowerCase(
                    java.util.Locale.ROOT) + " here: a tenant's own admins do, and operators reach a tenant's users"
                    + " only through impersonation or break-glass");
        }
        access.require(caller, section.permission(), null);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Optional<Section> section = Section.of(request.getRequestURI());
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (section.isPresent() && authentication != null && authentication.getPrincipal() instanceof Caller caller) {
            require(caller, section.get());
        }
        return true;
    }
}
