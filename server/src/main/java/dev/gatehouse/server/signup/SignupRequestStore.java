package dev.gatehouse.server.signup;

import static dev.gatehouse.server.signup.DomainMappingStore.time;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code signup_requests} table: registrations and role requests waiting for an admin, and their outcome. */
@Repository
class SignupRequestStore {

    /**
     * One request. REGISTRATION: the applicant's {@code email}, {@code username} and names ({@code user}
     * set once approved); ROLE: {@code user} asks for {@code role} with {@code note}.
     */
    record Request(UUID id, String kind, String status, @Nullable String email, @Nullable String username,
            @Nullable String firstName, @Nullable String lastName, @Nullable UUID user, String role,
            @Nullable UUID location, @Nullable String note, String via, Instant createdAt, @Nullable UUID decidedBy,
            @Nullable Instant decidedAt, @Nullable String decisionNote) {}

    private static final String COLUMNS = "id, kind, status, email, username, first_name, last_name, user_id, role_key,"
            + " location_id, note, via, created_at, decided_by, decided_at, decision_note";

    private final JdbcClient jdbc;

    SignupRequestStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a pending request; false when one for the same address (or user and role) is pending already. */
    boolean insert(TenantId tenant, Request request) {
        return jdbc.sql("insert into signup_requests (tenant_id, " + COLUMNS + ") values (:tenant, :id, :kind, 'PENDING',"
                        + " :email, :username, :firstName, :lastName, :user, :role, :location, :note, :via, :createdAt,"
                        + " null, null, null) on conflict do nothing")
                .param("tenant", tenant.value()).param("id", request.id()).param("kind", request.kind())
                .param("email", request.email()).param("username", request.username())
                .param("firstName", request.firstName()).param("lastName", request.lastName())
                .param("user", request.user()).param("role", request.role()).param("location", request.location())
                .param("note", request.note()).param("via", request.via()).param("createdAt", time(request.createdAt()))
                .update() > 0;
    }

    Optional<Request> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from signup_requests where tenant_id = :tenant and id = :id for update")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    Optional<Request> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from signup_requests where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    /** The newest first; {@code status} null for every status. */
    List<Request> page(TenantId tenant, @Nullable String status, int page, int size) {
        return jdbc.sql("select " + COLUMNS + " from signup_requests where tenant_id = :tenant"
                        + " and (cast(:status as text) is null or status = :status)"
                        + " order by created_at desc, id limit :size offset :offset")
                .param("tenant", tenant.value()).param("status", status).param("size", size)
                .param("offset", (long) page * size).query((rs, n) -> row(rs)).list();
    }

    long count(TenantId tenant, @Nullable String status) {
        return jdbc.sql("select count(*) from signup_requests where tenant_id = :tenant"
                        + " and (cast(:status as text) is null or status = :status)")
                .param("tenant", tenant.value()).param("status", status).query(Long.class).single();
    }

    /** Whether any registration of this address (compared case-insensitively) is in the tenant's queue or its history. */
    boolean anyFor(TenantId tenant, String email) {
        return jdbc.sql("select exists (select 1 from signup_requests where tenant_id = :tenant and kind = 'REGISTRATION'"
                        + " and lower(email) = lower(:email))")
                .param("tenant", tenant.value()).param("email", email).query(Boolean.class).single();
    }

    List<Request> ofUser(TenantId tenant, UUID user) {
        return jdbc.sql("select " + COLUMNS + " from signup_requests where tenant_id = :tenant and user_id = :user"
                        + " and kind = 'ROLE' order by created_at desc, id limit 100")
                .param("tenant", tenant.value()).param("user", user).query((rs, n) -> row(rs)).list();
    }

    void decide(TenantId tenant, UUID id, String status, UUID decidedBy, Instant at, @Nullable String note,
            @Nullable UUID user) {
        jdbc.sql("""
                        update signup_requests set status = :status, decided_by = :decidedBy, decided_at = :at,
                               decision_note = :note, user_id = coalesce(:user, user_id)
                        where tenant_id = :tenant and id = :id
                        """)
                .param("tenant", tenant.value()).param("id", id).param("status", status).param("decidedBy", decidedBy)
                .param("at", time(at)).param("note", note).param("user", user).update();
    }

    private static Request row(ResultSet rs) throws SQLException {
        OffsetDateTime decidedAt = rs.getObject("decided_at", OffsetDateTime.class);
        return new Request(rs.getObject("id", UUID.class), rs.getString("kind"), rs.getString("status"),
                rs.getString("email"), rs.getString("username"), rs.getString("first_name"), rs.getString("last_name"),
                rs.getObject("user_id", UUID.class), rs.getString("role_key"), rs.getObject("location_id", UUID.class),
                rs.getString("note"), rs.getString("via"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getObject("decided_by", UUID.class), decidedAt == null ? null : decidedAt.toInstant(),
                rs.getString("decision_note"));
    }
}
