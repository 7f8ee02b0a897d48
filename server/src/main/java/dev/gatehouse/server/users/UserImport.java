package dev.gatehouse.server.users;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Assignments;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.database.PlannerStatistics;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Usernames;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The bulk import of users (issue 17, docs/api.md "Bulk import", docs/user-import.md): a CSV or
 * NDJSON body read as it arrives and written batch by batch, each batch of up to {@link #BATCH}
 * lines all-or-nothing in one transaction with one {@code USER_CREATED} event per user. Every line
 * is held to the rules of {@code POST …/users} ({@link Roster#create}): the same field rules, the
 * same engine decisions on where the caller may create users and which roles they may give.
 */
@Service
public class UserImport {

    /** Lines per batch: each batch is written whole or not at all. */
    static final int BATCH = 1000;
    /**
     * Failed lines listed at most; past them the import stops, so that the answer (and the memory
     * holding it) stays bounded however bad the file.
     */
    static final int MAX_FAILED = 10_000;

    static final String NO_PASSWORD = "an import takes no passwords: imported people are invited (status INVITED) and"
            + " set their own through an invitation sent later (POST …/users/{id}/invitation)";
    static final String NO_INVITE = "an import sends no mail: imported people wait as INVITED until an invitation is"
            + " sent to each (POST …/users/{id}/invitation)";
    static final String NOT_IMPORTED = "is not taken by the import; set it afterwards with PATCH …/users/{id}";

    /** The CSV columns, in the order docs/api.md names them; a header may give them in any order. */
    static final List<String> COLUMNS = List.of("username", "firstName", "lastName", "email", "phone", "kind",
            "roles");

    public enum Format { CSV, NDJSON }

    /** A line not written, and why: its own errors, or the line of its batch that failed. */
    public record FailedLine(long line, List<FieldError> errors) {}

    /**
     * {@code batches}: batches written; {@code stoppedAfterLine}: set when the import stopped early
     * after {@link #MAX_FAILED} failed lines, the last line read (none after it was written).
     */
    public record Result(long imported, long batches, List<FailedLine> failed, @Nullable Long stoppedAfterLine) {}

    /**
     * The body could not be read on ({@code 413} a line too long, {@code 400} not CSV/NDJSON or not
     * UTF-8, or the client went away): what was written before it stays written, whole batches only.
     */
    public static final class Interrupted extends RuntimeException {
        private final HttpStatus status;
        private final long line;
        private final transient Result written;

        Interrupted(HttpStatus status, String message, long line, Result written) {
            super(message);
            this.status = status;
            this.line = line;
            this.written = written;
        }

        public HttpStatus status() {
            return status;
        }

        public long line() {
            return line;
        }

        public Result written() {
            return written;
        }
    }

    private final UserStore users;
    private final Assignments assignments;
    private final AuditLog audit;
    private final Access access;
    private final UserGuard guard;
    private final TenantScope scope;
    private final JsonMapper json;
    private final TransactionTemplate transactions;
    private final PlannerStatistics statistics;

    UserImport(UserStore users, Assignments assignments, AuditLog audit, Access access, UserGuard guard,
            TenantScope scope, JsonMapper json, PlatformTransactionManager transactions,
            PlannerStatistics statistics) {
        this.statistics = statistics;
        this.users = users;
        this.assignments = assignments;
        this.audit = audit;
        this.access = access;
        this.guard = guard;
        this.scope = scope;
        this.json = json;
        this.transactions = new TransactionTemplate(transactions);
    }

    /** One line read: the request it holds, or why it holds none. */
    private record Line(long number, Roster.@Nullable CreateRequest request, List<FieldError> errors) {}

    /** One line checked and ready to write. */
    private record Checked(long line, UserStore.Imported user, List<UserGuard.NewAssignment> roles) {}

    /**
     * Reads {@code body} to its end, writing batch by batch.
     *
     * @throws ApiException 403 when the caller may not create users at all (nothing is read)
     * @throws Interrupted when the body cannot be read on
     */
    public Result run(Caller caller, TenantScope.Scoped tenant, Format format, InputStream body, Origin origin) {
        guard.requireAnywhere(caller, "users.create");
        Run run = new Run(caller, tenant, origin);
        long lineNumber = 0;
        try (Source source = format == Format.CSV ? new CsvSource(new CsvRecords(body))
                : new JsonSource(new ImportRecords(body))) {
            List<Line> batch = new ArrayList<>(BATCH);
            while (true) {
                Line line = source.next(lineNumber + 1);
                if (line == null) {
                    break;
                }
                lineNumber = line.number();
                batch.add(line);
                if (batch.size() == BATCH) {
                    run.write(batch);
                    batch.clear();
                    if (run.failed.size() >= MAX_FAILED) {
                        return run.result(lineNumber);
                    }
                }
            }
            run.write(batch);
        } catch (ImportRecords.Malformed e) {
            throw new Interrupted(e.tooLong() ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.BAD_REQUEST,
                    e.getMessage() + " (after line " + lineNumber + ")", lineNumber + 1, run.result(null));
        } catch (IOException e) {
            throw new Interrupted(HttpStatus.BAD_REQUEST, "the body ended while being read (after line " + lineNumber
                    + "); the batches before it are written", lineNumber + 1, run.result(null));
        }
        return run.result(null);
    }

    /** Where the lines of a body come from: the records of a CSV, or the lines of NDJSON. */
    private interface Source extends AutoCloseable {
        /** The next line, numbered {@code number}, or null at the end of the body. */
        @Nullable Line next(long number) throws IOException, ImportRecords.Malformed;

        @Override
        void close() throws IOException;
    }

    /** A CSV body: its header, read on the first call, says which column holds which field. */
    private static final class CsvSource implements Source {
        private final CsvRecords records;
        private @Nullable Map<String, Integer> columns;

        CsvSource(CsvRecords records) {
            this.records = records;
        }

        @Override
        public @Nullable Line next(long number) throws IOException, ImportRecords.Malformed {
            if (columns == null) {
                columns = header(records);
            }
            return csvLine(records, columns, number);
        }

        @Override
        public void close() {
            records.close();
        }
    }

    /** An NDJSON body: one user object of {@code POST …/users} per line. */
    private final class JsonSource implements Source {
        private final ImportRecords lines;

        JsonSource(ImportRecords lines) {
            this.lines = lines;
        }

        @Override
        public @Nullable Line next(long number) throws IOException, ImportRecords.Malformed {
            return jsonLine(lines, number);
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }

    /** The CSV header: which column holds which field; an unknown or repeated column refuses the file. */
    private static Map<String, Integer> header(CsvRecords records) throws IOException, ImportRecords.Malformed {
        List<String> header = records.next();
        if (header == null || header.size() == 1 && header.getFirst().isBlank()) {
            throw ApiException.badRequest("header", "a CSV import starts with the header line "
                    + String.join(",", COLUMNS));
        }
        Map<String, Integer> columns = new HashMap<>();
        List<FieldError> errors = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip();
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1); // a byte-order mark, as spreadsheets write it
            }
            if (!COLUMNS.contains(name)) {
                errors.add(new FieldError("header", "unknown column " + name + "; the columns are "
                        + String.join(",", COLUMNS)));
            } else if (columns.put(name, i) != null) {
                errors.add(new FieldError("header", "column " + name + " is given twice"));
            }
        }
        for (String required : List.of("username", "firstName", "lastName")) {
            if (!columns.containsKey(required)) {
                errors.add(new FieldError("header", "column " + required + " is required"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return columns;
    }

    private static @Nullable Line csvLine(CsvRecords records, Map<String, Integer> columns, long number)
            throws IOException, ImportRecords.Malformed {
        List<String> fields;
        do {
            fields = records.next();
            if (fields == null) {
                return null;
            }
        } while (fields.size() == 1 && fields.getFirst().isBlank());
        int expected = columns.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        if (fields.size() != expected) {
            return new Line(number, null, List.of(new FieldError("line", "has " + fields.size()
                    + " fields; the header names " + expected)));
        }
        return new Line(number, new Roster.CreateRequest(column(fields, columns, "username"),
                column(fields, columns, "firstName"), column(fields, columns, "lastName"),
                column(fields, columns, "email"), column(fields, columns, "phone"), column(fields, columns, "kind"),
                null, null, null, roles(column(fields, columns, "roles")), null), List.of());
    }

    private static @Nullable String column(List<String> fields, Map<String, Integer> columns, String name) {
        Integer index = columns.get(name);
        if (index == null) {
            return null;
        }
        String value = fields.get(index);
        return value.isBlank() ? null : value;
    }

    /** docs/api.md: roles as {@code role@locationId;role}. */
    private static @Nullable List<Roster.RoleRequest> roles(@Nullable String text) {
        if (text == null) {
            return null;
        }
        List<Roster.RoleRequest> roles = new ArrayList<>();
        for (String part : text.split(";")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int at = entry.indexOf('@');
            roles.add(at < 0 ? new Roster.RoleRequest(entry, null, null, null)
                    : new Roster.RoleRequest(entry.substring(0, at).strip(), entry.substring(at + 1).strip(), null,
                            null));
        }
        return roles;
    }

    private @Nullable Line jsonLine(ImportRecords records, long number) throws IOException, ImportRecords.Malformed {
        String text;
        do {
            text = records.nextLine();
            if (text == null) {
                return null;
            }
        } while (text.isBlank());
        try {
            return new Line(number, json.readValue(text, Roster.CreateRequest.class), List.of());
        } catch (UnrecognizedPropertyException unknown) {
            return new Line(number, null, List.of(new FieldError(path(unknown), "is not a field of a user")));
        } catch (DatabindException wrong) {
            return new Line(number, null, List.of(wrong.getPath().isEmpty()
                    ? new FieldError("line", "must be one JSON object")
                    : new FieldError(path(wrong), "has the wrong type or format")));
        } catch (JacksonException broken) {
            return new Line(number, null, List.of(new FieldError("line", "is not valid JSON")));
        }
    }

    private static String path(DatabindException e) {
        StringBuilder path = new StringBuilder();
        e.getPath().forEach(reference -> {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        });
        return path.isEmpty() ? "line" : path.toString();
    }

    /** What holds for the whole request: the tenant's policy and rules, the caller's decisions, the answer so far. */
    private final class Run {
        private final Caller caller;
        private final TenantScope.Scoped tenant;
        private final Origin origin;
        private final TenantPolicy policy;
        private final TenantScope.Rules rules;
        private final AuditLog.Actor actor;
        // The engine's answers for this caller, asked once per place and role: a file names few of them.
        private final Map<Resource, Boolean> createAt = new HashMap<>();
        private final Map<String, @Nullable String> assignRefusals = new HashMap<>();
        private final UserGuard.Assigner assigner;
        private final List<FailedLine> failed = new ArrayList<>();
        private long imported;
        private long batches;

        Run(Caller caller, TenantScope.Scoped tenant, Origin origin) {
            this.caller = caller;
            this.tenant = tenant;
            this.origin = origin;
            this.policy = access.policy(tenant.id()).orElseThrow(() -> ApiException.notFound("tenant " + tenant.slug()));
            this.rules = scope.rules(tenant.id());
            this.actor = guard.actor(caller);
            this.assigner = guard.assigner(caller);
        }

        Result result(@Nullable Long stoppedAfter) {
            return new Result(imported, batches, List.copyOf(failed), stoppedAfter);
        }

        void write(List<Line> batch) {
            if (batch.isEmpty()) {
                return;
            }
            Map<Long, List<FieldError>> errors = new LinkedHashMap<>();
            List<Checked> checked = new ArrayList<>(batch.size());
            Map<String, Long> usernames = new HashMap<>();
            Map<String, Long> emails = new HashMap<>();
            for (Line line : batch) {
                if (line.request() == null) {
                    errors.put(line.number(), line.errors());
                    continue;
                }
                AccountFields fields = new AccountFields();
                Checked one = check(line.number(), line.request(), fields);
                if (one != null) {
                    String username = Usernames.normalize(one.user().user().username());
                    Long earlier = usernames.putIfAbsent(username, one.line());
                    if (earlier != null) {
                        fields.reject("username", "repeats line " + earlier + " of this file");
                    }
                    String email = one.user().user().email();
                    if (email != null) {
                        Long before = emails.putIfAbsent(Usernames.normalize(email), one.line());
                        if (before != null) {
                            fields.reject("email", "repeats line " + before + " of this file");
                        }
                    }
                }
                if (!fields.errors().isEmpty() || one == null) {
                    errors.put(line.number(), fields.errors());
                } else {
                    checked.add(one);
                }
            }
            if (!checked.isEmpty()) {
                Set<String> taken = users.takenOf(tenant.id(), usernames.keySet(), emails.keySet());
                if (!taken.isEmpty()) {
                    for (Checked one : checked) {
                        List<FieldError> found = new ArrayList<>();
                        if (taken.contains(Usernames.normalize(one.user().user().username()))) {
                            found.add(new FieldError("username", "is taken in this tenant"));
                        }
                        String email = one.user().user().email();
                        if (email != null && taken.contains(Usernames.normalize(email))) {
                            found.add(new FieldError("email", "belongs to another user of this tenant"));
                        }
                        if (!found.isEmpty()) {
                            errors.put(one.line(), found);
                        }
                    }
                }
            }
            long first = batch.getFirst().number();
            long last = batch.getLast().number();
            if (errors.isEmpty()) {
                try {
                    transactions.executeWithoutResult(status -> store(checked));
                    imported += checked.size();
                    batches++;
                    refreshStatistics();
                    return;
                } catch (DataIntegrityViolationException raced) {
                    // A unique index caught a username or e-mail written meanwhile by another request.
                    for (Line line : batch) {
                        failed.add(new FailedLine(line.number(), List.of(new FieldError("batch", "not written: a username"
                                + " or e-mail address of lines " + first + "–" + last + " was taken while they were"
                                + " written; send these lines again"))));
                    }
                    return;
                }
            }
            String faulty = errors.keySet().stream().limit(5).map(String::valueOf)
                    .reduce((a, b) -> a + ", " + b).orElseThrow() + (errors.size() > 5 ? " and others" : "");
            FieldError notWritten = new FieldError("batch", "not written: lines " + first + "–" + last
                    + " are one batch, written whole or not at all, and line " + faulty + " failed;"
                    + " send this line again with the corrected ones");
            for (Line line : batch) {
                List<FieldError> own = errors.get(line.number());
                failed.add(new FailedLine(line.number(), own == null ? List.of(notWritten) : own));
            }
        }

        /**
         * After a batch, PostgreSQL's statistics of {@code users} and {@code assignments} are refreshed
         * (ANALYZE, as its manual advises after a bulk load) when they no longer describe the tables
         * ({@code database.PlannerStatistics#stale}: never analyzed, or more rows changed since than were
         * counted). Without them a fresh database's import is quadratic: the foreign-key check of each
         * assignment ({@code select 1 from users where tenant_id = $1 and id = $2}) is planned once per
         * connection while the table looks empty, and the planner may pick any index led by
         * {@code tenant_id} for it, reading every user of the tenant per assignment (measured:
         * docs/benchmarks.md, "Bulk import"). Analyzing invalidates those plans; with statistics the
         * primary key wins, also for a tenant the statistics have never seen ("Reads and writes at 1 M
         * users, second pass"). Analyzing after every request instead cost 0.7 s a request of 1,000
         * users at 1 M users (ANALYZE samples 30,000 rows however few changed).
         */
        private void refreshStatistics() {
            users.analyzeIfStale();
            assignments.analyzeIfStale();
        }

        /** The rules of {@link Roster#create} for one line; null when the line cannot be written. */
        private @Nullable Checked check(long line, Roster.CreateRequest request, AccountFields fields) {
            String username = fields.username("username", request.username());
            String firstName = fields.name("firstName", request.firstName());
            String lastName = fields.name("lastName", request.lastName());
            String email = fields.email("email", request.email());
            String phone = fields.phone("phone", request.phone());
            String kind = fields.kind("kind", request.kind() == null ? null
                    : request.kind().strip().toUpperCase(Locale.ROOT));
            boolean service = kind.equals("SERVICE");
            ClinicalProfile profile = Roster.profile(fields, request.profile());
            List<UserGuard.NewAssignment> roles = Roster.roles(policy, fields, request.roles());
            boolean inactive = Roster.inactive(fields, request.status(), request.active());
            if (service) {
                Roster.refuseForService(fields, request);
            } else {
                if (request.password() != null) {
                    fields.reject("password", NO_PASSWORD);
                }
                if (Boolean.TRUE.equals(request.invite())) {
                    fields.reject("invite", NO_INVITE);
                }
            }
            if (request.userType() != null) {
                fields.reject("userType", NOT_IMPORTED);
            }
            if (request.managerId() != null) {
                fields.reject("managerId", NOT_IMPORTED);
            }
            if (request.expiresAt() != null) {
                fields.reject("expiresAt", NOT_IMPORTED);
            }
            if (rules.singleRolePerUser() && roles.size() > 1) {
                fields.reject("roles", "this tenant allows one role per user (singleRolePerUser)");
            }
            if (!fields.errors().isEmpty() || username == null || firstName == null || lastName == null) {
                return null;
            }
            // The engine decides, as for POST …/users: creating the user where their roles hold, and
            // giving each role there, are the caller's to do (no escalation: UserGuard#assigner).
            for (Resource where : UserGuard.resourcesOfNew(roles)) {
                if (!createAt.computeIfAbsent(where, resource -> guard.allows(caller, "users.create", resource))) {
                    fields.reject("roles", "missing permission users.create"
                            + (where.location() == null ? " tenant-wide" : " at location " + where.location()));
                }
            }
            for (int i = 0; i < roles.size(); i++) {
                UserGuard.NewAssignment role = roles.get(i);
                String key = role.role() + "@" + role.location();
                String refusal = assignRefusals.containsKey(key) ? assignRefusals.get(key)
                        : assigner.refusal(role.role(), role.location());
                assignRefusals.put(key, refusal);
                if (refusal != null) {
                    fields.reject("roles[" + i + "].role", refusal);
                }
            }
            if (!fields.errors().isEmpty()) {
                return null;
            }
            // Issue 17: nobody is mailed by an import. A person waits as INVITED, with no link, until
            // POST …/users/{id}/invitation sends one; a service account is active at once (issue 12).
            String status = inactive ? "DISABLED" : service ? "ACTIVE" : "INVITED";
            UserStore.NewUser user = new UserStore.NewUser(username, firstName, lastName, email, phone, kind, status,
                    null, List.of());
            return new Checked(line, new UserStore.Imported(Ids.timeOrdered(), user, profile,
                    Boolean.TRUE.equals(request.hidden())), roles);
        }

        private void store(List<Checked> batch) {
            users.insertAll(tenant.id(), batch.stream().map(Checked::user).toList());
            List<Assignments.NewRow> rows = new ArrayList<>();
            List<AuditLog.Entry> events = new ArrayList<>(batch.size());
            for (Checked one : batch) {
                UUID id = one.user().id();
                String status = one.user().user().status();
                for (UserGuard.NewAssignment role : one.roles()) {
                    rows.add(new Assignments.NewRow(Ids.timeOrdered(), id, role.role(), role.locationId(),
                            role.startsAt(), role.expiresAt(), status.equals("INVITED") ? "INVITE" : "DIRECT",
                            caller.userId()));
                }
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("roles", UserGuard.describe(one.roles()));
                details.put("invited", false);
                details.put("kind", one.user().user().kind());
                details.put("status", status);
                details.put("imported", true);
                events.add(new AuditLog.Entry("USER_CREATED", actor, UserEvents.target(id, one.user().user().username()),
                        origin.ip(), origin.userAgent(), details));
            }
            assignments.insertAll(tenant.id(), rows);
            // The new users' ids were never seen by any node's cache: there is no profile to evict.
            audit.recordAll(tenant.id(), events);
            // So that refreshStatistics, right after the commit, counts this batch's rows.
            statistics.countOnCommit();
        }
    }
}
