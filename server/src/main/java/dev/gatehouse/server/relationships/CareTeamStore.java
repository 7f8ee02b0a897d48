package dev.gatehouse.server.relationships;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code care_teams} table (V110); names unique per tenant ignoring case. */
@Repository
class CareTeamStore {

    private static final String COLUMNS = "t.id, t.name, t.location_id, t.created_at, t.updated_at";

    private final JdbcClient jdbc;

    CareTeamStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<CareTeam> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from care_teams t where t.tenant_id = :tenant and t.id = :id")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> team(rs)).optional();
    }

    /** Which of {@code ids} are care teams of the tenant. */
    Set<UUID> existing(TenantId tenant, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(jdbc.sql("select id from care_teams where tenant_id = :tenant and id = any(:ids)")
                .param("tenant", tenant.value()).param("ids", ids.toArray(UUID[]::new)).query(UUID.class).list());
    }

    /** The team, locked until the transaction ends (membership and patient changes of one team in turn). */
    Optional<CareTeam> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from care_teams t where t.tenant_id = :tenant and t.id = :id for update")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> team(rs)).optional();
    }

    List<CareTeam> all(TenantId tenant) {
        return jdbc.sql("select " + COLUMNS + " from care_teams t where t.tenant_id = :tenant order by lower(t.name), t.id")
                .param("tenant", tenant.value())
                .query((rs, n) -> team(rs)).list();
    }

    /** The teams among {@code ids}, for naming them in reasons and lists. */
    List<CareTeam> some(TenantId tenant, List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + COLUMNS + " from care_teams t where t.tenant_id = :tenant and t.id = any(:ids)")
                .param("tenant", tenant.value()).param("ids", ids.toArray(UUID[]::new))
                .query((rs, n) -> team(rs)).list();
    }

    boolean nameTaken(TenantId tenant, String name, @Nullable UUID except) {
        return jdbc.sql("""
                        select exists (select 1 from care_teams
                            where tenant_id = :tenant and lower(name) = lower(:name) and id is distinct from :except)
                        """)
                .param("tenant", tenant.value()).param("name", name).param("except", except)
                .query(Boolean.class).single();
    }

    /**
     * Adds a team. Two requests naming the same new team at once both pass {@link #nameTaken}; the
     * unique index lets one in and the other is a 409, never a 500.
     */
    void insert(TenantId tenant, UUID id, String name, @Nullable UUID location, Instant now) {
        try {
            jdbc.sql("""
                            insert into care_teams (tenant_id, id, name, location_id, created_at, updated_at)
                            values (:tenant, :id, :name, :location, :now, :now)
                            """)
                    .param("tenant", tenant.value()).param("id", id).param("name", name).param("location", location)
                    .param("now", RelationshipStore.utc(now)).update();
        } catch (DuplicateKeyException taken) {
            throw nameInUse(name);
        }
    }

    /** The answer to a team name another team of the tenant has. */
    static ApiException nameInUse(String name) {
        return ApiException.conflict("a care team named " + name + " already exists (names compare ignoring case)");
    }

    void update(TenantId tenant, UUID id, String name, @Nullable UUID location, Instant now) {
        try {
            jdbc.sql("""
                            update care_teams set name = :name, location_id = :location, updated_at = :now
                            where tenant_id = :tenant and id = :id
                            """)
                    .param("name", name).param("location", location).param("now", RelationshipStore.utc(now))
                    .param("tenant", tenant.value()).param("id", id).update();
        } catch (DuplicateKeyException taken) {
            throw nameInUse(name);
        }
    }

    void delete(TenantId tenant, UUID id) {
        jdbc.sql("delete from care_teams where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).update();
    }

    private static CareTeam team(ResultSet rs) throws SQLException {
        return new CareTeam(rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getObject("location_id", UUID.class), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
