package dev.gatehouse.server.database;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Whether PostgreSQL's planner statistics of a table still describe it, so that a bulk write (issue
 * 17: the user import) analyzes a table only when its plans could be wrong, not on every request.
 * The owning store runs the {@code ANALYZE} itself; this only reads the catalog's counters.
 */
@Component
public class PlannerStatistics {

    private final JdbcClient jdbc;

    PlannerStatistics(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * True when {@code table} was never analyzed nor vacuumed ({@code reltuples} is -1 from PostgreSQL
     * 14 on: the planner knows nothing of its columns), or when more rows changed since its last
     * analysis than that analysis counted (the table at least doubled). The plans the import depends on
     * (each foreign-key check of an assignment against {@code users}, by its primary key) go wrong with
     * statistics taken while the table was empty or tiny, and stay right as it grows: a column's
     * distinct count is kept as a share of the rows. So a table of a million rows is not analyzed again
     * for another thousand, and one filled from nothing is analyzed about log2(rows) times, not once
     * per batch. Autovacuum's own analysis (by default after a tenth of the rows changed) still runs.
     * The counters of a transaction reach {@code pg_stat_user_tables} within about a second of its
     * commit, so a decision may come a batch late; the first batch into a never-analyzed table does not.
     */
    public boolean stale(String table) {
        return jdbc.sql("""
                        select c.reltuples < 0 or coalesce(s.n_mod_since_analyze, 0) > c.reltuples
                        from pg_class c left join pg_stat_user_tables s on s.relid = c.oid
                        where c.oid = cast(:table as regclass)
                        """)
                .param("table", table).query(Boolean.class).single();
    }

    /**
     * Has this connection publish its pending counters when its transaction ends, rather than within the
     * second PostgreSQL otherwise allows itself ({@code pg_stat_force_next_flush}, PostgreSQL 15), so
     * that {@link #stale} read after the commit counts the rows this transaction wrote.
     */
    public void countOnCommit() {
        jdbc.sql("select pg_stat_force_next_flush()").query().singleRow();
    }
}
