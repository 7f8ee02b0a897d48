package dev.gatehouse.server.console;

import dev.gatehouse.server.shared.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * Somewhere else a console session that just ended should also be signed out of — the external
 * identity provider it came from (issue 15, package {@code oidcin}): after the session ended, the
 * console sends the browser to the first local path a bean names instead of the sign-in page. The
 * beans live in the features that know the providers, so the console depends on none of them.
 */
public interface SignOutElsewhere {

    /** A local path to send the browser to next, or null when this browser has nothing to sign out of here. */
    @Nullable String afterSignOut(TenantId tenant, HttpServletRequest request, HttpServletResponse response);
}
