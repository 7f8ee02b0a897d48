package dev.gatehouse.server.ldap;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The record of every sync ({@code ldap_sync_runs}); the unfinished run of a provider is its lease,
 * so that one sync of a provider runs at a time across the nodes.
 */
@Repository
class SyncRuns {

    enum Trigger { MANUAL, SCHEDULED }

    /** One entry a run could not sync, and why. */
    record Failure(String dn, String message) {}

    /** What a run changed: counted per directory entry. */
    record Counts(int created, int updated, int disabled, int unchanged, int skipped, int errors) {}

    /** A run as the API shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Run(UUID id, UUID provider, Trigger trigger, @Nullable UUID startedBy, Instant startedAt,
            @Nullable Instant finishedAt, @Nullable String outcome, int created, int updated, int disabled,
            int unchanged, int skipped, int errors, @Nullable String message, @Nullable String field,
            List<Failure> failures) {}

    static final int MAX_FAILURES = 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = "id, provider_id, trigger, started_by, started_at, finished_at, outcome,"
            + " created, updated, disabled, unchanged, skipped, errors, message, field, failures";

    private final JdbcClient jdbc;

    SyncRuns(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes the provider's lease: a new running run, or empty when one is running (a lease taken
     * before {@code staleBefore} is closed as abandoned first: its node stopped mid-run).
     */
    Optional<UUID> start(TenantId tenant, UUID provider, Trigger trigger, @Nullable UUID startedBy, Instant now,
            Instant staleBefore) {
        jdbc.sql("""
                        update ldap_sync_runs set finished_at = :now, outcome = 'FAILED',
                            message = 'abandoned: the node running it stopped'
                        where tenant_id = :tenant and provider_id = :provider and finished_at is null
                            and started_at < :stale
                        """)
                .param("now", utc(now)).param("tenant", tenant.value()).param("provider", provider)
                .param("stale", utc(staleBefore)).update();
        UUID id = UUID.randomUUID();
        int inserted = jdbc.sql("""
                        insert into ldap_sync_runs (tenant_id, id, provider_id, trigger, started_by, started_at)
                        values (:tenant, :id, :provider, :trigger, :by, :now)
                        on conflict (tenant_id, provider_id) where finished_at is null do nothing
                        """)
                .param("tenant", tenant.value()).param("id", id).param("provider", provider)
                .param("trigger", trigger.name()).param("by", startedBy).param("now", utc(now))
                .update();
        return inserted == 1 ? Optional.of(id) : Optional.empty();
    }

    void completed(TenantId tenant, UUID run, Counts counts, List<Failure> failures, Instant now) {
        jdbc.sql("""
                        update ldap_sync_runs set finished_at = :now, outcome = 'COMPLETED', created = :created,
                            updated = :updated, disabled = :disabled, unchanged = :unchanged, skipped = :skipped,
                            errors = :errors, failures = cast(:failures as jsonb)
                        where tenant_id = :tenant and id = :id
                        """)
                .param("now", utc(now)).param("created", counts.created()).param("updated", counts.updated())
                .param("disabled", counts.disabled()).param("unchanged", counts.unchanged())
                .param("skipped", counts.skipped()).param("errors", counts.errors())
                .param("failures", JSON.writeValueAsString(failures.subList(0, Math.min(failures.size(), MAX_FAILURES))))
                .param("tenant", tenant.value()).param("id", run)
                .update();
    }

    void failed(TenantId tenant, UUID run, String message, @Nullable String field, Instant now) {
        jdbc.sql("""
                        update ldap_sync_runs set finished_at = :now, outcome = 'FAILED', message = :message,
                            field = :field
                        where tenant_id = :tenant and id = :id
                        """)
                .param("now", utc(now)).param("message", message).param("field", field)
                .param("tenant", tenant.value()).param("id", run)
                .update();
    }

    Optional<Run> find(TenantId tenant, UUID run) {
        return jdbc.sql("select " + COLUMNS + " from ldap_sync_runs where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", run)
                .query((rs, n) -> run(rs)).optional();
    }

    /** The provider's runs, newest first. */
    List<Run> of(TenantId tenant, UUID provider, int limit) {
        return jdbc.sql("select " + COLUMNS + " from ldap_sync_runs where tenant_id = :tenant and provider_id = :provider"
                        + " order by started_at desc, id limit :limit")
                .param("tenant", tenant.value()).param("provider", provider).param("limit", limit)
                .query((rs, n) -> run(rs)).list();
    }

    /** When the provider's last run started, whatever started it. */
    Optional<Instant> lastStart(TenantId tenant, UUID provider) {
        return jdbc.sql("select started_at from ldap_sync_runs where tenant_id = :tenant and provider_id = :provider"
                        + " order by started_at desc limit 1")
                .param("tenant", tenant.value()).param("provider", provider)
                .query((rs, n) -> instant(rs, "started_at")).optional();
    }

    private static Run run(ResultSet rs) throws SQLException {
        return new Run(rs.getObject("id", UUID.class), rs.getObject("provider_id", UUID.class),
                Trigger.valueOf(rs.getString("trigger")), rs.getObject("started_by", UUID.class),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getString("outcome"), rs.getInt("created"),
                rs.getInt("updated"), rs.getInt("disabled"), rs.getInt("unchanged"), rs.getInt("skipped"),
                rs.getInt("errors"), rs.getString("message"), rs.getString("field"),
                JSON.readValue(rs.getString("failures"), new TypeReference<List<Failure>>() {}));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
