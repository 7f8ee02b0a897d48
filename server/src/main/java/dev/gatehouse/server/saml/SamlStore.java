package dev.gatehouse.server.saml;

import dev.gatehouse.server.shared.TenantId;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The AuthnRequests sent ({@code saml_requests}, one use each) and the assertions accepted
 * ({@code saml_assertions}, until they expire): what makes a response answer a request of ours, once.
 */
@Component
class SamlStore {

    /** A request sent: the ID its response must answer, and where sign-in continues afterwards. */
    record SentRequest(String requestId, @Nullable String continueTo) {}

    private final JdbcClient jdbc;

    SamlStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void saveRequest(TenantId tenant, UUID provider, byte[] relayHash, String requestId, @Nullable String continueTo,
            Instant now, Instant expiresAt) {
        // Old rows go as new ones come: the table holds the last few minutes of sign-ins.
        jdbc.sql("delete from saml_requests where expires_at < :now").param("now", Timestamp.from(now)).update();
        jdbc.sql("""
                insert into saml_requests (relay_hash, tenant_id, provider_id, request_id, continue_to, expires_at)
                values (:hash, :tenant, :provider, :request, :continueTo, :expires)
                """)
                .param("hash", relayHash).param("tenant", tenant.value()).param("provider", provider)
                .param("request", requestId).param("continueTo", continueTo)
                .param("expires", Timestamp.from(expiresAt))
                .update();
    }

    /**
     * The request the RelayState names, marked answered in the same statement, so two responses
     * racing with one RelayState cannot both have it; empty when unknown, answered, expired or sent
     * for another provider.
     */
    Optional<SentRequest> takeRequest(TenantId tenant, UUID provider, byte[] relayHash, Instant now) {
        return jdbc.sql("""
                update saml_requests set used_at = :now
                where relay_hash = :hash and tenant_id = :tenant and provider_id = :provider
                  and used_at is null and expires_at > :now
                returning request_id, continue_to
                """)
                .param("now", Timestamp.from(now)).param("hash", relayHash).param("tenant", tenant.value())
                .param("provider", provider)
                .query((rs, row) -> new SentRequest(rs.getString("request_id"), rs.getString("continue_to")))
                .optional();
    }

    /** Remembers an accepted assertion; false when it was seen before (a replay). */
    boolean firstUse(TenantId tenant, UUID provider, String assertionId, Instant now, Instant expiresAt) {
        jdbc.sql("delete from saml_assertions where expires_at < :now").param("now", Timestamp.from(now)).update();
        return jdbc.sql("""
                insert into saml_assertions (tenant_id, provider_id, assertion_id, expires_at)
                values (:tenant, :provider, :assertion, :expires)
                on conflict do nothing
                """)
                .param("tenant", tenant.value()).param("provider", provider).param("assertion", assertionId)
                .param("expires", Timestamp.from(expiresAt))
                .update() == 1;
    }
}
