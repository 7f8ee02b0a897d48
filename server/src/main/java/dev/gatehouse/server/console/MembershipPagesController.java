package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.memberships.Memberships;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Issue 16 in the console: joining an organisation with the account one is signed in with (from the
 * invitation page), the header's organisation switcher, and leaving from the profile page. Switching keeps the home session's
 * token in a second cookie of the same kind ({@link #HOME_COOKIE}, HttpOnly, SameSite=Lax; Secure
 * and {@code __Host-} over TLS), so that "back" restores it; the organisation's session then ends.
 */
@Controller
class MembershipPagesController {

    static final String HOME_COOKIE = "gatehouse_home";
    static final String SECURE_HOME_COOKIE = "__Host-gatehouse-home";

    private final Memberships memberships;
    private final Sessions sessions;
    private final Clock clock;

    MembershipPagesController(Memberships memberships, Sessions sessions, Clock clock) {
        this.memberships = memberships;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** From the invitation page: accepts it with the signed-in account, then back to the console. */
    @PostMapping(PasswordLinkController.INVITATION + "/link")
    String link(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "") String token, Model model,
            Origin origin, HttpServletResponse response) {
        try {
            Memberships.View joined = memberships.accept(caller, token.strip(), origin);
            return "redirect:/console?joined=" + URLEncoder.encode(joined.name(), StandardCharsets.UTF_8);
        } catch (ApiException e) {
            if (e.status() != HttpStatus.BAD_REQUEST) {
                throw e;
            }
            model.addAttribute("invitation", true);
            model.addAttribute("token", token);
            model.addAttribute("linkRefused", e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().message());
            response.setStatus(e.status().value());
            return "console/choose-password";
        }
    }

    /** Switches to the organisation: a session there for the membership, the home session kept aside. */
    @PostMapping("/console/memberships/{tenant}/switch")
    String switchTo(@AuthenticationPrincipal Caller caller, Origin origin, HttpServletRequest request,
            HttpServletResponse response, @PathTenant(PathTenant.For.MEMBERSHIP) TenantPaths.TenantRef tenant) {
        Memberships.Switched switched = memberships.open(caller, tenant, origin);
        if (home(request).isEmpty()) {
            SessionCookie.read(request).ifPresent(token -> writeHome(token, request, response));
        } else {
            // From one membership to another: the one left is ended, the home session kept.
            sessions.endOf(caller.tenant(), caller.userId(), caller.requireSession("switch"), clock.instant(),
                    "SWITCHED");
        }
        SessionCookie.write(switched.token(), request, response);
        return "redirect:/console";
    }

    /** Back to the home organisation: its session again, the organisation's ended. */
    @PostMapping("/console/memberships/home")
    String back(@AuthenticationPrincipal Caller caller, HttpServletRequest request, HttpServletResponse response) {
        Optional<String> home = home(request);
        if (home.isEmpty()) {
            return "redirect:/console";
        }
        if (caller.sessionId() != null) {
            sessions.endOf(caller.tenant(), caller.userId(), caller.sessionId(), clock.instant(), "SWITCHED");
        }
        SessionCookie.write(home.get(), request, response);
        clearHome(request, response);
        return "redirect:/console";
    }

    /**
     * Leaves an organisation, from the profile's "Your organisations". Leaving the organisation one is
     * signed in to ends that session too, so the console goes back to the home session kept aside.
     */
    @PostMapping("/console/memberships/{tenant}/leave")
    String leave(@AuthenticationPrincipal Caller caller, Origin origin, HttpServletRequest request,
            HttpServletResponse response, @PathTenant(PathTenant.For.MEMBERSHIP) TenantPaths.TenantRef tenant) {
        String name = memberships.list(caller).items().stream().filter(m -> m.tenant().equals(tenant.slug()))
                .map(Memberships.View::name).findFirst().orElse(tenant.slug());
        memberships.leave(caller, tenant, origin);
        Optional<String> home = home(request);
        if (caller.tenant().equals(tenant.id()) && home.isPresent()) {
            SessionCookie.write(home.get(), request, response);
            clearHome(request, response);
        }
        return "redirect:" + ProfileController.PROFILE + "?left=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** Forgets the home session's token kept aside (back home, or signed out: it ended with the sign-out). */
    static void clearHome(HttpServletRequest request, HttpServletResponse response) {
        if (home(request).isPresent()) {
            response.addHeader(HttpHeaders.SET_COOKIE, SessionCookie.build(homeName(request), "", request.isSecure(),
                    java.time.Duration.ZERO).toString());
        }
    }

    private static Optional<String> home(HttpServletRequest request) {
        return SessionCookie.read(request, homeName(request));
    }

    private static void writeHome(String token, HttpServletRequest request, HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, SessionCookie.build(homeName(request), token, request.isSecure(),
                null).toString());
    }

    private static String homeName(HttpServletRequest request) {
        return request.isSecure() ? SECURE_HOME_COOKIE : HOME_COOKIE;
    }

    /** The memberships for the header's switcher, or null when the person has none (or is not signed in). */
    static Memberships.@Nullable Listing switcher(Memberships memberships, @Nullable Caller caller) {
        if (caller == null || !caller.requiredActions().isEmpty() || caller.impersonatedBy() != null
                || caller.sessionId() == null) {
            return null;
        }
        Memberships.Listing listing = memberships.list(caller);
        return listing.items().isEmpty() ? null : listing;
    }
}
