package dev.gatehouse.server.users;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.HolderConditions;
import dev.gatehouse.server.database.CopyRows;
import dev.gatehouse.server.database.PlannerStatistics;
import dev.gatehouse.server.database.StreamBudget;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.secrets.SealedCursor;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.Usernames;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The users table. */
@Repository
public class UserStore {

    /** What a new account starts with. */
    public record NewUser(String username, String firstName, String lastName, @Nullable String email,
            @Nullable String phone, String kind, String status, @Nullable String passwordHash,
            List<String> requiredActions) {}

    /** Rows a cursor of the export brings per round trip: memory stays flat however long the roster. */
    private static final int EXPORT_FETCH_SIZE = 500;

    private final JdbcClient jdbc;
    private final CopyRows copy;
    private final PlannerStatistics statistics;
    private final NamedParameterJdbcTemplate streaming;
    private final TransactionTemplate snapshots;

    /**
     * The staff-list export reads from the {@link StreamBudget}'s own pool, so a slow download holds
     * none of the connections that answer sign-in and checks. Its transactions register no
     * synchronisation: the export's audit event commits in a transaction of the main pool inside one
     * of them, and that one's after-commit work must run at its own commit.
     */
    UserStore(JdbcClient jdbc, CopyRows copy, PlannerStatistics statistics, StreamBudget streams) {
        this.jdbc = jdbc;
        this.copy = copy;
        this.statistics = statistics;
        JdbcTemplate template = new JdbcTemplate(streams.dataSource());
        template.setFetchSize(EXPORT_FETCH_SIZE);
        this.streaming = new NamedParameterJdbcTemplate(template);
        DataSourceTransactionManager manager = new DataSourceTransactionManager(streams.dataSource());
        manager.setTransactionSynchronization(AbstractPlatformTransactionManager.SYNCHRONIZATION_NEVER);
        this.snapshots = new TransactionTemplate(manager);
        this.snapshots.setReadOnly(true);
        this.snapshots.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    public UUID insert(TenantId tenant, NewUser user) {
        return insert(tenant, user, ClinicalProfile.EMPTY, false);
    }

    /** Inserts an account with its clinical profile (seed 004) and visibility (seed 003). */
    UUID insert(TenantId tenant, NewUser user, ClinicalProfile profile, boolean hidden) {
        return insert(tenant, user, profile, hidden, null);
    }

    /** Issue 16: with the user's type (seed 003). */
    UUID insert(TenantId tenant, NewUser user, ClinicalProfile profile, boolean hidden, @Nullable String userType) {
        UUID id = UUID.randomUUID();
        bind(jdbc.sql(INSERT), tenant, id, user, profile, hidden, userType, null).update();
        return id;
    }

    /**
     * {@link #insert(TenantId, NewUser, ClinicalProfile, boolean, String)} unless the username or the
     * e-mail address is taken in the tenant, which answers null (ask {@link #taken} which): issue 17,
     * the uniqueness the table's indexes enforce anyway, without a query of its own before the insert.
     * A user made with a password has it from {@code now} ({@code password_changed_at}, for the tenant's
     * {@code maxAgeDays}), written with the row rather than by an update after it (issue 17).
     */
    @Nullable UUID insertUnlessTaken(TenantId tenant, NewUser user, ClinicalProfile profile, boolean hidden,
            @Nullable String userType, Instant now) {
        return insertUnlessTaken(tenant, UUID.randomUUID(), user, profile, hidden, userType, now, null, null, null);
    }

    /**
     * {@link #insertUnlessTaken(TenantId, NewUser, ClinicalProfile, boolean, String, Instant)} as the user
     * {@code id}, with the user's first link and its mail and the creation's announcement (the access change
     * log's row and its NOTIFY), written by the same statement only when the user is (issue 17: one round trip
     * instead of four; a taken name or address writes none of them).
     */
    @Nullable UUID insertUnlessTaken(TenantId tenant, UUID id, NewUser user, ClinicalProfile profile, boolean hidden,
            @Nullable String userType, Instant now, UserTokens.@Nullable FirstLink link,
            Outbox.@Nullable Queued mail, AccessChanges.@Nullable Creation announced) {
        StringBuilder sql = new StringBuilder("with inserted as (").append(INSERT)
                .append(" on conflict do nothing returning tenant_id, id, kind)");
        if (link != null) {
            sql.append(", link as (").append(link.insertFrom("inserted")).append(')');
        }
        if (mail != null) {
            sql.append(", mail as (").append(mail.insertFrom("inserted")).append(')');
        }
        if (announced != null) {
            sql.append(", announced as (").append(announced.insertFrom("inserted")).append(')');
        }
        JdbcClient.StatementSpec statement = bind(jdbc.sql(sql.append(" select id from inserted").toString()), tenant,
                id, user, profile, hidden, userType, user.passwordHash() == null ? null : now);
        if (link != null) {
            statement = link.bind(statement);
        }
        if (mail != null) {
            statement = mail.bind(statement);
        }
        if (announced != null) {
            statement = announced.bind(statement);
        }
        return statement.query((rs, n) -> rs.getObject("id", UUID.class)).optional().orElse(null);
    }

    private static final String INSERT = """
            insert into users (tenant_id, id, username, username_normalized, email, email_normalized,
                first_name, last_name, phone, kind, status, password_hash, required_actions, hidden,
                npi, dea, state_license, primary_license, secondary_license, nadean, credentials,
                specialties, bio, user_type, password_changed_at)
            values (:tenant, :id, :username, :usernameNormalized, :email, :emailNormalized,
                :firstName, :lastName, :phone, :kind, :status, :passwordHash, :requiredActions, :hidden,
                :npi, :dea, :stateLicense, :primaryLicense, :secondaryLicense, :nadean, :credentials,
                :specialties, :bio, :userType, coalesce(cast(:passwordSetAt as timestamptz), now()))""";

    /** {@code passwordSetAt} null leaves {@code password_changed_at} to the column's default, the transaction's start. */
    private static JdbcClient.StatementSpec bind(JdbcClient.StatementSpec statement, TenantId tenant, UUID id,
            NewUser user, ClinicalProfile profile, boolean hidden, @Nullable String userType,
            @Nullable Instant passwordSetAt) {
        return statement
                .param("tenant", tenant.value()).param("id", id)
                .param("passwordSetAt", passwordSetAt == null ? null : utc(passwordSetAt))
                .param("username", user.username().strip())
                .param("usernameNormalized", Usernames.normalize(user.username()))
                .param("email", user.email() == null ? null : user.email().strip())
                .param("emailNormalized", user.email() == null ? null : Usernames.normalize(user.email()))
                .param("firstName", user.firstName()).param("lastName", user.lastName()).param("phone", user.phone())
                .param("kind", user.kind()).param("status", user.status()).param("passwordHash", user.passwordHash())
                .param("requiredActions", user.requiredActions().toArray(String[]::new))
                .param("hidden", hidden)
                .param("npi", profile.npi()).param("dea", profile.dea()).param("stateLicense", profile.stateLicense())
                .param("primaryLicense", profile.primaryLicense()).param("secondaryLicense", profile.secondaryLicense())
                .param("nadean", profile.nadean())
                .param("credentials", profile.credentials().toArray(String[]::new))
                .param("specialties", profile.specialties().toArray(String[]::new))
                .param("bio", profile.bio())
                .param("userType", userType);
    }

    /** A new account of an import (issue 17): its id is chosen by the caller, who writes its assignments too. */
    record Imported(UUID id, NewUser user, ClinicalProfile profile, boolean hidden) {}

    /** The columns an import writes, in the order of {@link #insertAll}'s rows. */
    private static final List<String> IMPORTED_COLUMNS = List.of("tenant_id", "id", "username", "username_normalized",
            "email", "email_normalized", "first_name", "last_name", "phone", "kind", "status", "password_hash",
            "required_actions", "hidden", "npi", "dea", "state_license", "primary_license", "secondary_license",
            "nadean", "credentials", "specialties", "bio");

    /**
     * Inserts a batch of accounts with one {@code COPY} (issue 17: an import writes thousands a second;
     * one round trip per batch, not per user, and no JSON document to build and parse). A username or
     * e-mail taken meanwhile fails the whole copy on the unique indexes.
     */
    void insertAll(TenantId tenant, List<Imported> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<@Nullable Object[]> rows = new ArrayList<>(batch.size());
        for (Imported imported : batch) {
            NewUser user = imported.user();
            ClinicalProfile profile = imported.profile();
            rows.add(new @Nullable Object[] {tenant.value(), imported.id(), user.username().strip(),
                Usernames.normalize(user.username()), user.email() == null ? null : user.email().strip(),
                user.email() == null ? null : Usernames.normalize(user.email()), user.firstName(), user.lastName(),
                user.phone(), user.kind(), user.status(), user.passwordHash(), user.requiredActions(),
                imported.hidden(), profile.npi(), profile.dea(), profile.stateLicense(), profile.primaryLicense(),
                profile.secondaryLicense(), profile.nadean(), profile.credentials(), profile.specialties(),
                profile.bio()});
        }
        copy.copy("users", IMPORTED_COLUMNS, rows);
    }

    /**
     * Refreshes the planner's statistics of {@code users} when they no longer describe it
     * ({@link PlannerStatistics#stale}; after a bulk load: see {@code UserImport}); true when it did.
     */
    boolean analyzeIfStale() {
        if (!statistics.stale("users")) {
            return false;
        }
        jdbc.sql("analyze users").update();
        return true;
    }

    /** Of these usernames and e-mail addresses (as given), those taken in the tenant, normalized. */
    Set<String> takenOf(TenantId tenant, Collection<String> usernames, Collection<String> emails) {
        String[] names = usernames.stream().map(Usernames::normalize).toArray(String[]::new);
        String[] addresses = emails.stream().map(Usernames::normalize).toArray(String[]::new);
        return new HashSet<>(jdbc.sql("""
                        select username_normalized from users
                        where tenant_id = :tenant and username_normalized = any(:names)
                        union all
                        select email_normalized from users
                        where tenant_id = :tenant and email_normalized = any(:addresses)
                        """)
                .param("tenant", tenant.value()).param("names", names).param("addresses", addresses)
                .query(String.class).list());
    }

    /** Which of a new user's username and e-mail address another user of the tenant has. */
    record Taken(boolean username, boolean email) {}

    /**
     * Whether {@code username}, and {@code email} when given, are taken in the tenant, in one round
     * trip (issue 17: a creation asked twice).
     */
    Taken taken(TenantId tenant, String username, @Nullable String email) {
        return jdbc.sql("""
                        select exists (select 1 from users where tenant_id = :tenant and username_normalized = :u) as u,
                               exists (select 1 from users where tenant_id = :tenant and email_normalized = :e) as e
                        """)
                .param("tenant", tenant.value()).param("u", Usernames.normalize(username))
                .param("e", email == null ? null : Usernames.normalize(email))
                .query((rs, n) -> new Taken(rs.getBoolean("u"), rs.getBoolean("e"))).single();
    }

    public boolean usernameTaken(TenantId tenant, String username) {
        return jdbc.sql("select exists (select 1 from users where tenant_id = :tenant and username_normalized = :u)")
                .param("tenant", tenant.value()).param("u", Usernames.normalize(username)).query(Boolean.class).single();
    }

    public boolean emailTaken(TenantId tenant, String email) {
        return jdbc.sql("select exists (select 1 from users where tenant_id = :tenant and email_normalized = :e)")
                .param("tenant", tenant.value()).param("e", Usernames.normalize(email)).query(Boolean.class).single();
    }

    /** The list filters of {@code GET …/users}; a null filter does not filter. */
    record Query(@Nullable String text, @Nullable String status, @Nullable String kind, @Nullable String role,
            @Nullable List<String> atLocations, @Nullable Boolean hidden, @Nullable List<String> visibleLocations,
            Instant visibleAt, @Nullable Boolean withoutRole, @Nullable String userType) {}

    private static final String COLUMNS = """
            u.id, u.username, u.first_name, u.last_name, u.email, u.phone, u.kind, u.status, u.hidden,
            u.required_actions, u.failed_logins, u.locked_until, u.password_hash is not null as has_password,
            u.npi, u.dea, u.state_license, u.primary_license, u.secondary_license, u.nadean, u.credentials,
            u.specialties, u.bio, u.created_at, u.updated_at, u.last_sign_in_at, u.expires_at, u.manager_id,
            u.user_type, u.home_tenant_id is not null as member
            """;

    /** The account, unlocked (a read for display or for a token's claims). */
    public Optional<UserAccount> find(TenantId tenant, UUID user) {
        return jdbc.sql("select " + COLUMNS + " from users u where u.tenant_id = :tenant and u.id = :user")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> account(rs)).optional();
    }

    /** Reads and row-locks the account, so that concurrent changes to one user apply one after the other. */
    public Optional<UserAccount> findForUpdate(TenantId tenant, UUID user) {
        return jdbc.sql("select " + COLUMNS + " from users u where u.tenant_id = :tenant and u.id = :user for update")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> account(rs)).optional();
    }

    /**
     * A location filter's subtree holding fewer assignments than this has its users found from the
     * holders ({@link LocationForm#FROM_HOLDERS}); one holding more, by walking the users in the list's
     * order ({@link LocationForm#FROM_USERS}). Issue 17, measured at a million users (docs/benchmarks.md,
     * "Reads and writes at 1 M users, second pass"): the holders' way costs one user read per holder,
     * the walk about (offset + size) × users ÷ holders; at a million users they cross near 7,000
     * holders (≈ 20,000 assignments at three a user), and each is 0.1 s or less on its own side of
     * the line, where the other took 0.3–18 s. Counting up to this many reads one index, a few ms.
     */
    static final int HOLDERS_FIRST_BELOW = 20_000;

    /** How the location filter finds its users (see {@link #HOLDERS_FIRST_BELOW}). */
    private enum LocationForm {
        /** The subtree's distinct holders first, then each one's row: bounded by the holders. */
        FROM_HOLDERS,
        /** The users in username order, each asked whether they hold a role in the subtree. */
        FROM_USERS,
        /** Either, as the planner chooses (the export's one statement). */
        PLANNERS_CHOICE,
        /** The subtree's distinct holders as {@code holders h}, each one's row then probed by the statement (the count). */
        PROBED_FROM_HOLDERS
    }

    private boolean fewHolders(TenantId tenant, Query query) {
        if (query.atLocations() == null) {
            return false;
        }
        return jdbc.sql(HolderConditions.assignmentsAtAnyUpTo("tenant", "atLocations", "cap"))
                .param("tenant", tenant.value()).param("atLocations", query.atLocations().toArray(String[]::new))
                .param("cap", HOLDERS_FIRST_BELOW).query(Long.class).single() < HOLDERS_FIRST_BELOW;
    }

    /**
     * Has PostgreSQL plan the roster's statements of the current transaction for their values (issue 17,
     * measured at a million users: docs/benchmarks.md, "Reads and writes at 1 M users, second pass"). PgJDBC
     * prepares a statement on the server from its fifth use on a connection, and PostgreSQL may then keep one
     * generic plan for every search text, location subtree and limit: guessing, it walked a million users for
     * a text eleven of them hold (2.3 s against 68 ms), and costing a walk without its limit, had PostgreSQL's
     * JIT compile it on every call (1 s against 3 ms). A list page plans its two statements (about a ms).
     * Who-can's walk too ({@link MemberStore}): a generic plan walked 100,000 users for a role 20 of them hold.
     */
    static void planForTheValues(JdbcClient jdbc) {
        jdbc.sql("set local plan_cache_mode = force_custom_plan").update();
    }

    /** Where a list page starts in the roster's order (normalised username, unique in a tenant). */
    sealed interface Start {

        /** After skipping {@code rows} users: {@code page × size}, read past on every request. */
        record Skipping(long rows) implements Start {}

        /** Just after the user named {@code username} (normalised), or before it: a keyset page, as cheap at any depth. */
        record Beside(SealedCursor cursor) implements Start {}
    }

    /**
     * Up to {@code limit} users matching {@code query} from {@code start}, in the roster's order: the ones after
     * a place ascending from it, the ones before it the nearest {@code limit}, still in ascending order.
     */
    List<UserAccount> page(TenantId tenant, Query query, Start start, int limit) {
        planForTheValues(jdbc);
        Where where = where(tenant, query, fewHolders(tenant, query) ? LocationForm.FROM_HOLDERS
                : LocationForm.FROM_USERS);
        String sql = where.with + "select " + COLUMNS + " from users u where " + where.sql;
        boolean backwards = start instanceof Start.Beside beside && beside.cursor().backwards();
        sql += switch (start) {
            case Start.Skipping skipping -> " order by u.username_normalized, u.id limit :limit offset :offset";
            case Start.Beside beside -> backwards
                    ? "\n  and u.username_normalized < :place order by u.username_normalized desc limit :limit"
                    : "\n  and u.username_normalized > :place order by u.username_normalized limit :limit";
        };
        var statement = jdbc.sql(sql);
        where.params.forEach(p -> statement.param(p.name, p.value));
        switch (start) {
            case Start.Skipping skipping -> statement.param("offset", skipping.rows());
            case Start.Beside beside -> statement.param("place", beside.cursor().place());
        }
        List<UserAccount> found = statement.param("limit", limit).query((rs, n) -> account(rs)).list();
        return backwards ? found.reversed() : found;
    }

    /**
     * How many users match, counting at most {@code cap} of them (issue 17: a list page does not count
     * a million rows to say how many there are); a count equal to {@code cap} means at least that many.
     */
    long count(TenantId tenant, Query query, long cap) {
        planForTheValues(jdbc);
        Where where = where(tenant, query, LocationForm.PROBED_FROM_HOLDERS);
        // Issue 17 (docs/benchmarks.md, "Branch pages17"): a location's count goes from the subtree's distinct
        // holders (one index) to each one's row, stopping at the cap; the default list's only other condition,
        // not hidden, is answered by the users_listed index alone (V155), so no user's row is read. Walking the
        // users instead reads users ÷ holders × cap rows; a hash join of the holders reads every user's row.
        String from = query.atLocations() == null ? "users u where "
                : "holders h cross join lateral (select 1 from users u where u.id = h.user_id and ";
        String close = query.atLocations() == null ? "" : ") as listed";
        var statement = jdbc.sql(where.with + "select count(*) from (select 1 from " + from + where.sql + close
                + " limit :cap) as capped");
        where.params.forEach(p -> statement.param(p.name, p.value));
        return statement.param("cap", cap).query(Long.class).single();
    }

    /** A user of the export with the roles they hold at its instant, as {@code role} or {@code role@location}. */
    record ExportedUser(UserAccount account, String roles) {}

    /** Reads of one consistent snapshot of the roster, for the staff-list export; both in the same order. */
    interface RosterSnapshot {

        /** The ids of the users matching the query, by normalised username, then id. */
        void ids(Consumer<UUID> sink);

        /** The users matching the query with the roles each holds at the snapshot's instant. */
        void users(Consumer<ExportedUser> sink);
    }

    /**
     * Runs {@code work} over one REPEATABLE READ snapshot of the users matching {@code query}, read
     * through cursors of the stream pool (issue 17: a roster of a million users is never in memory).
     */
    void inSnapshot(TenantId tenant, Query query, Instant now, Consumer<RosterSnapshot> work) {
        Where where = where(tenant, query);
        MapSqlParameterSource params = new MapSqlParameterSource();
        where.params.forEach(p -> params.addValue(p.name, p.value));
        params.addValue("now", now.atOffset(ZoneOffset.UTC));
        String order = " order by u.username_normalized, u.id";
        // The roles in force at the export's instant, each once, in the order they were given (created_at, id).
        String roles = HolderConditions.rolesHeldAsText("u", "now") + " as roles";
        RosterSnapshot snapshot = new RosterSnapshot() {
            @Override
            public void ids(Consumer<UUID> sink) {
                streaming.query("select u.id from users u where " + where.sql + order, params,
                        rs -> {
                            sink.accept(rs.getObject("id", UUID.class));
                        });
            }

            @Override
            public void users(Consumer<ExportedUser> sink) {
                streaming.query("select " + COLUMNS + ", " + roles + " from users u where " + where.sql + order, params,
                        rs -> {
                            String held = rs.getString("roles");
                            sink.accept(new ExportedUser(account(rs), held == null ? "" : held));
                        });
            }
        };
        snapshots.executeWithoutResult(status -> work.accept(snapshot));
    }

    private record Param(String name, Object value) {}

    /** {@code with}: a common table expression the clauses name, or empty. */
    private record Where(String with, String sql, List<Param> params) {}

    private static Where where(TenantId tenant, Query query) {
        return where(tenant, query, LocationForm.PLANNERS_CHOICE);
    }

    private static Where where(TenantId tenant, Query query, LocationForm form) {
        String with = "";
        List<String> clauses = new ArrayList<>();
        List<Param> params = new ArrayList<>();
        clauses.add("u.tenant_id = :tenant");
        params.add(new Param("tenant", tenant.value()));
        if (query.text() != null) {
            // Issue 17: like '%…%', which the trigram indexes of V138 serve, with the text escaped so that it
            // matches literally, % _ and \ included. A first or last name is within "first last".
            clauses.add("""
                    (u.username_normalized like :text escape '\\'
                     or lower(u.first_name || ' ' || u.last_name) like :text escape '\\'
                     or u.email_normalized like :text escape '\\')""");
            params.add(new Param("text", "%" + literally(Usernames.normalize(query.text())) + "%"));
        }
        if (query.status() != null) {
            clauses.add("u.status = :status");
            params.add(new Param("status", query.status()));
        }
        if (query.kind() != null) {
            clauses.add("u.kind = :kind");
            params.add(new Param("kind", query.kind()));
        }
        if (query.role() != null) {
            clauses.add(HolderConditions.givenRole("u", "role"));
            params.add(new Param("role", query.role()));
        }
        if (query.atLocations() != null) {
            params.add(new Param("atLocations", query.atLocations().toArray(String[]::new)));
            switch (form) {
                // The SQL of each form is access's (HolderConditions), which owns the assignments table.
                case FROM_HOLDERS -> {
                    with = HolderConditions.holdersAtAny("tenant", "atLocations");
                    clauses.add("u.id in (select h.user_id from holders h)");
                }
                case FROM_USERS -> clauses.add(HolderConditions.givenRoleAtAnyAskedOfEach("u", "atLocations"));
                case PLANNERS_CHOICE -> clauses.add(HolderConditions.givenRoleAtAny("u", "tenant", "atLocations"));
                case PROBED_FROM_HOLDERS -> with = HolderConditions.holdersAtAny("tenant", "atLocations");
            }
        }
        if (query.withoutRole() != null) {
            // seed 001's validation "every user has at least one role": a role held now, not expired or
            // still to start, is what counts.
            clauses.add((query.withoutRole() ? "not " : "") + HolderConditions.holdsSomeRole("u", "roleAt"));
            params.add(new Param("roleAt", query.visibleAt().atOffset(ZoneOffset.UTC)));
        }
        if (query.userType() != null) {
            clauses.add("u.user_type = :userType");
            params.add(new Param("userType", query.userType()));
        }
        if (query.hidden() != null) {
            clauses.add("u.hidden = :hidden");
            params.add(new Param("hidden", query.hidden()));
        }
        if (query.visibleLocations() != null) {
            // A location-scoped reader sees the users with a role not yet expired where they may read
            // and none held tenant-wide (the same rule as for one user, UserGuard.requireRead).
            clauses.add(HolderConditions.visibleOnlyAt("u", "visible", "visibleAt"));
            params.add(new Param("visible", query.visibleLocations().toArray(String[]::new)));
            params.add(new Param("visibleAt", query.visibleAt().atOffset(ZoneOffset.UTC)));
        }
        return new Where(with, String.join("\n  and ", clauses), params);
    }

    /** {@code text} as a like pattern matching exactly it: the pattern's own characters escaped with \. */
    static String literally(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    boolean usernameTakenByAnother(TenantId tenant, String username, UUID user) {
        return jdbc.sql("""
                        select exists (select 1 from users
                                       where tenant_id = :tenant and username_normalized = :u and id <> :user)
                        """)
                .param("tenant", tenant.value()).param("u", Usernames.normalize(username)).param("user", user)
                .query(Boolean.class).single();
    }

    boolean emailTakenByAnother(TenantId tenant, String email, UUID user) {
        return jdbc.sql("""
                        select exists (select 1 from users
                                       where tenant_id = :tenant and email_normalized = :e and id <> :user)
                        """)
                .param("tenant", tenant.value()).param("e", Usernames.normalize(email)).param("user", user)
                .query(Boolean.class).single();
    }

    void update(TenantId tenant, UUID user, UserAccount.Editable fields, Instant now) {
        ClinicalProfile profile = fields.profile();
        jdbc.sql("""
                        update users set username = :username, username_normalized = :usernameNormalized,
                            first_name = :firstName, last_name = :lastName, email = :email,
                            email_normalized = :emailNormalized, phone = :phone, hidden = :hidden, npi = :npi,
                            dea = :dea, state_license = :stateLicense, primary_license = :primaryLicense,
                            secondary_license = :secondaryLicense, nadean = :nadean, credentials = :credentials,
                            specialties = :specialties, bio = :bio, expires_at = :expiresAt, manager_id = :managerId,
                            updated_at = :now
                        where tenant_id = :tenant and id = :user
                        """)
                .param("expiresAt", fields.expiresAt() == null ? null : utc(fields.expiresAt()))
                .param("managerId", fields.managerId())
                .param("username", fields.username()).param("usernameNormalized", Usernames.normalize(fields.username()))
                .param("firstName", fields.firstName()).param("lastName", fields.lastName())
                .param("email", fields.email())
                .param("emailNormalized", fields.email() == null ? null : Usernames.normalize(fields.email()))
                .param("phone", fields.phone()).param("hidden", fields.hidden())
                .param("npi", profile.npi()).param("dea", profile.dea()).param("stateLicense", profile.stateLicense())
                .param("primaryLicense", profile.primaryLicense()).param("secondaryLicense", profile.secondaryLicense())
                .param("nadean", profile.nadean())
                .param("credentials", profile.credentials().toArray(String[]::new))
                .param("specialties", profile.specialties().toArray(String[]::new))
                .param("bio", profile.bio()).param("now", utc(now))
                .param("tenant", tenant.value()).param("user", user)
                .update();
    }

    /** Issue 13: a new account's end (contractors) and manager, set with it. */
    void setTerms(TenantId tenant, UUID user, @Nullable Instant expiresAt, @Nullable UUID managerId) {
        jdbc.sql("update users set expires_at = :expiresAt, manager_id = :managerId"
                        + " where tenant_id = :tenant and id = :user")
                .param("expiresAt", expiresAt == null ? null : utc(expiresAt)).param("managerId", managerId)
                .param("tenant", tenant.value()).param("user", user).update();
    }

    /** Issue 16: the user's type (a key of user_types, or null for none). */
    void setUserType(TenantId tenant, UUID user, @Nullable String userType, Instant now) {
        jdbc.sql("update users set user_type = :type, updated_at = :now where tenant_id = :tenant and id = :user")
                .param("type", userType).param("now", utc(now)).param("tenant", tenant.value()).param("user", user)
                .update();
    }

    /** The users of a type, row-locked: their base roles are being re-granted. */
    List<UUID> ofTypeForUpdate(TenantId tenant, String userType) {
        return jdbc.sql("""
                        select id from users where tenant_id = :tenant and user_type = :type
                        order by id for update
                        """)
                .param("tenant", tenant.value()).param("type", userType).query(UUID.class).list();
    }

    long countOfType(TenantId tenant, String userType) {
        return jdbc.sql("select count(*) from users where tenant_id = :tenant and user_type = :type")
                .param("tenant", tenant.value()).param("type", userType).query(Long.class).single();
    }

    /** Someone who could be handed work: a person whose account is active and shown in lists (seed 003). */
    record Candidate(UUID id, String username, String firstName, String lastName, @Nullable String userType) {}

    List<Candidate> agentCandidates(TenantId tenant, Instant now) {
        return jdbc.sql("""
                        select id, username, first_name, last_name, user_type from users
                        where tenant_id = :tenant and status = 'ACTIVE' and not hidden and kind = 'HUMAN'
                            and (expires_at is null or expires_at > :now)
                        order by username_normalized, id
                        """)
                .param("tenant", tenant.value()).param("now", utc(now))
                .query((rs, n) -> new Candidate(rs.getObject("id", UUID.class), rs.getString("username"),
                        rs.getString("first_name"), rs.getString("last_name"), rs.getString("user_type")))
                .list();
    }

    public void setStatus(TenantId tenant, UUID user, String status, Instant now) {
        jdbc.sql("update users set status = :status, updated_at = :now where tenant_id = :tenant and id = :user")
                .param("status", status).param("now", utc(now)).param("tenant", tenant.value()).param("user", user)
                .update();
    }

    /** Clears the permanent lock, the temporary lockout and the failure count (seed 004, unlocking). */
    void unlock(TenantId tenant, UUID user, String status, Instant now) {
        jdbc.sql("""
                        update users set status = :status, locked_until = null, failed_logins = 0, updated_at = :now
                        where tenant_id = :tenant and id = :user
                        """)
                .param("status", status).param("now", utc(now)).param("tenant", tenant.value()).param("user", user)
                .update();
    }

    /**
     * Break-glass: active again with every lock, lockout and failure cleared, and the required
     * actions (a new password) the user must complete before anything else.
     */
    void breakGlass(TenantId tenant, UUID user, List<String> requiredActions, Instant now) {
        jdbc.sql("""
                        update users set status = 'ACTIVE', locked_until = null, failed_logins = 0,
                            required_actions = :actions, updated_at = :now
                        where tenant_id = :tenant and id = :user
                        """)
                .param("actions", requiredActions.toArray(String[]::new)).param("now", utc(now))
                .param("tenant", tenant.value()).param("user", user)
                .update();
    }

    /** An admin-set password: the lockout state stays as it is; the required actions force a change. */
    void setTemporaryPassword(TenantId tenant, UUID user, String hash, List<String> requiredActions, Instant now) {
        jdbc.sql("""
                        update users set password_hash = :hash, required_actions = :actions, updated_at = :now
                        where tenant_id = :tenant and id = :user
                        """)
                .param("hash", hash).param("actions", requiredActions.toArray(String[]::new))
                .param("now", utc(now)).param("tenant", tenant.value()).param("user", user)
                .update();
    }

    /** A password chosen through a one-use link: it also ends any temporary lockout the user ran into. */
    void setChosenPassword(TenantId tenant, UUID user, String hash, String status, List<String> requiredActions,
            Instant now) {
        jdbc.sql("""
                        update users set password_hash = :hash, status = :status, required_actions = :actions,
                            locked_until = null, failed_logins = 0, updated_at = :now
                        where tenant_id = :tenant and id = :user
                        """)
                .param("hash", hash).param("status", status).param("actions", requiredActions.toArray(String[]::new))
                .param("now", utc(now)).param("tenant", tenant.value()).param("user", user)
                .update();
    }

    /**
     * Whether anything in the trail is attributed to the user, or they ever had a session. A failed
     * sign-in against the account, or one refused for its network, is not something they did, so it
     * does not count.
     */
    /** Deletes the account; its assignments, tokens and sessions go with it (foreign keys cascade). */
    void delete(TenantId tenant, UUID user) {
        jdbc.sql("delete from users where tenant_id = :tenant and id = :user")
                .param("tenant", tenant.value()).param("user", user).update();
    }

    private static UserAccount account(ResultSet rs) throws SQLException {
        return new UserAccount(rs.getObject("id", UUID.class), rs.getString("username"), rs.getString("first_name"),
                rs.getString("last_name"), rs.getString("email"), rs.getString("phone"), rs.getString("kind"),
                rs.getString("status"), rs.getBoolean("hidden"), strings(rs, "required_actions"),
                rs.getInt("failed_logins"), instant(rs, "locked_until"), rs.getBoolean("has_password"),
                new ClinicalProfile(rs.getString("npi"), rs.getString("dea"), rs.getString("state_license"),
                        rs.getString("primary_license"), rs.getString("secondary_license"), rs.getString("nadean"),
                        strings(rs, "credentials"), strings(rs, "specialties"), rs.getString("bio")),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "last_sign_in_at"),
                instant(rs, "expires_at"), rs.getObject("manager_id", UUID.class), rs.getString("user_type"),
                rs.getBoolean("member"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** A user's username, for another feature naming them (the audit trail's actor). */
    public Optional<String> username(TenantId tenant, UUID user) {
        return jdbc.sql("select username from users where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", user).query(String.class).optional();
    }

    /** Which of {@code users} are users of the tenant (a batch naming many of them, checked at once). */
    public java.util.Set<UUID> existing(TenantId tenant, Collection<UUID> users) {
        if (users.isEmpty()) {
            return java.util.Set.of();
        }
        return java.util.Set.copyOf(jdbc.sql("select id from users where tenant_id = :tenant and id = any(:ids)")
                .param("tenant", tenant.value()).param("ids", users.toArray(UUID[]::new)).query(UUID.class).list());
    }

    /** Which of {@code users} are service accounts ({@code kind} SERVICE), for API keys' owners. */
    public java.util.Set<UUID> serviceAccounts(TenantId tenant, Collection<UUID> users) {
        if (users.isEmpty()) {
            return java.util.Set.of();
        }
        return java.util.Set.copyOf(jdbc.sql("select id from users where tenant_id = :tenant and id = any(:ids)"
                        + " and kind = 'SERVICE'")
                .param("tenant", tenant.value()).param("ids", users.toArray(UUID[]::new)).query(UUID.class).list());
    }

    /** The e-mail addresses of those of {@code users} who are active and have one, sorted (the alerts' recipients). */
    public List<String> activeEmails(TenantId tenant, Collection<UUID> users) {
        return jdbc.sql("""
                        select email from users
                        where tenant_id = :tenant and id = any(:ids) and status = 'ACTIVE' and email is not null
                        order by email
                        """)
                .param("tenant", tenant.value()).param("ids", users.toArray(UUID[]::new))
                .query(String.class).list();
    }

    /** Those of {@code users} whose account is active, in no particular order. */
    List<UUID> activeAmong(TenantId tenant, Collection<UUID> users) {
        return jdbc.sql("select id from users where tenant_id = :tenant and id = any(:ids) and status = 'ACTIVE'")
                .param("tenant", tenant.value()).param("ids", users.toArray(UUID[]::new))
                .query(UUID.class).list();
    }
}
