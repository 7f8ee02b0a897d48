package dev.gatehouse.server.ldap;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The directory entries a sync has seen ({@code ldap_entries}): who each is here, as last seen. */
@Repository
class SyncedEntries {

    /** One entry: the account it is, its DN and username in the directory, and how it looked. */
    record Entry(UUID providerId, String subject, UUID userId, String dn, @Nullable String username,
            String fingerprint, boolean active) {}

    private static final String COLUMNS = "provider_id, subject, user_id, dn, username, fingerprint, active";

    private final JdbcClient jdbc;

    SyncedEntries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Entry> of(TenantId tenant, UUID provider) {
        return jdbc.sql("select " + COLUMNS + " from ldap_entries where tenant_id = :tenant and provider_id = :provider")
                .param("tenant", tenant.value()).param("provider", provider)
                .query((rs, n) -> entry(rs)).list();
    }

    /** The entries linked to the account, in any of the tenant's LDAP providers (normally one). */
    List<Entry> ofUser(TenantId tenant, UUID user) {
        return jdbc.sql("select " + COLUMNS + " from ldap_entries where tenant_id = :tenant and user_id = :user"
                        + " order by seen_at desc")
                .param("tenant", tenant.value()).param("user", user)
                .query((rs, n) -> entry(rs)).list();
    }

    Optional<Entry> find(TenantId tenant, UUID provider, String subject) {
        return jdbc.sql("select " + COLUMNS + " from ldap_entries"
                        + " where tenant_id = :tenant and provider_id = :provider and subject = :subject")
                .param("tenant", tenant.value()).param("provider", provider).param("subject", subject)
                .query((rs, n) -> entry(rs)).optional();
    }

    void save(TenantId tenant, Entry entry, Instant seenAt) {
        jdbc.sql("""
                        insert into ldap_entries (tenant_id, provider_id, subject, user_id, dn, username, fingerprint,
                            active, seen_at)
                        values (:tenant, :provider, :subject, :user, :dn, :username, :fingerprint, :active, :seen)
                        on conflict (tenant_id, provider_id, subject) do update set user_id = excluded.user_id,
                            dn = excluded.dn, username = excluded.username, fingerprint = excluded.fingerprint,
                            active = excluded.active, seen_at = excluded.seen_at
                        """)
                .param("tenant", tenant.value()).param("provider", entry.providerId()).param("subject", entry.subject())
                .param("user", entry.userId()).param("dn", entry.dn()).param("username", entry.username())
                .param("fingerprint", entry.fingerprint()).param("active", entry.active())
                .param("seen", seenAt.atOffset(ZoneOffset.UTC))
                .update();
    }

    /** The entry is gone from the directory (or disabled there): kept, marked inactive. */
    void deactivate(TenantId tenant, UUID provider, String subject) {
        jdbc.sql("update ldap_entries set active = false"
                        + " where tenant_id = :tenant and provider_id = :provider and subject = :subject")
                .param("tenant", tenant.value()).param("provider", provider).param("subject", subject)
                .update();
    }

    long activeCount(TenantId tenant, UUID provider) {
        return jdbc.sql("select count(*) from ldap_entries where tenant_id = :tenant and provider_id = :provider"
                        + " and active")
                .param("tenant", tenant.value()).param("provider", provider)
                .query(Long.class).single();
    }

    private static Entry entry(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Entry(rs.getObject("provider_id", UUID.class), rs.getString("subject"),
                rs.getObject("user_id", UUID.class), rs.getString("dn"), rs.getString("username"),
                rs.getString("fingerprint"), rs.getBoolean("active"));
    }
}
