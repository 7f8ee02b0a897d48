package dev.gatehouse.server.compliance;

import dev.gatehouse.server.shared.TenantId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.core.support.SqlBinaryValue;
import org.springframework.stereotype.Repository;

/** The generated reports with their files, and the monthly schedules (V132). */
@Repository
class ReportStore {

    /** A download reads the file this much at a time: memory stays flat for a report of any size. */
    static final int SLICE = 1 << 20;

    /** A generated report, without its file. */
    record Stored(TenantId tenant, UUID id, ReportType type, ReportFormat format, @Nullable LocalDate from,
            @Nullable LocalDate to, @Nullable LocalDate asOf, long rows, long throughSeq, @Nullable String throughHash,
            String sha256, long size, Instant generatedAt, @Nullable UUID generatedBy, String generatedByName,
            @Nullable UUID schedule) {}

    /** A monthly schedule; {@code lastPeriod} is the first day of the last month generated. */
    record Schedule(TenantId tenant, UUID id, ReportType type, ReportFormat format, int dayOfMonth,
            List<UUID> recipients, @Nullable UUID createdBy, Instant createdAt, @Nullable LocalDate lastPeriod) {}

    private static final String REPORT_COLUMNS = """
            tenant_id, id, type, format, period_from, period_to, as_of, rows, through_seq, through_hash, sha256, size,
            generated_at, generated_by, generated_by_name, schedule_id""";

    private final JdbcClient jdbc;

    ReportStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Stored report, InputStream content) {
        jdbc.sql("insert into compliance_reports (" + REPORT_COLUMNS + """
                        , content) values (:tenant, :id, :type, :format, :from, :to, :asOf, :rows, :throughSeq,
                        :throughHash, :sha256, :size, :generatedAt, :generatedBy, :generatedByName, :schedule, :content)
                        """)
                .param("tenant", report.tenant().value()).param("id", report.id())
                .param("type", report.type().name()).param("format", report.format().name())
                .param("from", report.from()).param("to", report.to()).param("asOf", report.asOf())
                .param("rows", report.rows()).param("throughSeq", report.throughSeq())
                .param("throughHash", report.throughHash()).param("sha256", report.sha256())
                .param("size", report.size()).param("generatedAt", utc(report.generatedAt()))
                .param("generatedBy", report.generatedBy()).param("generatedByName", report.generatedByName())
                .param("schedule", report.schedule())
                .param("content", new SqlBinaryValue(content, report.size()))
                .update();
    }

    List<Stored> list(TenantId tenant, int page, int size) {
        return jdbc.sql("select " + REPORT_COLUMNS + """
                         from compliance_reports where tenant_id = :tenant
                        order by generated_at desc, id limit :size offset :offset""")
                .param("tenant", tenant.value()).param("size", size).param("offset", (long) page * size)
                .query((rs, n) -> report(rs)).list();
    }

    long count(TenantId tenant) {
        return jdbc.sql("select count(*) from compliance_reports where tenant_id = :tenant")
                .param("tenant", tenant.value()).query(Long.class).single();
    }

    Optional<Stored> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + REPORT_COLUMNS + " from compliance_reports where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> report(rs)).optional();
    }

    /** Writes the report's file to {@code out} in slices of {@link #SLICE} bytes. */
    void copyContent(TenantId tenant, UUID id, long size, OutputStream out) {
        for (long offset = 0; offset < size; offset += SLICE) {
            byte[] slice = jdbc.sql("""
                            select substring(content from cast(:from as integer) for :length) from compliance_reports
                            where tenant_id = :tenant and id = :id""")
                    .param("from", (int) offset + 1).param("length", SLICE)
                    .param("tenant", tenant.value()).param("id", id)
                    .query((rs, n) -> rs.getBytes(1)).single();
            try {
                out.write(slice);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    void insertSchedule(Schedule schedule) {
        jdbc.sql("""
                        insert into compliance_schedules (tenant_id, id, type, format, day_of_month, recipients,
                            created_by, created_at, last_period)
                        values (:tenant, :id, :type, :format, :day, :recipients, :createdBy, :createdAt, :lastPeriod)
                        """)
                .param("tenant", schedule.tenant().value()).param("id", schedule.id())
                .param("type", schedule.type().name()).param("format", schedule.format().name())
                .param("day", schedule.dayOfMonth()).param("recipients", schedule.recipients().toArray(UUID[]::new))
                .param("createdBy", schedule.createdBy()).param("createdAt", utc(schedule.createdAt()))
                .param("lastPeriod", schedule.lastPeriod())
                .update();
    }

    boolean updateSchedule(TenantId tenant, UUID id, ReportType type, ReportFormat format, int day,
            List<UUID> recipients) {
        return jdbc.sql("""
                        update compliance_schedules set type = :type, format = :format, day_of_month = :day,
                            recipients = :recipients where tenant_id = :tenant and id = :id""")
                .param("type", type.name()).param("format", format.name()).param("day", day)
                .param("recipients", recipients.toArray(UUID[]::new))
                .param("tenant", tenant.value()).param("id", id).update() == 1;
    }

    boolean deleteSchedule(TenantId tenant, UUID id) {
        return jdbc.sql("delete from compliance_schedules where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).update() == 1;
    }

    List<Schedule> schedules(TenantId tenant) {
        return jdbc.sql("select * from compliance_schedules where tenant_id = :tenant order by created_at, id")
                .param("tenant", tenant.value()).query((rs, n) -> schedule(rs)).list();
    }

    Optional<Schedule> findSchedule(TenantId tenant, UUID id) {
        return jdbc.sql("select * from compliance_schedules where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> schedule(rs)).optional();
    }

    /**
     * One schedule of any tenant due for {@code month} on day {@code day}, row-locked; another node's
     * run skips it ({@code skip locked}), so each month is generated once.
     */
    Optional<Schedule> dueForUpdate(LocalDate month, int day, Collection<UUID> skip) {
        return jdbc.sql("""
                        select * from compliance_schedules
                        where day_of_month <= :day and (last_period is null or last_period < :month)
                          and not (id = any(:skip))
                        order by created_at, id limit 1 for update skip locked""")
                .param("day", day).param("month", month).param("skip", skip.toArray(UUID[]::new))
                .query((rs, n) -> schedule(rs)).optional();
    }

    void generated(TenantId tenant, UUID id, LocalDate month) {
        jdbc.sql("update compliance_schedules set last_period = :month where tenant_id = :tenant and id = :id")
                .param("month", month).param("tenant", tenant.value()).param("id", id).update();
    }

    private static Stored report(ResultSet rs) throws SQLException {
        return new Stored(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("id", UUID.class),
                ReportType.valueOf(rs.getString("type")), ReportFormat.valueOf(rs.getString("format")),
                rs.getObject("period_from", LocalDate.class), rs.getObject("period_to", LocalDate.class),
                rs.getObject("as_of", LocalDate.class), rs.getLong("rows"), rs.getLong("through_seq"),
                rs.getString("through_hash"), rs.getString("sha256"), rs.getLong("size"),
                rs.getObject("generated_at", OffsetDateTime.class).toInstant(), rs.getObject("generated_by", UUID.class),
                rs.getString("generated_by_name"), rs.getObject("schedule_id", UUID.class));
    }

    private static Schedule schedule(ResultSet rs) throws SQLException {
        return new Schedule(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("id", UUID.class),
                ReportType.valueOf(rs.getString("type")), ReportFormat.valueOf(rs.getString("format")),
                rs.getInt("day_of_month"), uuids(rs.getArray("recipients")), rs.getObject("created_by", UUID.class),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getObject("last_period", LocalDate.class));
    }

    private static List<UUID> uuids(Array array) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        for (Object id : (Object[]) array.getArray()) {
            ids.add((UUID) id);
        }
        return ids;
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
