package dev.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 17: the change log stays bounded under continuous writes. Beyond the retention window, a tenant
 * keeps its newest {@link ChangeLog#KEPT_PER_TENANT} rows however recent the rest are — what a lagging client
 * can still be replayed — and a client from before them is told to reset; a quiet tenant's clients lose nothing
 * to a busy tenant's prune.
 */
class ChangeLogRetentionIT extends IntegrationTest {

    private static final Duration WINDOW = Duration.ofHours(24);

    @Autowired
    ChangeLog changeLog;

    @Autowired
    JdbcClient jdbc;

    private TenantId tenant() {
        return new TenantId(UUID.fromString(SignedInTenant.create(api, operatorToken(), "clinic").id()));
    }

    /** {@code rows} subject changes of {@code tenant} recorded {@code ago}, as many changes of users would. */
    private void recorded(TenantId tenant, int rows, Duration ago) {
        jdbc.sql("""
                        insert into access_change_log (tenant_id, kind, user_id, recorded_at)
                        select :tenant, 'SUBJECT', gen_random_uuid(), now() - make_interval(secs => :ago)
                        from generate_series(1, :rows)""")
                .param("tenant", tenant.value()).param("ago", (double) ago.toSeconds()).param("rows", rows).update();
    }

    private List<Long> versions(TenantId tenant) {
        return jdbc.sql("select version from access_change_log where tenant_id = :tenant order by version")
                .param("tenant", tenant.value()).query(Long.class).list();
    }

    private long prunedThrough() {
        return jdbc.sql("select through from access_change_log_pruned").query(Long.class).single();
    }

    @Test
    void aBusyTenantKeepsItsNewestRowsAndAClientFromBeforeThemIsToldToReset() {
        TenantId busy = tenant();
        TenantId quiet = tenant();
        // A minute ago: inside the window, outside the replay's few seconds of late commits.
        recorded(quiet, 3, Duration.ofMinutes(1));
        recorded(busy, ChangeLog.KEPT_PER_TENANT + 2_500, Duration.ofMinutes(1));
        List<Long> before = versions(busy);
        List<Long> quietRows = versions(quiet);
        long quietFirst = quietRows.getFirst();
        long through = prunedThrough();

        changeLog.prune(WINDOW);

        List<Long> kept = versions(busy);
        assertThat(kept).isEqualTo(before.subList(before.size() - ChangeLog.KEPT_PER_TENANT, before.size()));
        assertThat(versions(quiet)).as("the quiet tenant's rows, its creation's among them").isEqualTo(quietRows);
        assertThat(prunedThrough()).as("a quiet tenant's clients are not sent to reload").isEqualTo(through);
        assertThat(changeLog.since(busy, kept.getFirst())).isInstanceOfSatisfying(ChangeLog.Missed.class,
                missed -> assertThat(missed.changes()).hasSize(ChangeLog.MAX_REPLAY));
        assertThat(changeLog.since(busy, kept.getFirst() - 1)).as("it would have missed a pruned change")
                .isInstanceOf(ChangeLog.Reset.class);
        assertThat(changeLog.since(busy, before.getFirst())).isInstanceOf(ChangeLog.Reset.class);
        List<Long> quietLater = versions(quiet).stream().filter(version -> version > quietFirst).toList();
        assertThat(changeLog.since(quiet, quietFirst)).isInstanceOfSatisfying(ChangeLog.Missed.class,
                missed -> assertThat(missed.changes()).extracting(AccessChange::version).containsAll(quietLater));
    }

    @Test
    void underContinuousWritesATenantsRowsStayBounded() {
        TenantId busy = tenant();
        for (int round = 0; round < 4; round++) {
            recorded(busy, 6_000, Duration.ofMinutes(1));
            changeLog.prune(WINDOW);
            assertThat(versions(busy)).as("after round " + round).hasSizeLessThanOrEqualTo(ChangeLog.KEPT_PER_TENANT);
        }
        assertThat(versions(busy)).hasSize(ChangeLog.KEPT_PER_TENANT);
    }

    @Test
    void rowsOlderThanTheWindowGoInBatchesAndTheHighestRemovedIsRemembered() {
        TenantId tenant = tenant();
        List<Long> recent = versions(tenant);
        recorded(tenant, 2 * ChangeLog.PRUNE_BATCH + 10, Duration.ofDays(2));
        long oldest = versions(tenant).getLast();
        recorded(tenant, 1, Duration.ofMinutes(1));
        long newest = versions(tenant).getLast();

        assertThat(changeLog.prune(WINDOW)).isGreaterThanOrEqualTo(2 * ChangeLog.PRUNE_BATCH + 10);

        List<Long> left = new ArrayList<>(recent);
        left.add(newest);
        assertThat(versions(tenant)).as("the recent rows, its creation's among them, and the newest")
                .isEqualTo(left);
        assertThat(prunedThrough()).isGreaterThanOrEqualTo(oldest);
        assertThat(changeLog.since(tenant, oldest - 1)).isInstanceOf(ChangeLog.Reset.class);
        assertThat(changeLog.since(tenant, oldest)).isInstanceOfSatisfying(ChangeLog.Missed.class,
                missed -> assertThat(missed.changes()).extracting(AccessChange::version).contains(newest)
                        .allMatch(version -> version > oldest || recent.contains(version)));
    }
}
