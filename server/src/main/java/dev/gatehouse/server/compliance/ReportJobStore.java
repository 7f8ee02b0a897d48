package dev.gatehouse.server.compliance;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Report jobs (V147, V150): what was asked, by whom or which schedule, and how far the generation is. */
@Repository
class ReportJobStore {

    /**
     * A job as stored; {@code actor} is the audit actor as JSON, {@code leaseUntil} when another node may take it,
     * {@code schedule} the monthly schedule whose period it is, if any.
     */
    record Job(TenantId tenant, UUID id, ReportType type, ReportFormat format, @Nullable LocalDate from,
            @Nullable LocalDate to, @Nullable LocalDate asOf, String status, Instant requestedAt,
            @Nullable UUID requestedBy, String requestedByName, String actor, @Nullable String ip,
            @Nullable String userAgent, int attempts, Instant leaseUntil, @Nullable Instant finishedAt,
            @Nullable UUID reportId, @Nullable String error, @Nullable SchedulePeriod schedule) {}

    /** A monthly schedule's period: the schedule and the first day of the month the report covers. */
    record SchedulePeriod(UUID schedule, LocalDate month) {}

    /** Where to find a job that waits for a node. */
    record Key(TenantId tenant, UUID id) {}

    private final JdbcClient jdbc;

    ReportJobStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a new job; answers false, storing nothing, when its schedule's period already has one. */
    boolean insert(Job job) {
        SchedulePeriod schedule = job.schedule();
        return jdbc.sql("""
                        insert into compliance_report_jobs (tenant_id, id, type, format, period_from, period_to, as_of,
                            status, requested_at, requested_by, requested_by_name, actor, ip, user_agent, lease_until,
                            schedule_id, schedule_period)
                        values (:tenant, :id, :type, :format, :from, :to, :asOf, :status, :requestedAt, :requestedBy,
                            :requestedByName, cast(:actor as jsonb), :ip, :userAgent, :leaseUntil, :schedule, :period)
                        on conflict (tenant_id, schedule_id, schedule_period) where schedule_id is not null do nothing
                        """)
                .param("tenant", job.tenant().value()).param("id", job.id()).param("type", job.type().name())
                .param("format", job.format().name()).param("from", job.from()).param("to", job.to())
                .param("asOf", job.asOf()).param("status", job.status()).param("requestedAt", utc(job.requestedAt()))
                .param("requestedBy", job.requestedBy()).param("requestedByName", job.requestedByName())
                .param("actor", job.actor()).param("ip", job.ip()).param("userAgent", job.userAgent())
                .param("leaseUntil", utc(job.leaseUntil()))
                .param("schedule", schedule == null ? null : schedule.schedule())
                .param("period", schedule == null ? null : schedule.month())
                .update() == 1;
    }

    Optional<Job> find(TenantId tenant, UUID id) {
        return jdbc.sql("select *, actor::text as actor_text from compliance_report_jobs where tenant_id = :tenant"
                        + " and id = :id")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> job(rs)).optional();
    }

    List<Job> list(TenantId tenant, int limit) {
        return jdbc.sql("""
                        select *, actor::text as actor_text from compliance_report_jobs where tenant_id = :tenant
                        order by requested_at desc, id limit :limit""")
                .param("tenant", tenant.value()).param("limit", limit).query((rs, n) -> job(rs)).list();
    }

    /**
     * Takes the job for this node until {@code leaseUntil}: a pending one, or one whose node let its
     * lease run out. One statement, so two nodes never both take it; answers the attempt it is now.
     */
    Optional<Integer> claim(TenantId tenant, UUID id, Instant now, Instant leaseUntil) {
        return jdbc.sql("""
                        update compliance_report_jobs set status = 'RUNNING', attempts = attempts + 1,
                            lease_until = :leaseUntil
                        where tenant_id = :tenant and id = :id
                          and (status = 'PENDING' or (status = 'RUNNING' and lease_until < :now))
                        returning attempts""")
                .param("tenant", tenant.value()).param("id", id).param("now", utc(now))
                .param("leaseUntil", utc(leaseUntil)).query(Integer.class).optional();
    }

    /** This node still works on the job. */
    void renew(TenantId tenant, UUID id, Instant leaseUntil) {
        jdbc.sql("""
                        update compliance_report_jobs set lease_until = :leaseUntil
                        where tenant_id = :tenant and id = :id and status = 'RUNNING'""")
                .param("tenant", tenant.value()).param("id", id).param("leaseUntil", utc(leaseUntil)).update();
    }

    /**
     * The job is READY with its report, if the claim that made it ({@code attempt}) is still the job's:
     * a node whose lease ran out while it worked, and whose job another node took since, answers false.
     */
    boolean ready(TenantId tenant, UUID id, int attempt, UUID report, Instant now) {
        return jdbc.sql("""
                        update compliance_report_jobs set status = 'READY', report_id = :report, finished_at = :now
                        where tenant_id = :tenant and id = :id and status = 'RUNNING' and attempts = :attempt""")
                .param("tenant", tenant.value()).param("id", id).param("attempt", attempt).param("report", report)
                .param("now", utc(now))
                .update() == 1;
    }

    /** Marks the job FAILED if claim {@code attempt} still holds it; answers false when another claim does or it ended. */
    boolean failed(TenantId tenant, UUID id, int attempt, String error, Instant now) {
        return jdbc.sql("""
                        update compliance_report_jobs set status = 'FAILED', error = :error, finished_at = :now
                        where tenant_id = :tenant and id = :id and status = 'RUNNING' and attempts = :attempt""")
                .param("tenant", tenant.value()).param("id", id).param("attempt", attempt).param("error", error)
                .param("now", utc(now))
                .update() == 1;
    }

    /** Jobs no node holds any more (lease over), oldest first: the sweep offers them again. */
    List<Key> orphaned(Instant now, int limit) {
        return jdbc.sql("""
                        select tenant_id, id from compliance_report_jobs
                        where status in ('PENDING', 'RUNNING') and lease_until < :now
                        order by lease_until limit :limit""")
                .param("now", utc(now)).param("limit", limit)
                .query((rs, n) -> new Key(new TenantId(rs.getObject("tenant_id", UUID.class)),
                        rs.getObject("id", UUID.class)))
                .list();
    }

    private static Job job(ResultSet rs) throws SQLException {
        OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
        UUID schedule = rs.getObject("schedule_id", UUID.class);
        return new Job(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("id", UUID.class),
                ReportType.valueOf(rs.getString("type")), ReportFormat.valueOf(rs.getString("format")),
                rs.getObject("period_from", LocalDate.class), rs.getObject("period_to", LocalDate.class),
                rs.getObject("as_of", LocalDate.class), rs.getString("status"),
                rs.getObject("requested_at", OffsetDateTime.class).toInstant(), rs.getObject("requested_by", UUID.class),
                rs.getString("requested_by_name"), rs.getString("actor_text"), rs.getString("ip"),
                rs.getString("user_agent"), rs.getInt("attempts"),
                rs.getObject("lease_until", OffsetDateTime.class).toInstant(),
                finished == null ? null : finished.toInstant(), rs.getObject("report_id", UUID.class),
                rs.getString("error"), schedule == null ? null
                        : new SchedulePeriod(schedule, rs.getObject("schedule_period", LocalDate.class)));
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
