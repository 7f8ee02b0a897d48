package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.TenantId;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code oidc_clients} table: the tenant in every statement (docs/style.md rule 6). */
@Component
class ClientStore {

    private static final String COLUMNS = """
            tenant_id, id, client_id, name, type, secret_hash is not null as has_secret, redirect_uris,
            post_logout_redirect_uris, grant_types, scopes, service_account, first_party, status, created_at,
            updated_at, secret_rotated_at
            """;

    private final JdbcClient jdbc;

    ClientStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(OAuthClient client, @Nullable String secretHash) {
        jdbc.sql("""
                insert into oidc_clients (tenant_id, id, client_id, name, type, secret_hash, redirect_uris,
                    post_logout_redirect_uris, grant_types, scopes, service_account, first_party, status)
                values (:tenant, :id, :clientId, :name, :type, :secretHash, :redirectUris, :postLogout, :grants,
                    :scopes, :serviceAccount, :firstParty, :status)
                """)
                .param("tenant", client.tenant().value()).param("id", client.id()).param("clientId", client.clientId())
                .param("name", client.name()).param("type", client.type()).param("secretHash", secretHash)
                .param("redirectUris", array(client.redirectUris()))
                .param("postLogout", array(client.postLogoutRedirectUris()))
                .param("grants", array(client.grantTypes())).param("scopes", array(client.scopes()))
                .param("serviceAccount", client.serviceAccount()).param("firstParty", client.firstParty())
                .param("status", client.status())
                .update();
    }

    void update(OAuthClient client) {
        jdbc.sql("""
                update oidc_clients set name = :name, redirect_uris = :redirectUris,
                    post_logout_redirect_uris = :postLogout, grant_types = :grants, scopes = :scopes,
                    service_account = :serviceAccount, first_party = :firstParty, status = :status, updated_at = now()
                where tenant_id = :tenant and id = :id
                """)
                .param("tenant", client.tenant().value()).param("id", client.id()).param("name", client.name())
                .param("redirectUris", array(client.redirectUris()))
                .param("postLogout", array(client.postLogoutRedirectUris()))
                .param("grants", array(client.grantTypes())).param("scopes", array(client.scopes()))
                .param("serviceAccount", client.serviceAccount()).param("firstParty", client.firstParty())
                .param("status", client.status())
                .update();
    }

    void secret(TenantId tenant, UUID id, String secretHash) {
        jdbc.sql("""
                update oidc_clients set secret_hash = :hash, secret_rotated_at = now(), updated_at = now()
                where tenant_id = :tenant and id = :id
                """)
                .param("tenant", tenant.value()).param("id", id).param("hash", secretHash).update();
    }

    void delete(TenantId tenant, UUID id) {
        jdbc.sql("delete from oidc_clients where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).update();
    }

    Optional<OAuthClient> byClientId(TenantId tenant, String clientId) {
        return jdbc.sql("select " + COLUMNS + " from oidc_clients where tenant_id = :tenant and client_id = :clientId")
                .param("tenant", tenant.value()).param("clientId", clientId).query((rs, n) -> client(rs)).optional();
    }

    Optional<OAuthClient> byClientIdForUpdate(TenantId tenant, String clientId) {
        return jdbc.sql("select " + COLUMNS + " from oidc_clients where tenant_id = :tenant and client_id = :clientId"
                + " for update")
                .param("tenant", tenant.value()).param("clientId", clientId).query((rs, n) -> client(rs)).optional();
    }

    Optional<OAuthClient> byId(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from oidc_clients where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query((rs, n) -> client(rs)).optional();
    }

    /** The stored hash of a confidential client's secret, for the token endpoint's client authentication. */
    Optional<String> secretHash(TenantId tenant, UUID id) {
        return jdbc.sql("select secret_hash from oidc_clients where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query(String.class).optional();
    }

    List<OAuthClient> page(TenantId tenant, int page, int size) {
        return jdbc.sql("select " + COLUMNS + " from oidc_clients where tenant_id = :tenant"
                + " order by lower(name), client_id limit :size offset :offset")
                .param("tenant", tenant.value()).param("size", size).param("offset", (long) page * size)
                .query((rs, n) -> client(rs)).list();
    }

    long count(TenantId tenant) {
        return jdbc.sql("select count(*) from oidc_clients where tenant_id = :tenant")
                .param("tenant", tenant.value()).query(Long.class).single();
    }

    /** The clients whose client-credentials tokens carry the service account, row-locked. */
    List<OAuthClient> ofServiceAccountForUpdate(TenantId tenant, UUID serviceAccount) {
        return jdbc.sql("select " + COLUMNS + " from oidc_clients where tenant_id = :tenant"
                + " and service_account = :user order by client_id for update")
                .param("tenant", tenant.value()).param("user", serviceAccount).query((rs, n) -> client(rs)).list();
    }

    private static String[] array(List<String> values) {
        return values.toArray(String[]::new);
    }

    private static OAuthClient client(ResultSet rs) throws SQLException {
        Timestamp rotated = rs.getTimestamp("secret_rotated_at");
        return new OAuthClient(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("id", UUID.class),
                rs.getString("client_id"), rs.getString("name"), rs.getString("type"), rs.getBoolean("has_secret"),
                strings(rs.getArray("redirect_uris")), strings(rs.getArray("post_logout_redirect_uris")),
                strings(rs.getArray("grant_types")), strings(rs.getArray("scopes")),
                rs.getObject("service_account", UUID.class), rs.getBoolean("first_party"), rs.getString("status"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                rotated == null ? null : rotated.toInstant());
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }
}
