package dev.gatehouse.server.access;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Candidates;
import dev.gatehouse.engine.CertainHolders;
import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.LocationTree;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.PermissionKind;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.SubjectStatus;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.conditions.CelConditions;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcOperations;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads a tenant's policy and a user's assignments from the database, for the engine. */
@Repository
class PolicyLoader {

    private final JdbcClient jdbc;
    private final NamedParameterJdbcOperations statements;
    private final Members members;
    private final Structure structure;
    private final TenantSettingsStore settings;

    PolicyLoader(JdbcClient jdbc, NamedParameterJdbcOperations statements, Members members, Structure structure,
            TenantSettingsStore settings) {
        this.jdbc = jdbc;
        this.statements = statements;
        this.members = members;
        this.structure = structure;
        this.settings = settings;
    }

    /**
     * What a tenant's policy is built from, as read: the engine's policy ({@link #compile}) and the
     * policy document of the Java SDK (issue 14) are both made from this, so they cannot differ.
     * {@code key} is the engine's name of the tenant; {@code locations} in the tree's order.
     */
    record PolicyData(String key, boolean active, String timeZone, List<Permission> permissions, List<Role> roles,
            List<Structure.Place> locations) {

        TenantPolicy compile() {
            // Compiled here, once per policy version (a role or settings change rebuilds the policy), never per check.
            List<Condition> conditions = roles.stream().flatMap(role -> role.grants().stream()).map(Grant::condition)
                    .filter(java.util.Objects::nonNull).toList();
            return TenantPolicy.builder(key, PermissionCatalog.of(permissions))
                    .roles(roles)
                    .conditions(CelConditions.compile(conditions, ZoneId.of(timeZone)))
                    .locations(LocationTree.of(locations.stream().map(place -> new Location(place.id(), place.parent()))
                            .toList()))
                    .active(active)
                    .build();
        }
    }

    Optional<TenantPolicy> policy(TenantId tenant) {
        return data(tenant).map(PolicyData::compile);
    }

    /** The engine's name of the tenant: its policy's and its users' relationship indexes' {@code tenant}. */
    static String keyOf(TenantId tenant) {
        return tenant.toString();
    }

    Optional<PolicyData> data(TenantId tenant) {
        Optional<Boolean> active = structure.active(tenant);
        if (active.isEmpty()) {
            return Optional.empty();
        }
        List<Permission> permissions = jdbc.sql("""
                        select key, description, kind from permissions where tenant_id = :tenant order by key
                        """)
                .param("tenant", tenant.value())
                .query((rs, n) -> new Permission(rs.getString("key"), rs.getString("description"),
                        PermissionKind.valueOf(rs.getString("kind"))))
                .list();
        Map<String, List<String>> parents = new LinkedHashMap<>();
        jdbc.sql("select role_key, parent_key from role_parents where tenant_id = :tenant order by role_key, position")
                .param("tenant", tenant.value())
                .query(rs -> {
                    parents.computeIfAbsent(rs.getString("role_key"), k -> new ArrayList<>()).add(rs.getString("parent_key"));
                });
        Map<String, List<Grant>> grants = new LinkedHashMap<>();
        jdbc.sql("""
                        select role_key, permission, scope, condition from role_grants
                        where tenant_id = :tenant order by role_key, position
                        """)
                .param("tenant", tenant.value())
                .query(rs -> {
                    String condition = rs.getString("condition");
                    grants.computeIfAbsent(rs.getString("role_key"), k -> new ArrayList<>()).add(new Grant(
                            rs.getString("permission"), Scope.valueOf(rs.getString("scope")),
                            condition == null ? null : new Condition(condition)));
                });
        List<Role> roles = jdbc.sql("select key, name, description from roles where tenant_id = :tenant order by key")
                .param("tenant", tenant.value())
                .query((rs, n) -> {
                    String key = rs.getString("key");
                    return new Role(key, rs.getString("name"), rs.getString("description"),
                            parents.getOrDefault(key, List.of()), grants.getOrDefault(key, List.of()));
                })
                .list();
        return Optional.of(new PolicyData(keyOf(tenant), active.get(), settings.of(tenant).timeZone(), permissions,
                roles, structure.locations(tenant)));
    }

    /**
     * A subject's account state (users' published read model, V148 and V158) with their assignments, one row per
     * assignment, oldest first; one row of nulls after the state when they hold none, and no row when there is no
     * such user. {@code granted_by} names a lent role's lender.
     */
    private static final String SUBJECT = """
            select u.status, u.locked_until, u.expires_at as account_expires_at,
                   a.id, a.role_key, a.location_id, a.starts_at, a.expires_at, a.source, a.granted_by
            from user_states u
            left join assignments a on a.tenant_id = u.tenant_id and a.user_id = u.id
            where u.tenant_id = :tenant and u.id = :user
            order by a.created_at, a.id
            """;

    /** A subject's assignments, as {@link #SUBJECT} reads them, for a subject whose state the caller knows. */
    private static final String ASSIGNMENTS = """
            select a.id, a.role_key, a.location_id, a.starts_at, a.expires_at, a.source, a.granted_by
            from assignments a where a.tenant_id = :tenant and a.user_id = :user order by a.created_at, a.id
            """;

    /**
     * The user with their assignments; a role lent to them carries its lender as they stand now
     * (issue 13), read after {@code lenderSeen} has been told of each lender, so that the caller can
     * make a change of the lender evict this subject before its state is read.
     */
    Optional<Subject> subject(TenantId tenant, UUID user, Members.@Nullable State known, Consumer<UUID> lenderSeen) {
        return withLenders(tenant, read(tenant, user, known), lenderSeen);
    }

    /** A subject read with the relationships {@code relationships} reads, in one round trip. */
    record WithRelations(Optional<Subject> subject, SubjectRelations relations) {}

    /**
     * {@link #subject(TenantId, UUID, Members.State, Consumer)} with the user's relationships, in one round trip
     * (issue 17: a cold profile's check read the state, the assignments and the relationships in three): the two
     * statements are sent together and answered together (PgJDBC sends a statement list with one sync). Each
     * statement keeps its owner's SQL: the users' published state and access's assignments here, the
     * relationships feature's {@code relationships} ({@link RelationshipSource#part}).
     */
    WithRelations subjectWithRelations(TenantId tenant, UUID user, RelationshipSource.Part relationships,
            Consumer<UUID> lenderSeen) {
        SubjectRows rows = new SubjectRows(user, null);
        SubjectRelations relations = Objects.requireNonNull(statements.execute(SUBJECT + ";\n" + relationships.sql(),
                Map.of("tenant", tenant.value(), "user", user), statement -> {
                    statement.execute();
                    try (ResultSet subject = statement.getResultSet()) {
                        while (subject.next()) {
                            rows.processRow(subject);
                        }
                    }
                    if (!statement.getMoreResults()) {
                        throw new IllegalStateException("the relationships' statement answered no rows");
                    }
                    try (ResultSet index = statement.getResultSet()) {
                        return relationships.rows().read(index);
                    }
                }));
        return new WithRelations(withLenders(tenant, rows, lenderSeen), relations);
    }

    Optional<Subject> subject(TenantId tenant, UUID user) {
        return read(tenant, user, null).subject();
    }

    /** The subject; its state as {@code known} says when given (the caller read it in this transaction). */
    private SubjectRows read(TenantId tenant, UUID user, Members.@Nullable State known) {
        SubjectRows rows = new SubjectRows(user, known);
        jdbc.sql(known == null ? SUBJECT : ASSIGNMENTS).param("tenant", tenant.value()).param("user", user).query(rows);
        return rows;
    }

    /** {@code read}'s subject, each role lent to them carrying its lender as they stand now. */
    private Optional<Subject> withLenders(TenantId tenant, SubjectRows read, Consumer<UUID> lenderSeen) {
        Optional<Subject> subject = read.subject();
        if (subject.isEmpty() || read.lenders.isEmpty()) {
            return subject;
        }
        Map<UUID, Optional<Subject>> lent = new HashMap<>();
        for (UUID lender : read.lenders.values()) {
            lenderSeen.accept(lender);
        }
        for (UUID lender : read.lenders.values()) {
            // The lender's own lent roles carry no lender here: they are not the lender's to lend on.
            lent.computeIfAbsent(lender, id -> subject(tenant, id));
        }
        return Optional.of(subject.get().withAssignments(subject.get().assignments().stream().map(a -> {
            if (a.source() != AssignmentSource.DELEGATION) {
                return a;
            }
            UUID lender = read.lenders.get(a.id());
            Optional<Subject> from = lender == null ? Optional.empty() : lent.get(lender);
            // No lender (deleted since): a delegation without one is never in force.
            return from.map(l -> Assignment.delegated(a.id(), a.role(), a.location(), a.startsAt(), a.expiresAt(), l))
                    .orElse(a);
        }).toList()));
    }

    /** The rows of {@link #SUBJECT} (or {@link #ASSIGNMENTS} for a known state), as they are read. */
    private static final class SubjectRows implements RowCallbackHandler {

        private final UUID user;
        private Members.@Nullable State state;
        private final List<Assignment> assignments = new ArrayList<>();
        /** Lent assignment's id → its lender. */
        private final Map<String, UUID> lenders = new LinkedHashMap<>();

        SubjectRows(UUID user, Members.@Nullable State known) {
            this.user = user;
            this.state = known;
        }

        @Override
        public void processRow(ResultSet rs) throws SQLException {
            if (state == null) {
                state = new Members.State(rs.getString("status"),
                        instant(rs.getObject("locked_until", OffsetDateTime.class)),
                        instant(rs.getObject("account_expires_at", OffsetDateTime.class)));
            }
            String id = rs.getString("id");
            if (id == null) {
                return; // the state's row of a user holding no assignment
            }
            Assignment assignment = new Assignment(id, rs.getString("role_key"), rs.getString("location_id"),
                    instant(rs.getObject("starts_at", OffsetDateTime.class)),
                    instant(rs.getObject("expires_at", OffsetDateTime.class)), sourceOf(rs.getString("source")));
            assignments.add(assignment);
            UUID lender = rs.getObject("granted_by", UUID.class);
            if (assignment.source() == AssignmentSource.DELEGATION && lender != null) {
                lenders.put(id, lender);
            }
        }

        Optional<Subject> subject() {
            Members.State read = state;
            return read == null ? Optional.empty() : Optional.of(new Subject(user.toString(),
                    SubjectStatus.valueOf(read.status()), read.lockedUntil(), List.copyOf(assignments), read.expiresAt()));
        }
    }

    /** The id of the tenant's user with this normalised username. */
    Optional<UUID> userIdByUsername(TenantId tenant, String usernameNormalized) {
        return members.idOf(tenant, usernameNormalized);
    }

    /**
     * The users holding, in force at {@code at}, one of the assignments {@code candidates} counts, with
     * their usernames, by normalised username then id (the order of the tenant's user list): those
     * who-can decides for, read through the assignments' role and location index instead of every user.
     */
    List<UserName> holdersOf(TenantId tenant, Candidates candidates, Instant at) {
        if (candidates.none()) {
            return List.of();
        }
        List<UUID> holders = jdbc.sql("""
                        select distinct user_id from assignments
                        where tenant_id = :tenant
                          and (role_key = any (cast(:anywhere as text[]))
                               or role_key = any (cast(:located as text[]))
                                  and (location_id is null or location_id = any (cast(:places as uuid[]))))
                          and (starts_at is null or starts_at <= :at) and (expires_at is null or expires_at > :at)
                        """)
                .param("tenant", tenant.value())
                .param("anywhere", candidates.anywhere().toArray(String[]::new))
                .param("located", candidates.located().toArray(String[]::new))
                .param("places", candidates.places().toArray(String[]::new))
                .param("at", at.atOffset(ZoneOffset.UTC))
                .query(UUID.class).list();
        if (holders.isEmpty()) {
            return List.of();
        }
        return members.named(tenant, holders).stream().map(member -> new UserName(member.id(), member.username()))
                .toList();
    }

    record UserName(UUID id, String username) {}

    /**
     * Up to {@code limit} of who-can's holders active at {@code at} within {@code span}, in its order, each marked
     * when {@code certain} counts them; only the others when {@code listed} says so.
     */
    List<Members.Holding> holding(TenantId tenant, Candidates candidates, CertainHolders certain, Instant at,
            Members.Span span, Members.Listed listed, int limit) {
        if (candidates.none()) {
            return List.of();
        }
        return members.holding(tenant, HeldRoles.of(candidates), HeldRoles.of(certain), at, span, listed, limit);
    }

    /** Who-can's holders active at {@code at} after {@code after} that {@code certain} does not count, in no order. */
    List<UUID> uncertainHolding(TenantId tenant, Candidates candidates, CertainHolders certain, Instant at,
            @Nullable String after) {
        if (candidates.none()) {
            return List.of();
        }
        return members.uncertainHolding(tenant, HeldRoles.of(candidates), HeldRoles.of(certain), at, after);
    }

    /** How many users {@code certain} counts at {@code at} within {@code span}, at most {@code cap}. */
    long countCertain(TenantId tenant, CertainHolders certain, Instant at, Members.Span span, long cap) {
        if (certain.none() || cap <= 0) {
            return 0;
        }
        return members.countHolding(tenant, HeldRoles.of(certain), at, span, cap);
    }

    /**
     * The normalised usernames of the users {@code certain} counts at {@code at} within {@code span} and of
     * {@code also}, in the span's order: up to {@code limit} after the first {@code skip}.
     */
    List<String> certainPlaces(TenantId tenant, CertainHolders certain, Instant at, Members.Span span,
            List<String> also, long skip, int limit) {
        if (limit <= 0 || certain.none() && also.isEmpty()) {
            return List.of();
        }
        return members.placesHolding(tenant, HeldRoles.of(certain), at, span, also, skip, limit);
    }

    Optional<String> username(TenantId tenant, UUID user) {
        return members.username(tenant, user);
    }

    /** Location id → name, for sentences people read (a refusal naming where a role is held). */
    Map<String, String> locationNames(TenantId tenant) {
        Map<String, String> names = new LinkedHashMap<>();
        structure.locations(tenant).forEach(place -> names.put(place.id(), place.name()));
        return names;
    }

    /** The stored source of assignments made by the server itself (the platform operator's). */
    static final String SYSTEM_SOURCE = "SYSTEM";

    static AssignmentSource sourceOf(String source) {
        return source.equals(SYSTEM_SOURCE) ? AssignmentSource.DIRECT : AssignmentSource.valueOf(source);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
