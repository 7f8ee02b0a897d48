package dev.gatehouse.server.relationships;

import dev.gatehouse.server.relationships.Relationship.Party;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code relationships} table (V110). A subject is a user ({@code subject_user}) or a care team
 * ({@code subject_team}); the text form {@code type:id} exists only above this class.
 */
@Repository
class RelationshipStore {

    private static final String COLUMNS = """
            r.id, r.subject_user, r.subject_team, r.relation, r.object_type, r.object_id, r.expires_at,
            r.created_at""";

    /** What a list asks for; each part null when not filtered on. */
    record Filter(@Nullable Party subject, @Nullable String relation, @Nullable Party object) {}

    private final JdbcClient jdbc;

    RelationshipStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Serialises writes of one subject's tuples until the transaction ends, so that writing the
     * same tuple twice at once makes one row, and a reassignment sees a stable set.
     */
    void lock(TenantId tenant, Party subject) {
        jdbc.sql("select pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "gatehouse.relationships:" + tenant + ":" + subject).query().singleValue();
    }

    Optional<Relationship> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from relationships r where r.tenant_id = :tenant and r.id = :id")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> relationship(rs)).optional();
    }

    Optional<Relationship> find(TenantId tenant, Party subject, String relation, Party object) {
        return jdbc.sql("select " + COLUMNS + " from relationships r where r.tenant_id = :tenant and "
                        + subjectColumn(subject) + " = :subject and r.relation = :relation"
                        + " and r.object_type = :objectType and r.object_id = :objectId")
                .param("tenant", tenant.value()).param("subject", subject.uuid())
                .param("relation", relation).param("objectType", object.type()).param("objectId", object.id())
                .query((rs, n) -> relationship(rs)).optional();
    }

    void insert(TenantId tenant, Relationship relationship, @Nullable UUID createdBy) {
        Party subject = relationship.subject();
        Party object = relationship.object();
        boolean user = subject.type().equals(Party.USER);
        jdbc.sql("""
                        insert into relationships (tenant_id, id, subject_user, subject_team, relation, object_type,
                            object_id, object_team, expires_at, created_at, created_by)
                        values (:tenant, :id, :user, :team, :relation, :objectType, :objectId, :objectTeam,
                            :expiresAt, :createdAt, :createdBy)
                        """)
                .param("tenant", tenant.value()).param("id", relationship.id())
                .param("user", user ? subject.uuid() : null)
                .param("team", user ? null : subject.uuid())
                .param("relation", relationship.relation())
                .param("objectType", object.type()).param("objectId", object.id())
                .param("objectTeam", object.type().equals(Party.CARE_TEAM) ? object.uuid() : null)
                .param("expiresAt", utc(relationship.expiresAt()))
                .param("createdAt", utc(relationship.createdAt())).param("createdBy", createdBy)
                .update();
    }

    /**
     * {@link #lock} for many subjects in one statement, in the order of their keys, so that two
     * batches naming the same subjects wait for each other rather than deadlock.
     */
    void lockAll(TenantId tenant, Collection<Party> subjects) {
        String[] keys = subjects.stream().map(subject -> "gatehouse.relationships:" + tenant + ":" + subject)
                .distinct().sorted().toArray(String[]::new);
        jdbc.sql("""
                        select count(pg_advisory_xact_lock(hashtextextended(key, 0)))
                        from unnest(cast(:keys as text[])) as k (key)
                        """)
                .param("keys", keys).query().singleValue();
    }

    /** Of these tuples (their subject, relation and object), those stored, expired or not. */
    List<Relationship> findAll(TenantId tenant, Collection<Relationship> tuples) {
        List<Relationship> found = new ArrayList<>();
        for (String type : List.of(Party.USER, Party.CARE_TEAM)) {
            List<Relationship> ofType = tuples.stream().filter(tuple -> tuple.subject().type().equals(type)).toList();
            if (ofType.isEmpty()) {
                continue;
            }
            found.addAll(jdbc.sql("select " + COLUMNS + " from relationships r join unnest(cast(:subjects as uuid[]),"
                            + " cast(:relations as text[]), cast(:types as text[]), cast(:ids as text[]))"
                            + " as a (subject, relation, object_type, object_id)"
                            + " on " + subjectColumn(ofType.getFirst().subject()) + " = a.subject"
                            + " and r.relation = a.relation and r.object_type = a.object_type"
                            + " and r.object_id = a.object_id"
                            + " where r.tenant_id = :tenant")
                    .param("tenant", tenant.value())
                    .param("subjects", ofType.stream().map(tuple -> tuple.subject().uuid()).toArray(UUID[]::new))
                    .param("relations", ofType.stream().map(Relationship::relation).toArray(String[]::new))
                    .param("types", ofType.stream().map(tuple -> tuple.object().type()).toArray(String[]::new))
                    .param("ids", ofType.stream().map(tuple -> tuple.object().id()).toArray(String[]::new))
                    .query((rs, n) -> relationship(rs)).list());
        }
        return found;
    }

    /** {@link #insert} for many new tuples, in one statement (a batch of relationships). */
    void insertAll(TenantId tenant, List<Relationship> tuples, @Nullable UUID createdBy) {
        if (tuples.isEmpty()) {
            return;
        }
        int size = tuples.size();
        UUID[] ids = new UUID[size];
        UUID[] users = new UUID[size];
        UUID[] teams = new UUID[size];
        String[] relations = new String[size];
        String[] types = new String[size];
        String[] objectIds = new String[size];
        UUID[] objectTeams = new UUID[size];
        String[] expires = new String[size];
        String[] created = new String[size];
        for (int i = 0; i < size; i++) {
            Relationship tuple = tuples.get(i);
            boolean user = tuple.subject().type().equals(Party.USER);
            ids[i] = tuple.id();
            users[i] = user ? tuple.subject().uuid() : null;
            teams[i] = user ? null : tuple.subject().uuid();
            relations[i] = tuple.relation();
            types[i] = tuple.object().type();
            objectIds[i] = tuple.object().id();
            objectTeams[i] = tuple.object().type().equals(Party.CARE_TEAM) ? tuple.object().uuid() : null;
            expires[i] = tuple.expiresAt() == null ? null : tuple.expiresAt().toString();
            created[i] = tuple.createdAt().toString();
        }
        jdbc.sql("""
                        insert into relationships (tenant_id, id, subject_user, subject_team, relation, object_type,
                            object_id, object_team, expires_at, created_at, created_by)
                        select :tenant, id, subject_user, subject_team, relation, object_type, object_id, object_team,
                            cast(expires_at as timestamptz), cast(created_at as timestamptz), :createdBy
                        from unnest(cast(:ids as uuid[]), cast(:users as uuid[]), cast(:teams as uuid[]),
                            cast(:relations as text[]), cast(:types as text[]), cast(:objectIds as text[]),
                            cast(:objectTeams as uuid[]), cast(:expires as text[]), cast(:created as text[]))
                            as t (id, subject_user, subject_team, relation, object_type, object_id, object_team,
                                expires_at, created_at)
                        """)
                .param("tenant", tenant.value()).param("ids", ids).param("users", users).param("teams", teams)
                .param("relations", relations).param("types", types).param("objectIds", objectIds)
                .param("objectTeams", objectTeams).param("expires", expires).param("created", created)
                .param("createdBy", createdBy)
                .update();
    }

    void expire(TenantId tenant, UUID id, @Nullable Instant expiresAt) {
        jdbc.sql("update relationships set expires_at = :expiresAt where tenant_id = :tenant and id = :id")
                .param("expiresAt", utc(expiresAt)).param("tenant", tenant.value()).param("id", id).update();
    }

    void delete(TenantId tenant, UUID id) {
        jdbc.sql("delete from relationships where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).update();
    }

    /** The users with a {@code member} tuple to the team, expired or not: whose answers its tuples shape. */
    List<UUID> members(TenantId tenant, UUID team) {
        return jdbc.sql("""
                        select subject_user from relationships
                        where tenant_id = :tenant and object_team = :team and relation = 'member'
                          and subject_user is not null
                        """)
                .param("tenant", tenant.value()).param("team", team).query(UUID.class).list();
    }

    /**
     * A user's index for the engine, one statement reading {@code :tenant} and {@code :user}: their own
     * {@code assigned_*} and {@code shared_with} tuples, then the {@code care_team} tuples of each team they are a
     * member of, with the team's name and the membership's expiry. Expired rows come too: a check may ask about
     * another moment than now, and the engine decides by the request's time. Sent alone ({@link #loadIndex}) or
     * in the round trip of a cold profile's read (access.PolicyLoader, issue 17), each row read by {@link #indexRow}.
     */
    static final String INDEX = """
            select null::uuid as team, null as team_name, null::timestamptz as member_until,
                   r.relation, r.object_type, r.object_id, r.expires_at
            from relationships r
            where r.tenant_id = :tenant and r.subject_user = :user
              and (r.relation = 'shared_with' or r.relation like 'assigned\\_%')
            union all
            select m.object_team, t.name, m.expires_at, c.relation, c.object_type, c.object_id,
                   c.expires_at
            from relationships m
            join care_teams t on t.tenant_id = m.tenant_id and t.id = m.object_team
            join relationships c on c.tenant_id = m.tenant_id and c.subject_team = m.object_team
                and c.relation = 'care_team'
            where m.tenant_id = :tenant and m.subject_user = :user and m.relation = 'member'
            """;

    /** Feeds a user's index for the engine ({@link #INDEX}), in one round trip. */
    void loadIndex(TenantId tenant, UUID user, IndexRows rows) {
        jdbc.sql(INDEX).param("tenant", tenant.value()).param("user", user).query(rs -> {
            indexRow(rs, rows);
        });
    }

    /** Hands the current row of {@link #INDEX} to {@code rows}. */
    static void indexRow(ResultSet rs, IndexRows rows) throws SQLException {
        OffsetDateTime until = rs.getObject("expires_at", OffsetDateTime.class);
        UUID team = rs.getObject("team", UUID.class);
        if (team == null) {
            rows.own(rs.getString("relation"), rs.getString("object_type"), rs.getString("object_id"),
                    until == null ? null : until.toInstant());
        } else {
            OffsetDateTime member = rs.getObject("member_until", OffsetDateTime.class);
            rows.throughTeam(team, rs.getString("team_name"), member == null ? null : member.toInstant(),
                    rs.getString("relation"), rs.getString("object_type"), rs.getString("object_id"),
                    until == null ? null : until.toInstant());
        }
    }

    /** Receives the rows of {@link #loadIndex}. */
    interface IndexRows {
        void own(String relation, String objectType, String objectId, @Nullable Instant until);

        void throughTeam(UUID team, String teamName, @Nullable Instant memberUntil, String relation,
                String objectType, String objectId, @Nullable Instant until);
    }

    /** The care teams {@code user} has a {@code member} tuple to. */
    List<UUID> teamsOf(TenantId tenant, UUID user) {
        return jdbc.sql("""
                        select object_team from relationships
                        where tenant_id = :tenant and subject_user = :user and relation = 'member'
                        """)
                .param("tenant", tenant.value()).param("user", user).query(UUID.class).list();
    }

    /** How many {@code assigned_*} tuples {@code user} has, expired or not. */
    long countAssigned(TenantId tenant, UUID user) {
        return jdbc.sql("""
                        select count(*) from relationships
                        where tenant_id = :tenant and subject_user = :user and relation like 'assigned\\_%'
                        """)
                .param("tenant", tenant.value()).param("user", user).query(Long.class).single();
    }

    int deleteMembership(TenantId tenant, UUID user, UUID team) {
        return jdbc.sql("""
                        delete from relationships
                        where tenant_id = :tenant and subject_user = :user and relation = 'member' and object_team = :team
                        """)
                .param("tenant", tenant.value()).param("user", user).param("team", team).update();
    }

    /**
     * Moves {@code from}'s care-team memberships and {@code assigned_*} tuples to {@code to} (a leaver's
     * to whoever covers): a tuple {@code to} already has stays theirs, and {@code from}'s copy goes.
     * Answers the tuples moved, as they now are.
     */
    List<Relationship> moveAssignments(TenantId tenant, UUID from, UUID to) {
        jdbc.sql("""
                        delete from relationships r
                        where r.tenant_id = :tenant and r.subject_user = :from
                          and (r.relation = 'member' or r.relation like 'assigned\\_%')
                          and exists (select 1 from relationships o
                              where o.tenant_id = r.tenant_id and o.subject_user = :to and o.relation = r.relation
                                and o.object_type = r.object_type and o.object_id = r.object_id)
                        """)
                .param("tenant", tenant.value()).param("from", from).param("to", to).update();
        return jdbc.sql("""
                        update relationships r set subject_user = :to
                        where r.tenant_id = :tenant and r.subject_user = :from
                          and (r.relation = 'member' or r.relation like 'assigned\\_%')
                        returning\s""" + COLUMNS)
                .param("tenant", tenant.value()).param("from", from).param("to", to)
                .query((rs, n) -> relationship(rs)).list();
    }

    /**
     * Deletes up to {@code limit} tuples of any tenant that expired before {@code cutoff}, skipping rows
     * another transaction holds; answers how many.
     */
    int deleteExpiredBefore(Instant cutoff, int limit) {
        return jdbc.sql("""
                        delete from relationships where (tenant_id, id) in (
                            select tenant_id, id from relationships
                            where expires_at < :cutoff
                            limit :limit for update skip locked)
                        """)
                .param("cutoff", utc(cutoff)).param("limit", limit).update();
    }

    /** A page of the tenant's tuples matching {@code filter}, oldest first. */
    List<Relationship> list(TenantId tenant, Filter filter, int page, int size) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(tenant, filter, params);
        return jdbc.sql("select " + COLUMNS + " from relationships r where " + where
                        + " order by r.created_at, r.id limit :limit offset :offset")
                .params(params).param("limit", size).param("offset", (long) page * size)
                .query((rs, n) -> relationship(rs)).list();
    }

    long count(TenantId tenant, Filter filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        String where = where(tenant, filter, params);
        return jdbc.sql("select count(*) from relationships r where " + where).params(params)
                .query(Long.class).single();
    }

    private static String where(TenantId tenant, Filter filter, Map<String, Object> params) {
        StringBuilder where = new StringBuilder("r.tenant_id = :tenant");
        params.put("tenant", tenant.value());
        if (filter.subject() != null) {
            where.append(" and ").append(subjectColumn(filter.subject())).append(" = :subject");
            params.put("subject", filter.subject().uuid());
        }
        if (filter.relation() != null) {
            where.append(" and r.relation = :relation");
            params.put("relation", filter.relation());
        }
        if (filter.object() != null) {
            where.append(" and r.object_type = :objectType and r.object_id = :objectId");
            params.put("objectType", filter.object().type());
            params.put("objectId", filter.object().id());
        }
        return where.toString();
    }

    private static String subjectColumn(Party subject) {
        return subject.type().equals(Party.USER) ? "r.subject_user" : "r.subject_team";
    }

    static @Nullable OffsetDateTime utc(@Nullable Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static Relationship relationship(ResultSet rs) throws SQLException {
        UUID user = rs.getObject("subject_user", UUID.class);
        Party subject = user != null ? Party.user(user) : Party.careTeam(rs.getObject("subject_team", UUID.class));
        OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
        return new Relationship(rs.getObject("id", UUID.class), subject, rs.getString("relation"),
                new Party(rs.getString("object_type"), rs.getString("object_id")),
                expires == null ? null : expires.toInstant(),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
