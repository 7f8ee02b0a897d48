package dev.gatehouse.server.console;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserExport;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * Settings › Users › Export CSV (seed 000, "Export - Download data"): the roster with the filters
 * of the page it was started from, through {@link UserExport}, the service behind
 * {@code GET …/users/export}, so users.export decides here as there and the download is recorded
 * as {@code USERS_EXPORTED}; served under /console so the cookie session carries it.
 */
@Controller
class UserListDownload {

    private final UserExport export;
    private final UserPage page;
    private final Actors actors;

    UserListDownload(UserExport export, UserPage page, Actors actors) {
        this.export = export;
        this.page = page;
        this.actors = actors;
    }

    @GetMapping(UserRosterController.USERS + "/export")
    void download(@AuthenticationPrincipal Caller caller,
            @ModelAttribute("query") UserRosterController.RosterQuery query, Origin origin,
            HttpServletResponse response) throws IOException {
        TenantScope.Scoped tenant = page.tenant(caller);
        try (UserExport.Download download = export.csv(caller, tenant, query.filter(), actors.actor(caller), origin)) {
            response.setStatus(HttpStatus.OK.value());
            response.setContentType("text/csv;charset=UTF-8");
            response.setHeader("Content-Disposition", "attachment; filename=\"users-" + tenant.slug() + ".csv\"");
            download.writeTo(response.getOutputStream());
        }
    }
}
