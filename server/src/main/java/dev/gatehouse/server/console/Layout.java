package dev.gatehouse.server.console;

import dev.gatehouse.server.memberships.Memberships;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every console page's layout needs: the signed-in caller, the menu entries they may see, the
 * CSRF header htmx sends with each request, and empty form errors unless a controller sets some.
 * Added to every console controller's model, and to the error pages by {@link ConsoleErrors}.
 */
@ControllerAdvice(basePackageClasses = Layout.class, assignableTypes = ConsolePage.class)
class Layout {

    private final SectionGuard guard;
    private final Memberships memberships;

    Layout(SectionGuard guard, Memberships memberships) {
        this.guard = guard;
        this.memberships = memberships;
    }

    @ModelAttribute
    void addTo(Model model, HttpServletRequest request) {
        model.addAllAttributes(attributes(request));
    }

    Map<String, Object> attributes(HttpServletRequest request) {
        Caller caller = caller();
        // Until required actions are done, the menu would only lead back to them.
        List<Section> nav = caller == null || !caller.requiredActions().isEmpty() ? List.of() : guard.visibleTo(caller);
        Memberships.Listing switcher = MembershipPagesController.switcher(memberships, caller);
        return Map.of("me", caller == null ? "" : caller, "signedIn", caller != null, "nav", nav,
                "htmxHeaders", htmxHeaders(request), "errors", FormErrors.NONE, "currentPath", request.getRequestURI(),
                "memberships", switcher == null ? "" : switcher, "hasMemberships", switcher != null);
    }

    static @Nullable Caller caller() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        return authentication != null && authentication.getPrincipal() instanceof Caller caller ? caller : null;
    }

    /** {@code {"X-CSRF-TOKEN": "…"}} for the body's hx-headers attribute; the token is URL-safe base64. */
    private static String htmxHeaders(HttpServletRequest request) {
        if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
            return "{\"" + token.getHeaderName() + "\": \"" + token.getToken() + "\"}";
        }
        return "{}";
    }
}
