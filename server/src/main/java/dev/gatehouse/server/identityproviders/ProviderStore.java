package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.secrets.SecretBox;
import dev.gatehouse.server.shared.TenantId;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The identity_providers table. The write-only settings are one JSON object sealed with the
 * server's key for this provider alone ({@link #purpose}), so a copy of the database reveals none
 * of them and a sealed value moved to another row does not open.
 */
@Repository
class ProviderStore {

    /** A row as stored: the secrets already opened. */
    record Row(TenantId tenant, UUID id, String name, ProviderKind kind, @Nullable String preset, List<String> domains,
            ObjectNode config, Map<String, String> secrets, boolean jit, List<Mapping> mappings, boolean enforced,
            boolean enabled, ObjectNode state, Instant createdAt, Instant updatedAt) {

        @Override
        public String toString() {
            return "ProviderStore.Row[" + kind + " " + name + " " + id + "]";
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<Mapping>> MAPPINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> SECRETS = new TypeReference<>() {};
    private static final String COLUMNS = "tenant_id, id, name, kind, preset, domains, config, secrets, jit, mappings,"
            + " enforced, enabled, state, created_at, updated_at";

    private final JdbcClient jdbc;
    private final SecretBox box;

    ProviderStore(JdbcClient jdbc, SecretBox box) {
        this.jdbc = jdbc;
        this.box = box;
    }

    void insert(Row row) {
        jdbc.sql("""
                        insert into identity_providers (tenant_id, id, name, kind, preset, domains, config, secrets, jit,
                            mappings, enforced, enabled, created_at, updated_at)
                        values (:tenant, :id, :name, :kind, :preset, :domains, cast(:config as jsonb), :secrets, :jit,
                            cast(:mappings as jsonb), :enforced, :enabled, :now, :now)
                        """)
                .param("tenant", row.tenant().value()).param("id", row.id()).param("name", row.name())
                .param("kind", row.kind().name()).param("preset", row.preset())
                .param("domains", row.domains().toArray(String[]::new))
                .param("config", JSON.writeValueAsString(row.config()))
                .param("secrets", sealed(row.tenant(), row.id(), row.secrets()))
                .param("jit", row.jit()).param("mappings", JSON.writeValueAsString(row.mappings()))
                .param("enforced", row.enforced()).param("enabled", row.enabled())
                .param("now", row.createdAt().atOffset(ZoneOffset.UTC))
                .update();
    }

    void update(Row row) {
        jdbc.sql("""
                        update identity_providers set name = :name, preset = :preset, domains = :domains,
                            config = cast(:config as jsonb), secrets = :secrets, jit = :jit,
                            mappings = cast(:mappings as jsonb), enforced = :enforced, enabled = :enabled,
                            updated_at = :now
                        where tenant_id = :tenant and id = :id
                        """)
                .param("tenant", row.tenant().value()).param("id", row.id()).param("name", row.name())
                .param("preset", row.preset()).param("domains", row.domains().toArray(String[]::new))
                .param("config", JSON.writeValueAsString(row.config()))
                .param("secrets", sealed(row.tenant(), row.id(), row.secrets()))
                .param("jit", row.jit()).param("mappings", JSON.writeValueAsString(row.mappings()))
                .param("enforced", row.enforced()).param("enabled", row.enabled())
                .param("now", row.updatedAt().atOffset(ZoneOffset.UTC))
                .update();
    }

    boolean delete(TenantId tenant, UUID id) {
        return jdbc.sql("delete from identity_providers where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).update() > 0;
    }

    Optional<Row> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from identity_providers where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    /** Locks the row until the transaction ends: two edits of one provider are applied one after the other. */
    Optional<Row> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from identity_providers where tenant_id = :tenant and id = :id for update")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> row(rs)).optional();
    }

    List<Row> all(TenantId tenant) {
        return jdbc.sql("select " + COLUMNS + " from identity_providers where tenant_id = :tenant order by name, id")
                .param("tenant", tenant.value()).query((rs, n) -> row(rs)).list();
    }

    List<Row> ofKind(TenantId tenant, ProviderKind kind) {
        return jdbc.sql("select " + COLUMNS
                        + " from identity_providers where tenant_id = :tenant and kind = :kind order by name, id")
                .param("tenant", tenant.value()).param("kind", kind.name()).query((rs, n) -> row(rs)).list();
    }

    List<Row> everyOfKind(ProviderKind kind) {
        return jdbc.sql("select " + COLUMNS + " from identity_providers where kind = :kind order by tenant_id, name, id")
                .param("kind", kind.name()).query((rs, n) -> row(rs)).list();
    }

    /** What enforcement reads of an enabled, enforced provider: never its secrets. */
    record Enforced(UUID id, List<String> domains, ObjectNode config) {}

    /** The tenant's enabled, enforced providers; asked on every password sign-in, so no secret is opened. */
    List<Enforced> enforced(TenantId tenant) {
        return jdbc.sql("""
                        select id, domains, config from identity_providers
                        where tenant_id = :tenant and enabled and enforced
                        """)
                .param("tenant", tenant.value())
                .query((rs, n) -> new Enforced(rs.getObject("id", UUID.class), strings(rs.getArray("domains")),
                        (ObjectNode) JSON.readTree(rs.getString("config"))))
                .list();
    }

    /** Whether the tenant has an enabled provider of another kind than {@code kind}. */
    boolean anyEnabledBut(TenantId tenant, ProviderKind kind) {
        return jdbc.sql("""
                        select exists (select 1 from identity_providers
                                       where tenant_id = :tenant and enabled and kind <> :kind)
                        """)
                .param("tenant", tenant.value()).param("kind", kind.name()).query(Boolean.class).single();
    }

    /** The tenant's enabled provider claiming the (lower-case) e-mail domain, if any. */
    Optional<Row> enabledForDomain(TenantId tenant, String domain) {
        return jdbc.sql("select " + COLUMNS + """
                         from identity_providers
                        where tenant_id = :tenant and enabled and :domain = any (domains)
                        order by created_at, id limit 1
                        """)
                .param("tenant", tenant.value()).param("domain", domain).query((rs, n) -> row(rs)).optional();
    }

    /** A domain another provider of the tenant claims already (its name), if any. */
    Optional<String> claimantOf(TenantId tenant, String domain, UUID except) {
        return jdbc.sql("""
                        select name from identity_providers
                        where tenant_id = :tenant and id <> :except and :domain = any (domains) limit 1
                        """)
                .param("tenant", tenant.value()).param("except", except).param("domain", domain)
                .query(String.class).optional();
    }

    boolean nameTaken(TenantId tenant, String name, UUID except) {
        return jdbc.sql("""
                        select exists (select 1 from identity_providers
                                       where tenant_id = :tenant and id <> :except and lower(name) = lower(:name))
                        """)
                .param("tenant", tenant.value()).param("except", except).param("name", name)
                .query(Boolean.class).single();
    }

    void saveState(TenantId tenant, UUID id, String key, ObjectNode state) {
        jdbc.sql("""
                        update identity_providers set state = jsonb_set(state, array[cast(:key as text)], cast(:value as jsonb))
                        where tenant_id = :tenant and id = :id
                        """)
                .param("tenant", tenant.value()).param("id", id).param("key", key)
                .param("value", JSON.writeValueAsString(state)).update();
    }

    ObjectNode state(TenantId tenant, UUID id) {
        return jdbc.sql("select state from identity_providers where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> (ObjectNode) JSON.readTree(rs.getString("state"))).optional()
                .orElseGet(JSON::createObjectNode);
    }

    /** The sealing purpose of one provider's secrets: they open for that tenant's provider and no other row. */
    static String purpose(TenantId tenant, UUID id) {
        return "identity-provider:" + tenant.value() + ":" + id;
    }

    private byte @Nullable [] sealed(TenantId tenant, UUID id, Map<String, String> secrets) {
        if (secrets.isEmpty()) {
            return null;
        }
        return box.seal(purpose(tenant, id), JSON.writeValueAsString(new LinkedHashMap<>(secrets))
                .getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, String> opened(TenantId tenant, UUID id, byte @Nullable [] sealed) {
        if (sealed == null) {
            return Map.of();
        }
        return JSON.readValue(new String(box.open(purpose(tenant, id), sealed), StandardCharsets.UTF_8), SECRETS);
    }

    private Row row(ResultSet rs) throws SQLException {
        TenantId tenant = new TenantId(rs.getObject("tenant_id", UUID.class));
        UUID id = rs.getObject("id", UUID.class);
        return new Row(tenant, id, rs.getString("name"), ProviderKind.valueOf(rs.getString("kind")),
                rs.getString("preset"), strings(rs.getArray("domains")),
                (ObjectNode) JSON.readTree(rs.getString("config")), opened(tenant, id, rs.getBytes("secrets")),
                rs.getBoolean("jit"), JSON.readValue(rs.getString("mappings"), MAPPINGS), rs.getBoolean("enforced"),
                rs.getBoolean("enabled"), (ObjectNode) JSON.readTree(rs.getString("state")),
                rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant(),
                rs.getObject("updated_at", java.time.OffsetDateTime.class).toInstant());
    }

    private static List<String> strings(@Nullable Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }
}
