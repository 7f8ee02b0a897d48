package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who reports to a manager (seed 000, approval chains): the manager's direct reports that the
 * caller may read, so a reader limited to some locations learns nobody beyond them.
 */
@RestController
class ReportsController {

    /** A manager's reports are few; the list is filtered by what the caller may read, then paged. */
    private static final int MAX_REPORTS = 2_000;

    private final Roster roster;
    private final Managers managers;
    private final UserGuard guard;

    ReportsController(Roster roster, Managers managers, UserGuard guard) {
        this.roster = roster;
        this.managers = managers;
        this.guard = guard;
    }

    @GetMapping("/api/v1/tenants/{tenant}/users/{id}/reports")
    @Transactional(readOnly = true)
    Page<UserViews.ReportView> reports(@AuthenticationPrincipal Caller caller,
            @PathVariable UUID id, @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantPaths.TenantRef tenant) {
        TenantScope.Scoped scoped = TenantScope.of(tenant);
        roster.get(caller, scoped, id);
        List<UserViews.ReportView> readable = managers.reports(scoped.id(), id, 0, MAX_REPORTS).stream()
                .filter(report -> report.id().equals(caller.userId()) || guard.allows(caller, "users.read", report.id()))
                .map(report -> new UserViews.ReportView(report.id().toString(), report.username(),
                        report.firstName(), report.lastName(), report.status()))
                .toList();
        int from = (int) Math.min((long) page * size, readable.size());
        return new Page<>(readable.subList(from, Math.min(from + size, readable.size())), page, size, readable.size());
    }
}
