package dev.gatehouse.server.accessreviews;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The access_reviews and access_review_items tables. */
@Repository
class ReviewStore {

    /** A campaign as stored; {@code reviewer} is {@code MANAGER} or a user id. */
    record Review(TenantId tenant, UUID id, String name, List<String> locations, List<String> roles, String reviewer,
            Instant dueAt, @Nullable String recurrence, String defaultDecision, String status,
            @Nullable UUID createdBy, Instant createdAt, @Nullable Instant remindedAt, @Nullable Instant completedAt,
            @Nullable UUID previousId) {

        boolean open() {
            return status.equals("OPEN");
        }
    }

    /** One user × assignment under review, the assignment as it was when the campaign opened. */
    record Item(UUID id, UUID review, UUID user, String username, UUID assignment, String role,
            @Nullable String location, @Nullable Instant startsAt, @Nullable Instant expiresAt, String source,
            @Nullable UUID reviewer, @Nullable String decision, @Nullable UUID decidedBy, @Nullable Instant decidedAt,
            boolean defaulted, @Nullable String note, @Nullable String outcome) {}

    /** How many items a campaign has, and how many wait for a decision. */
    record Counts(long items, long pending) {}

    private static final String REVIEW_COLUMNS = """
            tenant_id, id, name, scope_locations, scope_roles, reviewer, due_at, recurrence, default_decision,
            status, created_by, created_at, reminded_at, completed_at, previous_id
            """;

    private static final String ITEM_COLUMNS = """
            id, review_id, user_id, username, assignment_id, role_key, location_id, starts_at, expires_at, source,
            reviewer_id, decision, decided_by, decided_at, defaulted, note, outcome
            """;

    private final JdbcClient jdbc;

    ReviewStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Review review) {
        jdbc.sql("""
                        insert into access_reviews (tenant_id, id, name, scope_locations, scope_roles, reviewer, due_at,
                            recurrence, default_decision, status, created_by, created_at, previous_id)
                        values (:tenant, :id, :name, cast(:locations as uuid[]), :roles, :reviewer, :dueAt,
                            :recurrence, :defaultDecision, :status, :createdBy, :createdAt, :previousId)
                        """)
                .param("tenant", review.tenant().value()).param("id", review.id()).param("name", review.name())
                .param("locations", review.locations().toArray(String[]::new))
                .param("roles", review.roles().toArray(String[]::new)).param("reviewer", review.reviewer())
                .param("dueAt", utc(review.dueAt())).param("recurrence", review.recurrence())
                .param("defaultDecision", review.defaultDecision()).param("status", review.status())
                .param("createdBy", review.createdBy()).param("createdAt", utc(review.createdAt()))
                .param("previousId", review.previousId())
                .update();
    }

    void insertItems(TenantId tenant, List<Item> items) {
        for (Item item : items) {
            jdbc.sql("""
                            insert into access_review_items (tenant_id, review_id, id, user_id, username, assignment_id,
                                role_key, location_id, starts_at, expires_at, source, reviewer_id)
                            values (:tenant, :review, :id, :user, :username, :assignment, :role, cast(:location as uuid),
                                :startsAt, :expiresAt, :source, :reviewer)
                            """)
                    .param("tenant", tenant.value()).param("review", item.review()).param("id", item.id())
                    .param("user", item.user()).param("username", item.username())
                    .param("assignment", item.assignment()).param("role", item.role())
                    .param("location", item.location())
                    .param("startsAt", item.startsAt() == null ? null : utc(item.startsAt()))
                    .param("expiresAt", item.expiresAt() == null ? null : utc(item.expiresAt()))
                    .param("source", item.source()).param("reviewer", item.reviewer())
                    .update();
        }
    }

    Optional<Review> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + REVIEW_COLUMNS + " from access_reviews where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> review(rs)).optional();
    }

    /** Row-locks the campaign: decisions and the due-date job on one campaign take turns. */
    Optional<Review> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + REVIEW_COLUMNS
                        + " from access_reviews where tenant_id = :tenant and id = :id for update")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> review(rs)).optional();
    }

    /**
     * The tenant's campaigns, newest due date first; with {@code reviewer}, only those where they
     * have items (null {@code status}: any).
     */
    List<Review> page(TenantId tenant, @Nullable UUID reviewer, @Nullable String status, int page, int size) {
        return jdbc.sql("select " + REVIEW_COLUMNS + " from access_reviews r where " + visible()
                        + " order by due_at desc, id limit :size offset :offset")
                .param("tenant", tenant.value()).param("reviewer", reviewer).param("status", status)
                .param("size", size).param("offset", (long) page * size)
                .query((rs, n) -> review(rs)).list();
    }

    long count(TenantId tenant, @Nullable UUID reviewer, @Nullable String status) {
        return jdbc.sql("select count(*) from access_reviews r where " + visible())
                .param("tenant", tenant.value()).param("reviewer", reviewer).param("status", status)
                .query(Long.class).single();
    }

    private static String visible() {
        return """
                r.tenant_id = :tenant and (cast(:status as text) is null or r.status = :status)
                  and (cast(:reviewer as uuid) is null or exists (select 1 from access_review_items i
                       where i.tenant_id = r.tenant_id and i.review_id = r.id and i.reviewer_id = :reviewer))
                """;
    }

    /** The campaign's items, by username; with {@code reviewer}, only theirs. */
    List<Item> items(TenantId tenant, UUID review, @Nullable UUID reviewer) {
        return jdbc.sql("select " + ITEM_COLUMNS + """
                         from access_review_items
                        where tenant_id = :tenant and review_id = :review
                          and (cast(:reviewer as uuid) is null or reviewer_id = :reviewer)
                        order by username, role_key, id
                        """)
                .param("tenant", tenant.value()).param("review", review).param("reviewer", reviewer)
                .query((rs, n) -> item(rs)).list();
    }

    Optional<Item> item(TenantId tenant, UUID review, UUID item) {
        return jdbc.sql("select " + ITEM_COLUMNS
                        + " from access_review_items where tenant_id = :tenant and review_id = :review and id = :id")
                .param("tenant", tenant.value()).param("review", review).param("id", item)
                .query((rs, n) -> item(rs)).optional();
    }

    Counts counts(TenantId tenant, UUID review) {
        return jdbc.sql("""
                        select count(*) as items, count(*) filter (where decision is null) as pending
                        from access_review_items where tenant_id = :tenant and review_id = :review
                        """)
                .param("tenant", tenant.value()).param("review", review)
                .query((rs, n) -> new Counts(rs.getLong("items"), rs.getLong("pending"))).single();
    }

    void decide(TenantId tenant, UUID item, String decision, @Nullable UUID by, Instant at, boolean defaulted,
            @Nullable String note, String outcome) {
        jdbc.sql("""
                        update access_review_items set decision = :decision, decided_by = :by, decided_at = :at,
                            defaulted = :defaulted, note = :note, outcome = :outcome
                        where tenant_id = :tenant and id = :id
                        """)
                .param("decision", decision).param("by", by).param("at", utc(at)).param("defaulted", defaulted)
                .param("note", note).param("outcome", outcome).param("tenant", tenant.value()).param("id", item)
                .update();
    }

    void complete(TenantId tenant, UUID review, Instant at) {
        jdbc.sql("""
                        update access_reviews set status = 'COMPLETED', completed_at = :at
                        where tenant_id = :tenant and id = :id
                        """)
                .param("at", utc(at)).param("tenant", tenant.value()).param("id", review).update();
    }

    void reminded(TenantId tenant, UUID review, Instant at) {
        jdbc.sql("update access_reviews set reminded_at = :at where tenant_id = :tenant and id = :id")
                .param("at", utc(at)).param("tenant", tenant.value()).param("id", review).update();
    }

    /**
     * Open campaigns of any tenant due by {@code now}, row-locked and skipping those another node
     * holds: each is completed by exactly one node.
     */
    List<Review> dueForUpdate(Instant now, int limit, Collection<UUID> skip) {
        return jdbc.sql("select " + REVIEW_COLUMNS + """
                         from access_reviews where status = 'OPEN' and due_at <= :now
                          and not (id = any (cast(:skip as uuid[])))
                        order by due_at limit :limit for update skip locked
                        """)
                .param("now", utc(now)).param("limit", limit).param("skip", skip.toArray(UUID[]::new))
                .query((rs, n) -> review(rs)).list();
    }

    /** Open campaigns due before {@code horizon} whose reviewers were not reminded yet, locked as above. */
    List<Review> toRemindForUpdate(Instant horizon, int limit) {
        return jdbc.sql("select " + REVIEW_COLUMNS + """
                         from access_reviews where status = 'OPEN' and reminded_at is null and due_at <= :horizon
                        order by due_at limit :limit for update skip locked
                        """)
                .param("horizon", utc(horizon)).param("limit", limit)
                .query((rs, n) -> review(rs)).list();
    }

    private static Review review(ResultSet rs) throws SQLException {
        return new Review(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("id", UUID.class),
                rs.getString("name"), strings(rs, "scope_locations"), strings(rs, "scope_roles"),
                rs.getString("reviewer"), instant(rs, "due_at"), rs.getString("recurrence"),
                rs.getString("default_decision"), rs.getString("status"), rs.getObject("created_by", UUID.class),
                instant(rs, "created_at"), instant(rs, "reminded_at"), instant(rs, "completed_at"),
                rs.getObject("previous_id", UUID.class));
    }

    private static Item item(ResultSet rs) throws SQLException {
        return new Item(rs.getObject("id", UUID.class), rs.getObject("review_id", UUID.class),
                rs.getObject("user_id", UUID.class), rs.getString("username"), rs.getObject("assignment_id", UUID.class),
                rs.getString("role_key"), rs.getString("location_id"), instant(rs, "starts_at"),
                instant(rs, "expires_at"), rs.getString("source"), rs.getObject("reviewer_id", UUID.class),
                rs.getString("decision"), rs.getObject("decided_by", UUID.class), instant(rs, "decided_at"),
                rs.getBoolean("defaulted"), rs.getString("note"), rs.getString("outcome"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        if (array == null) {
            return List.of();
        }
        return Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
