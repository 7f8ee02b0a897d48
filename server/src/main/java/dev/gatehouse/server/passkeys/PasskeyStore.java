package dev.gatehouse.server.passkeys;

import dev.gatehouse.server.shared.TenantId;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The tables {@code passkeys} and {@code passkey_challenges}. */
@Repository
class PasskeyStore {

    /** A registered passkey; {@code publicKey} is the attested credential data (CBOR) as registered. */
    record Passkey(UUID id, TenantId tenant, UUID userId, byte[] credentialId, byte[] publicKey, long signCount,
            List<String> transports, boolean userVerified, String name, Instant createdAt,
            @Nullable Instant lastUsedAt) {}

    enum Purpose { REGISTER, SIGN_IN, SECOND_FACTOR }

    record Challenge(UUID id, TenantId tenant, @Nullable UUID userId, Purpose purpose, byte[] value) {}

    private static final String COLUMNS = """
            tenant_id, id, user_id, credential_id, public_key, sign_count, transports, user_verified, name,
            created_at, last_used_at""";

    private final JdbcClient jdbc;

    PasskeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    List<Passkey> ofUser(TenantId tenant, UUID user) {
        return jdbc.sql("select " + COLUMNS + " from passkeys where tenant_id = :tenant and user_id = :user"
                        + " order by created_at, id")
                .param("tenant", tenant.value()).param("user", user).query(PasskeyStore::passkey).list();
    }

    boolean hasAny(TenantId tenant, UUID user) {
        return jdbc.sql("select exists (select 1 from passkeys where tenant_id = :tenant and user_id = :user)")
                .param("tenant", tenant.value()).param("user", user).query(Boolean.class).single();
    }

    Optional<Passkey> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from passkeys where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).query(PasskeyStore::passkey).optional();
    }

    /** The passkey with this credential id in the tenant, row-locked: assertions on one key take turns. */
    Optional<Passkey> byCredentialForUpdate(TenantId tenant, byte[] credentialId) {
        return jdbc.sql("select " + COLUMNS + " from passkeys where tenant_id = :tenant and credential_id = :credential"
                        + " for update")
                .param("tenant", tenant.value()).param("credential", credentialId).query(PasskeyStore::passkey)
                .optional();
    }

    boolean credentialExists(TenantId tenant, byte[] credentialId) {
        return jdbc.sql("select exists (select 1 from passkeys where tenant_id = :tenant and credential_id = :credential)")
                .param("tenant", tenant.value()).param("credential", credentialId).query(Boolean.class).single();
    }

    int count(TenantId tenant, UUID user) {
        return jdbc.sql("select count(*) from passkeys where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).query(Integer.class).single();
    }

    void insert(Passkey passkey) {
        jdbc.sql("""
                        insert into passkeys (tenant_id, id, user_id, credential_id, public_key, sign_count, transports,
                            user_verified, name, created_at)
                        values (:tenant, :id, :user, :credential, :key, :count, :transports, :verified, :name, :created)
                        """)
                .param("tenant", passkey.tenant().value()).param("id", passkey.id()).param("user", passkey.userId())
                .param("credential", passkey.credentialId()).param("key", passkey.publicKey())
                .param("count", passkey.signCount()).param("transports", passkey.transports().toArray(String[]::new))
                .param("verified", passkey.userVerified()).param("name", passkey.name())
                .param("created", utc(passkey.createdAt())).update();
    }

    boolean rename(TenantId tenant, UUID id, String name) {
        return jdbc.sql("update passkeys set name = :name where tenant_id = :tenant and id = :id")
                .param("name", name).param("tenant", tenant.value()).param("id", id).update() == 1;
    }

    boolean delete(TenantId tenant, UUID id) {
        return jdbc.sql("delete from passkeys where tenant_id = :tenant and id = :id")
                .param("tenant", tenant.value()).param("id", id).update() == 1;
    }

    /** Records a verified assertion: the authenticator's new counter and when the key was last used. */
    void used(TenantId tenant, UUID id, long signCount, Instant now) {
        jdbc.sql("update passkeys set sign_count = :count, last_used_at = :now where tenant_id = :tenant and id = :id")
                .param("count", signCount).param("now", utc(now)).param("tenant", tenant.value()).param("id", id)
                .update();
    }

    void createChallenge(Challenge challenge, Instant now, Instant expiresAt) {
        // Dead challenges go as new ones come; an index on expires_at keeps this cheap.
        jdbc.sql("delete from passkey_challenges where expires_at < :now").param("now", utc(now)).update();
        jdbc.sql("""
                        insert into passkey_challenges (id, tenant_id, user_id, purpose, challenge, created_at, expires_at)
                        values (:id, :tenant, :user, :purpose, :challenge, :now, :expires)
                        """)
                .param("id", challenge.id()).param("tenant", challenge.tenant().value())
                .param("user", challenge.userId()).param("purpose", challenge.purpose().name())
                .param("challenge", challenge.value()).param("now", utc(now)).param("expires", utc(expiresAt))
                .update();
    }

    /**
     * Spends a live challenge of the tenant and purpose: returns it once, and never again (a parallel
     * request spending the same one gets nothing).
     */
    Optional<Challenge> spendChallenge(TenantId tenant, UUID id, Purpose purpose, Instant now) {
        return jdbc.sql("""
                        update passkey_challenges set used_at = :now
                        where id = :id and tenant_id = :tenant and purpose = :purpose and used_at is null
                            and expires_at > :now
                        returning id, tenant_id, user_id, purpose, challenge
                        """)
                .param("now", utc(now)).param("id", id).param("tenant", tenant.value()).param("purpose", purpose.name())
                .query((rs, n) -> new Challenge(rs.getObject("id", UUID.class),
                        new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("user_id", UUID.class),
                        Purpose.valueOf(rs.getString("purpose")), rs.getBytes("challenge")))
                .optional();
    }

    private static Passkey passkey(ResultSet rs, int row) throws SQLException {
        Array transports = rs.getArray("transports");
        OffsetDateTime lastUsed = rs.getObject("last_used_at", OffsetDateTime.class);
        return new Passkey(rs.getObject("id", UUID.class), new TenantId(rs.getObject("tenant_id", UUID.class)),
                rs.getObject("user_id", UUID.class), rs.getBytes("credential_id"), rs.getBytes("public_key"),
                rs.getLong("sign_count"), transports == null ? List.of() : List.of((String[]) transports.getArray()),
                rs.getBoolean("user_verified"), rs.getString("name"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                lastUsed == null ? null : lastUsed.toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
