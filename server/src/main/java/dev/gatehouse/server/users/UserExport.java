package dev.gatehouse.server.users;

import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The staff list as a download (seed 000: "Export - Download data"; the packs' {@code users.export},
 * "Download the staff list"). It holds exactly the users the caller could page through in
 * {@code GET …/users} with the same filters, narrowed to those the caller may export (a
 * location-scoped {@code users.export} reaches the users all of whose locations it covers), read
 * in one snapshot and recorded as {@code USERS_EXPORTED} in the same transaction. Built in memory
 * (a roster, not a trail) and written after the commit, so a slow download holds no connection.
 */
@Service
public class UserExport {

    /** Rows read per page of the roster. */
    private static final int CHUNK = 500;

    static final List<String> COLUMNS = List.of("id", "username", "firstName", "lastName", "email", "phone", "kind",
            "status", "hidden", "roles", "createdAt");

    private final Roster roster;
    private final UserGuard guard;
    private final UserAssignments assignments;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;

    UserExport(Roster roster, UserGuard guard, UserAssignments assignments, Access access, AuditLog audit,
            Clock clock) {
        this.roster = roster;
        this.guard = guard;
        this.assignments = assignments;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @throws dev.gatehouse.server.shared.ApiException 403 without {@code users.export} (or without
     *     {@code users.read}, as for the list), 400 naming a bad filter as the list does
     */
    @Transactional(isolation = Isolation.REPEATABLE_READ)
    public String csv(Caller caller, TenantScope.Scoped tenant, Roster.Filter filter, AuditLog.Actor actor, Origin origin) {
        guard.requireAnywhere(caller, "users.export");
        boolean everywhere = exportsEverywhere(caller);
        Instant now = clock.instant();
        StringBuilder out = new StringBuilder();
        line(out, COLUMNS);
        int rows = 0;
        for (int page = 0; ; page++) {
            Page<UserAccount> chunk = roster.list(caller, tenant, filter, page, CHUNK);
            for (UserAccount user : chunk.items()) {
                if (everywhere || guard.allows(caller, "users.export", user.id())) {
                    line(out, row(tenant, user, now));
                    rows++;
                }
            }
            if (chunk.items().size() < CHUNK) {
                break;
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("format", "csv");
        details.put("filters", given(filter));
        details.put("rows", rows);
        audit.record(tenant.id(), "USERS_EXPORTED", actor, null, origin.ip(), origin.userAgent(), details);
        return out.toString();
    }

    private boolean exportsEverywhere(Caller caller) {
        return access.effectivePermissions(caller, null).stream()
                .filter(held -> held.permission().equals("users.export"))
                .anyMatch(EffectivePermission::everywhere);
    }

    private List<String> row(TenantScope.Scoped tenant, UserAccount user, Instant now) {
        // The roles in force now, as role or role@location (a location's id: names change, ids do not).
        String roles = assignments.of(tenant.id(), user.id()).stream().filter(held -> held.validAt(now))
                .map(held -> held.location() == null ? held.role() : held.role() + "@" + held.location())
                .distinct().collect(Collectors.joining(" "));
        List<String> cells = new ArrayList<>();
        cells.add(user.id().toString());
        cells.add(user.username());
        cells.add(user.firstName());
        cells.add(user.lastName());
        cells.add(text(user.email()));
        cells.add(text(user.phone()));
        cells.add(user.kind());
        cells.add(user.status());
        cells.add(Boolean.toString(user.hidden()));
        cells.add(roles);
        cells.add(user.createdAt().toString());
        return cells;
    }

    private static Map<String, String> given(Roster.Filter filter) {
        Map<String, String> given = new LinkedHashMap<>();
        put(given, "q", filter.q());
        put(given, "status", filter.status());
        put(given, "role", filter.role());
        put(given, "location", filter.location());
        put(given, "hidden", filter.hidden());
        put(given, "kind", filter.kind());
        return given;
    }

    private static void put(Map<String, String> given, String name, @Nullable String value) {
        if (value != null) {
            given.put(name, value);
        }
    }

    private static String text(@Nullable String value) {
        return value == null ? "" : value;
    }

    private static void line(StringBuilder out, List<String> cells) {
        out.append(cells.stream().map(UserExport::cell).collect(Collectors.joining(","))).append("\r\n");
    }

    /**
     * RFC 4180 quoting, and OWASP's CSV-injection rule: a cell a spreadsheet would run as a formula
     * (a name typed as {@code =HYPERLINK(…)}) gets a leading apostrophe.
     */
    public static String cell(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        boolean quote = safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0
                || safe.indexOf('\r') >= 0;
        return quote ? '"' + safe.replace("\"", "\"\"") + '"' : safe;
    }
}
