package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantTree;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The tenants table. */
@Repository
public class Tenants implements TenantDirectory {

    private static final String COLUMNS = "id, slug, name, pack, parent_id, status, created_at";

    private final JdbcClient jdbc;
    private final ActiveSlugCache activeSlugs;
    private final NamedTenantCache namedTenants;

    Tenants(JdbcClient jdbc, ActiveSlugCache activeSlugs, NamedTenantCache namedTenants) {
        this.jdbc = jdbc;
        this.activeSlugs = activeSlugs;
        this.namedTenants = namedTenants;
    }

    /** By slug or id, as {@code {tenant}} in a path may be either (docs/api.md). */
    public Optional<Tenant> find(String slugOrId) {
        UUID id = parseUuid(slugOrId);
        return jdbc.sql("select " + COLUMNS + " from tenants where slug = :slug or id = :id")
                .param("slug", slugOrId).param("id", id)
                .query((rs, n) -> tenant(rs)).optional();
    }

    public Optional<Tenant> find(TenantId id) {
        return jdbc.sql("select " + COLUMNS + " from tenants where id = :id").param("id", id.value())
                .query((rs, n) -> tenant(rs)).optional();
    }

    @Override
    public Optional<TenantId> idOf(String slugOrId) {
        return find(slugOrId).map(Tenant::id);
    }

    @Override
    public Optional<Named> named(String slugOrId) {
        return find(slugOrId).map(tenant -> new Named(tenant.id(), tenant.slug(), tenant.pack(), tenant.name()));
    }

    @Override
    public Optional<Named> named(TenantId id) {
        return find(id).map(tenant -> new Named(tenant.id(), tenant.slug(), tenant.pack(), tenant.name()));
    }

    @Override
    public Optional<Named> namedCached(String slugOrId) {
        return namedTenants.named(slugOrId, this::named);
    }

    @Override
    public String slug(TenantId id) {
        return jdbc.sql("select slug from tenants where id = :id").param("id", id.value()).query(String.class).single();
    }

    @Override
    public String name(TenantId id) {
        return jdbc.sql("select name from tenants where id = :id").param("id", id.value()).query(String.class).single();
    }

    /** The platform tenant, made once by the platform's bootstrap (seed 002 §8.4: outside the API). */
    public void insertPlatform(TenantId id) {
        jdbc.sql("insert into tenants (id, slug, name, pack) values (:id, 'platform', 'Platform', 'platform')")
                .param("id", id.value()).update();
    }

    List<Tenant> page(int page, int size) {
        return jdbc.sql("select " + COLUMNS + " from tenants where slug <> 'platform' order by slug limit :size offset :offset")
                .param("size", size).param("offset", (long) page * size)
                .query((rs, n) -> tenant(rs)).list();
    }

    long count() {
        return jdbc.sql("select count(*) from tenants where slug <> 'platform'").query(Long.class).single();
    }

    boolean slugTaken(String slug) {
        return jdbc.sql("select exists (select 1 from tenants where slug = :slug)").param("slug", slug)
                .query(Boolean.class).single();
    }

    void insert(TenantId id, String slug, String name, String pack, @Nullable TenantId parent, String settingsJson) {
        jdbc.sql("""
                        insert into tenants (id, slug, name, pack, parent_id, settings)
                        values (:id, :slug, :name, :pack, :parent, cast(:settings as jsonb))
                        """)
                .param("id", id.value()).param("slug", slug).param("name", name).param("pack", pack)
                .param("parent", parent == null ? null : parent.value()).param("settings", settingsJson)
                .update();
    }

    @Override
    public String settingsJson(TenantId id) {
        return jdbc.sql("select settings::text from tenants where id = :id").param("id", id.value())
                .query(String.class).optional().orElse("{}");
    }

    /** The tenant's stored settings document, then each ancestor's, nearest first (one recursive read). */
    List<TenantTree.Layer> settingsLineage(TenantId tenant) {
        return jdbc.sql("""
                        with recursive up (id, slug, settings, parent_id, depth) as (
                            select id, slug, settings, parent_id, 0 from tenants where id = :tenant
                            union all
                            select t.id, t.slug, t.settings, t.parent_id, up.depth + 1
                            from tenants t join up on t.id = up.parent_id
                            where up.depth < :max)
                        select id, slug, coalesce(settings::text, '{}') as settings from up order by depth
                        """)
                .param("tenant", tenant.value()).param("max", TenantTree.MAX_DEPTH)
                .query((rs, n) -> new TenantTree.Layer(new TenantId(rs.getObject("id", UUID.class)),
                        rs.getString("slug"), rs.getString("settings")))
                .list();
    }

    @Override
    public List<Claimant> claimingEmailDomain(String domain) {
        return jdbc.sql("""
                        select id, name, pack from tenants
                        where settings -> 'emailDomains' @> jsonb_build_array(cast(:domain as text))
                          and status = 'ACTIVE' and slug <> 'platform'
                        """)
                .param("domain", domain)
                .query((rs, n) -> new Claimant(new TenantId(rs.getObject("id", UUID.class)), rs.getString("name"),
                        rs.getString("pack")))
                .list();
    }

    @Override
    public Optional<TenantId> activeBySlug(String slug) {
        return jdbc.sql("select id from tenants where slug = :slug and status = 'ACTIVE'")
                .param("slug", slug.strip().toLowerCase(java.util.Locale.ROOT))
                .query((rs, n) -> new TenantId(rs.getObject("id", UUID.class))).optional();
    }

    @Override
    public Optional<TenantId> activeBySlugCached(String slug) {
        return activeSlugs.activeBySlug(slug.strip().toLowerCase(java.util.Locale.ROOT), this::activeBySlug);
    }

    @Override
    public boolean isActive(TenantId id) {
        return jdbc.sql("select exists (select 1 from tenants where id = :id and status = 'ACTIVE')")
                .param("id", id.value()).query(Boolean.class).single();
    }

    @Override
    public boolean isSuspended(String slug) {
        return jdbc.sql("select exists (select 1 from tenants where slug = :slug and status = 'SUSPENDED')")
                .param("slug", slug.strip().toLowerCase(java.util.Locale.ROOT)).query(Boolean.class).single();
    }

    @Override
    public void lockForNewMember(TenantId id) {
        jdbc.sql("select id from tenants where id = :id for no key update").param("id", id.value())
                .query(UUID.class).single();
    }

    /** The settings, with the tenant's row locked until the transaction ends: a PATCH merges into them. */
    String settingsJsonForUpdate(TenantId id) {
        return jdbc.sql("select settings::text from tenants where id = :id for no key update").param("id", id.value())
                .query(String.class).single();
    }

    void updateSettings(TenantId id, String settingsJson) {
        jdbc.sql("update tenants set settings = cast(:settings as jsonb) where id = :id")
                .param("settings", settingsJson).param("id", id.value()).update();
    }

    /** The tenant's row, locked until the transaction ends: a rename and its event go together. */
    Optional<Tenant> findForUpdate(TenantId id) {
        return jdbc.sql("select " + COLUMNS + " from tenants where id = :id for no key update").param("id", id.value())
                .query((rs, n) -> tenant(rs)).optional();
    }

    void rename(TenantId id, String name) {
        jdbc.sql("update tenants set name = :name where id = :id").param("name", name).param("id", id.value()).update();
    }

    void setStatus(TenantId id, String status) {
        jdbc.sql("update tenants set status = :status where id = :id").param("status", status).param("id", id.value())
                .update();
    }

    void setParent(TenantId id, @Nullable TenantId parent) {
        jdbc.sql("update tenants set parent_id = :parent where id = :id")
                .param("parent", parent == null ? null : parent.value()).param("id", id.value()).update();
    }

    /** Whether {@code ancestor} is above {@code tenant}, following parents up any number of levels. */
    boolean isAncestorOf(TenantId ancestor, TenantId tenant) {
        return jdbc.sql("""
                        with recursive up (id, parent_id, depth) as (
                            select id, parent_id, 0 from tenants where id = :tenant
                            union all
                            select t.id, t.parent_id, up.depth + 1 from tenants t join up on t.id = up.parent_id
                            where up.depth < 1000
                        )
                        select exists (select 1 from up where id = :ancestor and depth > 0)
                        """)
                .param("tenant", tenant.value()).param("ancestor", ancestor.value()).query(Boolean.class).single();
    }

    /** Whether any tenant has {@code id} as its parent. */
    boolean hasChildren(TenantId id) {
        return jdbc.sql("select exists (select 1 from tenants where parent_id = :id)").param("id", id.value())
                .query(Boolean.class).single();
    }

    /** Removes the tenant's row; every table holding its rows cascades (migration V127). */
    void delete(TenantId id) {
        jdbc.sql("delete from tenants where id = :id").param("id", id.value()).update();
    }

    private static Tenant tenant(java.sql.ResultSet rs) throws java.sql.SQLException {
        UUID parent = rs.getObject("parent_id", UUID.class);
        return new Tenant(new TenantId(rs.getObject("id", UUID.class)), rs.getString("slug"), rs.getString("name"),
                rs.getString("pack"), parent == null ? null : new TenantId(parent), rs.getString("status"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }

    private static @Nullable UUID parseUuid(String text) {
        return Ids.parse(text).orElse(null);
    }

    @Override
    public Optional<TenantId> parentOf(TenantId tenant) {
        return jdbc.sql("select parent_id from tenants where id = :id and parent_id is not null")
                .param("id", tenant.value()).query(UUID.class).optional().map(TenantId::new);
    }
}
