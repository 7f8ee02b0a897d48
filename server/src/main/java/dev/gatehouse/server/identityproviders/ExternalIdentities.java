package dev.gatehouse.server.identityproviders;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The external_identities table: which user of the tenant a provider's subject is. */
@Repository
class ExternalIdentities {

    private final JdbcClient jdbc;

    ExternalIdentities(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Optional<UUID> userOf(TenantId tenant, UUID provider, String subject) {
        return jdbc.sql("""
                        select user_id from external_identities
                        where tenant_id = :tenant and provider_id = :provider and subject = :subject
                        """)
                .param("tenant", tenant.value()).param("provider", provider).param("subject", subject)
                .query(UUID.class).optional();
    }

    /** Links the subject to the user; false when the subject was linked already (to anyone). */
    boolean link(TenantId tenant, UUID provider, String subject, UUID user, Instant now) {
        return jdbc.sql("""
                        insert into external_identities (tenant_id, provider_id, subject, user_id, linked_at)
                        values (:tenant, :provider, :subject, :user, :now)
                        on conflict do nothing
                        """)
                .param("tenant", tenant.value()).param("provider", provider).param("subject", subject)
                .param("user", user).param("now", now.atOffset(ZoneOffset.UTC)).update() > 0;
    }

    void signedIn(TenantId tenant, UUID provider, String subject, Instant now) {
        jdbc.sql("""
                        update external_identities set last_sign_in_at = :now
                        where tenant_id = :tenant and provider_id = :provider and subject = :subject
                        """)
                .param("tenant", tenant.value()).param("provider", provider).param("subject", subject)
                .param("now", now.atOffset(ZoneOffset.UTC)).update();
    }

    /** The providers the user is linked to. */
    List<UUID> providersOf(TenantId tenant, UUID user) {
        return jdbc.sql("select provider_id from external_identities where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).query(UUID.class).list();
    }
}
