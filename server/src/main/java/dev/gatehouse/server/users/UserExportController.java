package dev.gatehouse.server.users;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import org.jspecify.annotations.Nullable;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/tenants/{tenant}/users/export} (our extension of docs/api.md): the staff list
 * as CSV, with the filters of {@code GET …/users}; needs {@code users.export}.
 */
@RestController
class UserExportController {

    private final UserExport export;
    private final Actors actors;

    UserExportController(UserExport export, Actors actors) {
        this.export = export;
        this.actors = actors;
    }

    /**
     * Streams the CSV as the rows are read (issue 17), after USERS_EXPORTED is committed; a 503 with
     * Retry-After when every slot for long-running work is taken, as for the audit export.
     */
    @GetMapping("/api/v1/tenants/{tenant}/users/export")
    void export(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "csv") String format,
            @RequestParam(required = false) @Nullable String q,
            @RequestParam(required = false) @Nullable String status,
            @RequestParam(required = false) @Nullable String role,
            @RequestParam(required = false) @Nullable String location,
            @RequestParam(required = false) @Nullable String hidden,
            @RequestParam(required = false) @Nullable String kind,
            Origin origin, HttpServletResponse response, @PathTenant TenantPaths.TenantRef tenant) throws IOException {
        TenantScope.Scoped scoped = TenantScope.of(tenant);
        if (!format.equals("csv")) {
            throw ApiException.badRequest("format", "csv is the one format of the staff list");
        }
        try (UserExport.Download download = export.csv(caller, scoped, new Roster.Filter(q, status, role,
                location == null ? null : UserGuard.canonical(location), hidden, kind), actors.actor(caller), origin)) {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/csv;charset=UTF-8");
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"users-" + scoped.slug() + ".csv\"");
            download.writeTo(response.getOutputStream());
        }
    }
}
