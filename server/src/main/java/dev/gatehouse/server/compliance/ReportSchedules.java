package dev.gatehouse.server.compliance;

import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Monthly report schedules (issue 16). Recipients are named users of the tenant who may read
 * reports ({@value ComplianceReports#READ}), never free addresses: a HIPAA report lists who opened
 * which patient's record, and a schedule must not become a way to send that outside. Even so the
 * mail carries only a link to the report in the console (behind sign-in), not the report itself;
 * see {@link ScheduledReportMail}. A recipient who later loses the permission or the account is skipped
 * when the month is generated.
 */
@Service
public class ReportSchedules {

    /** A schedule's recipients; enough for a compliance team, small enough to check each one. */
    static final int MAX_RECIPIENTS = 20;

    /** A schedule as the API and the console send it; recipients are user ids or usernames. */
    public record Request(@Nullable String type, @Nullable String format, @Nullable Integer dayOfMonth,
            @Nullable List<String> recipients) {}

    private final Access access;
    private final Actors actors;
    private final AuditLog audit;
    private final ReportStore store;
    private final UserStore users;
    private final Clock clock;

    ReportSchedules(Access access, Actors actors, AuditLog audit, ReportStore store,
            UserStore users, Clock clock) {
        this.access = access;
        this.actors = actors;
        this.audit = audit;
        this.store = store;
        this.users = users;
        this.clock = clock;
    }

    /** @throws ApiException 404, 403 without {@value ComplianceReports#MANAGE}, 400 naming the bad field */
    @Transactional
    public ReportViews.ScheduleView create(Caller caller, TenantId tenant, Request request, Origin origin) {
        access.require(caller, ComplianceReports.MANAGE, null);
        Checked checked = check(tenant, request);
        Instant now = clock.instant();
        // The month already over when the schedule is made counts as done: the first report is next month's run.
        LocalDate lastPeriod = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).minusMonths(1);
        ReportStore.Schedule schedule = new ReportStore.Schedule(tenant, UUID.randomUUID(), checked.type(),
                checked.format(), checked.day(), checked.recipients(), caller.userId(), now, lastPeriod);
        store.insertSchedule(schedule);
        audit.record(tenant, "REPORT_SCHEDULE_CREATED", actors.actor(caller), target(schedule), origin.ip(),
                origin.userAgent(), details(schedule.type(), schedule.format(), schedule.dayOfMonth(),
                        schedule.recipients()));
        return ReportViews.of(schedule);
    }

    @Transactional(readOnly = true)
    public List<ReportViews.ScheduleView> list(Caller caller, TenantId tenant) {
        access.require(caller, ComplianceReports.READ, null);
        return store.schedules(tenant).stream().map(ReportViews::of).toList();
    }

    @Transactional(readOnly = true)
    public ReportViews.ScheduleView get(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, ComplianceReports.READ, null);
        return ReportViews.of(find(tenant, id));
    }

    @Transactional
    public ReportViews.ScheduleView replace(Caller caller, TenantId tenant, UUID id, Request request,
            Origin origin) {
        access.require(caller, ComplianceReports.MANAGE, null);
        ReportStore.Schedule existing = find(tenant, id);
        Checked checked = check(tenant, request);
        store.updateSchedule(tenant, id, checked.type(), checked.format(), checked.day(), checked.recipients());
        audit.record(tenant, "REPORT_SCHEDULE_UPDATED", actors.actor(caller), target(existing), origin.ip(),
                origin.userAgent(), details(checked.type(), checked.format(), checked.day(), checked.recipients()));
        return ReportViews.of(find(tenant, id));
    }

    @Transactional
    public void delete(Caller caller, TenantId tenant, UUID id, Origin origin) {
        access.require(caller, ComplianceReports.MANAGE, null);
        ReportStore.Schedule existing = find(tenant, id);
        store.deleteSchedule(tenant, id);
        audit.record(tenant, "REPORT_SCHEDULE_DELETED", actors.actor(caller), target(existing), origin.ip(),
                origin.userAgent(), Map.of("type", existing.type().name()));
    }

    /** Whether {@code user} may still receive the tenant's reports: active and holding the read permission. */
    public boolean mayReceive(TenantId tenant, UUID user) {
        return users.find(tenant, user).filter(account -> account.status().equals("ACTIVE")).isPresent()
                && access.decide(tenant, user, ComplianceReports.READ, null, RequestContext.EMPTY).allowed();
    }

    private ReportStore.Schedule find(TenantId tenant, UUID id) {
        return store.findSchedule(tenant, id).orElseThrow(() -> ApiException.notFound("report schedule " + id));
    }

    private record Checked(ReportType type, ReportFormat format, int day, List<UUID> recipients) {}

    private Checked check(TenantId tenant, Request request) {
        List<FieldError> errors = new ArrayList<>();
        ReportType type = parse(ReportType.class, "type", request.type(), errors);
        ReportFormat format = request.format() == null ? ReportFormat.CSV
                : parse(ReportFormat.class, "format", request.format(), errors);
        Integer day = request.dayOfMonth();
        if (day == null || day < 1 || day > 28) {
            errors.add(new FieldError("dayOfMonth", "is required: 1 to 28, a day every month has"));
        }
        Set<UUID> recipients = new LinkedHashSet<>();
        List<String> given = request.recipients() == null ? List.of() : request.recipients();
        if (given.isEmpty() || given.size() > MAX_RECIPIENTS) {
            errors.add(new FieldError("recipients", "1 to " + MAX_RECIPIENTS + " users of this organisation who may"
                    + " read reports"));
        }
        for (int i = 0; i < given.size() && i < MAX_RECIPIENTS; i++) {
            String name = given.get(i) == null ? "" : given.get(i).strip();
            Optional<UUID> user = name.isEmpty() ? Optional.empty() : access.findUser(tenant, name);
            if (user.isEmpty()) {
                errors.add(new FieldError("recipients[" + i + "]", "no such user in this organisation: recipients are"
                        + " users, not addresses"));
            } else if (!mayReceive(tenant, user.get())) {
                errors.add(new FieldError("recipients[" + i + "]", "must be an active user who holds "
                        + ComplianceReports.READ));
            } else {
                recipients.add(user.get());
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return new Checked(java.util.Objects.requireNonNull(type), java.util.Objects.requireNonNull(format),
                java.util.Objects.requireNonNull(day), List.copyOf(recipients));
    }

    private static <E extends Enum<E>> @Nullable E parse(Class<E> kind, String field, @Nullable String text,
            List<FieldError> errors) {
        List<String> allowed = java.util.Arrays.stream(kind.getEnumConstants()).map(Enum::name).toList();
        if (text != null) {
            for (E value : kind.getEnumConstants()) {
                if (value.name().equals(text.strip().toUpperCase(Locale.ROOT))) {
                    return value;
                }
            }
        }
        errors.add(new FieldError(field, "must be one of " + String.join(", ", allowed)));
        return null;
    }

    private static Map<String, Object> details(ReportType type, ReportFormat format, int day, List<UUID> recipients) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("type", type.name());
        details.put("format", format.name());
        details.put("dayOfMonth", day);
        details.put("recipients", recipients.stream().map(UUID::toString).toList());
        return details;
    }

    private static AuditLog.Target target(ReportStore.Schedule schedule) {
        return new AuditLog.Target("report_schedule", schedule.id().toString(), schedule.type().label());
    }
}
