package dev.gatehouse.server.users;

import dev.gatehouse.engine.EffectivePermission;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.database.StreamBudget;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The staff list as a download (seed 000: "Export - Download data"; the packs' {@code users.export},
 * "Download the staff list"). It holds exactly the users the caller could page through in
 * {@code GET …/users} with the same filters, narrowed to those the caller may export (a
 * location-scoped {@code users.export} reaches the users all of whose locations it covers), read
 * in one snapshot and recorded as {@code USERS_EXPORTED} with the number of rows before the first
 * row is written. Streamed (issue 17: a million users are ~100 MB of CSV): rows go to the client as
 * a cursor of the {@link StreamBudget}'s pool brings them, so memory stays flat, and a slow download
 * holds one of that pool's few connections, never one of the main pool's.
 */
@Service
public class UserExport {

    /** A download whose rows are written by {@link #writeTo}; it holds a permit of the {@link StreamBudget}. */
    public interface Download extends AutoCloseable {

        /** Records USERS_EXPORTED, then writes the header and the rows; gives the permit back. */
        void writeTo(OutputStream out) throws IOException;

        /** Gives the permit back if {@link #writeTo} never ran. */
        @Override
        void close();
    }

    static final List<String> COLUMNS = List.of("id", "username", "firstName", "lastName", "email", "phone", "kind",
            "status", "hidden", "roles", "createdAt");

    private final Roster roster;
    private final UserStore users;
    private final UserGuard guard;
    private final Access access;
    private final AuditLog audit;
    private final Clock clock;
    private final StreamBudget streams;
    private final TransactionTemplate recording;

    UserExport(Roster roster, UserStore users, UserGuard guard, Access access, AuditLog audit, Clock clock,
            StreamBudget streams, TransactionTemplate recording) {
        this.roster = roster;
        this.users = users;
        this.guard = guard;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.streams = streams;
        this.recording = recording;
    }

    /**
     * Checks the caller and the filters now, and takes a permit of the {@link StreamBudget}; the
     * download reads and records when written.
     *
     * @throws dev.gatehouse.server.shared.ApiException 403 without {@code users.export} (or without
     *     {@code users.read}, as for the list), 400 naming a bad filter as the list does, 503 when
     *     every permit of the {@link StreamBudget} is taken
     */
    public Download csv(Caller caller, TenantScope.Scoped tenant, Roster.Filter filter, AuditLog.Actor actor,
            Origin origin) {
        guard.requireAnywhere(caller, "users.export");
        UserStore.Query query = roster.query(caller, tenant, filter);
        Predicate<UUID> exported = exportsEverywhere(caller) ? user -> true
                : user -> guard.allows(caller, "users.export", user);
        Instant now = clock.instant();
        StreamBudget.Lease lease = streams.take();
        return new Download() {
            @Override
            public void writeTo(OutputStream stream) throws IOException {
                try {
                    Writer out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                    write(tenant, query, now, exported, out, rows -> record(tenant, filter, rows, actor, origin));
                    out.flush();
                } finally {
                    lease.close();
                }
            }

            @Override
            public void close() {
                lease.close();
            }
        };
    }

    /**
     * Counts the rows, has them recorded, then writes them, all from one snapshot: the event says how
     * many rows the download holds, and is committed before the first one leaves.
     */
    private void write(TenantScope.Scoped tenant, UserStore.Query query, Instant now, Predicate<UUID> exported,
            Writer out, LongConsumer recorded) throws IOException {
        try {
            users.inSnapshot(tenant.id(), query, now, snapshot -> {
                long[] rows = new long[1];
                snapshot.ids(user -> {
                    if (exported.test(user)) {
                        rows[0]++;
                    }
                });
                recorded.accept(rows[0]);
                line(out, COLUMNS);
                snapshot.users(user -> {
                    if (exported.test(user.account().id())) {
                        line(out, row(user));
                    }
                });
            });
        } catch (UncheckedIOException clientGone) {
            throw clientGone.getCause();
        }
    }

    private void record(TenantScope.Scoped tenant, Roster.Filter filter, long rows, AuditLog.Actor actor,
            Origin origin) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("format", "csv");
        details.put("filters", given(filter));
        details.put("rows", rows);
        recording.executeWithoutResult(status -> audit.record(tenant.id(), "USERS_EXPORTED", actor, null, origin.ip(),
                origin.userAgent(), details));
    }

    private boolean exportsEverywhere(Caller caller) {
        return access.effectivePermissions(caller, null).stream()
                .filter(held -> held.permission().equals("users.export"))
                .anyMatch(EffectivePermission::everywhere);
    }

    private static List<String> row(UserStore.ExportedUser exported) {
        UserAccount user = exported.account();
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
        // The roles in force now, as role or role@location (a location's id: names change, ids do not).
        cells.add(exported.roles());
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

    private static void line(Writer out, List<String> cells) {
        try {
            out.write(cells.stream().map(UserExport::cell).collect(Collectors.joining(",")));
            out.write("\r\n");
        } catch (IOException clientGone) {
            throw new UncheckedIOException(clientGone);
        }
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
