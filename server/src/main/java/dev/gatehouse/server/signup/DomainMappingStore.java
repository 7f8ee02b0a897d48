package dev.gatehouse.server.signup;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code domain_mappings} table. */
@Repository
class DomainMappingStore {

    /** A mapping as stored; {@code owner} is the tenant that made it. */
    record Row(TenantId owner, UUID id, String pattern, int priority, TenantId target, @Nullable UUID location,
            @Nullable String role, String mode, Instant createdAt, Instant updatedAt) {}

    private static final String COLUMNS = "tenant_id, id, pattern, priority, target_tenant_id, target_location_id,"
            + " default_role, mode, created_at, updated_at";

    private final JdbcClient jdbc;

    DomainMappingStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Row> of(TenantId owner) {
        return jdbc.sql("select " + COLUMNS + " from domain_mappings where tenant_id = :tenant"
                        + " order by priority desc, pattern")
                .param("tenant", owner.value()).query((rs, n) -> row(rs)).list();
    }

    Optional<Row> find(TenantId owner, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from domain_mappings where tenant_id = :tenant and id = :id")
                .param("tenant", owner.value()).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    /** Every tenant's mappings whose pattern is one of {@code patterns}. */
    List<Row> withPatterns(Collection<String> patterns) {
        return jdbc.sql("select " + COLUMNS + " from domain_mappings where pattern in (:patterns)")
                .param("patterns", patterns).query((rs, n) -> row(rs)).list();
    }

    boolean patternTaken(TenantId owner, String pattern, @Nullable UUID except) {
        return jdbc.sql("""
                        select exists (select 1 from domain_mappings
                                       where tenant_id = :tenant and pattern = :pattern and id is distinct from :except)
                        """)
                .param("tenant", owner.value()).param("pattern", pattern).param("except", except)
                .query(Boolean.class).single();
    }

    long count(TenantId owner) {
        return jdbc.sql("select count(*) from domain_mappings where tenant_id = :tenant")
                .param("tenant", owner.value()).query(Long.class).single();
    }

    void insert(Row row) {
        jdbc.sql("insert into domain_mappings (" + COLUMNS + ") values (:tenant, :id, :pattern, :priority, :target,"
                        + " :location, :role, :mode, :createdAt, :updatedAt)")
                .param("tenant", row.owner().value()).param("id", row.id()).param("pattern", row.pattern())
                .param("priority", row.priority()).param("target", row.target().value())
                .param("location", row.location()).param("role", row.role()).param("mode", row.mode())
                .param("createdAt", time(row.createdAt())).param("updatedAt", time(row.updatedAt()))
                .update();
    }

    void update(Row row) {
        jdbc.sql("""
                        update domain_mappings set pattern = :pattern, priority = :priority, target_tenant_id = :target,
                               target_location_id = :location, default_role = :role, mode = :mode, updated_at = :updatedAt
                        where tenant_id = :tenant and id = :id
                        """)
                .param("tenant", row.owner().value()).param("id", row.id()).param("pattern", row.pattern())
                .param("priority", row.priority()).param("target", row.target().value())
                .param("location", row.location()).param("role", row.role()).param("mode", row.mode())
                .param("updatedAt", time(row.updatedAt()))
                .update();
    }

    boolean delete(TenantId owner, UUID id) {
        return jdbc.sql("delete from domain_mappings where tenant_id = :tenant and id = :id")
                .param("tenant", owner.value()).param("id", id).update() > 0;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("id", UUID.class),
                rs.getString("pattern"), rs.getInt("priority"),
                new TenantId(rs.getObject("target_tenant_id", UUID.class)),
                rs.getObject("target_location_id", UUID.class), rs.getString("default_role"), rs.getString("mode"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }

    static @Nullable OffsetDateTime time(@Nullable Instant at) {
        return at == null ? null : at.atOffset(ZoneOffset.UTC);
    }
}
