package dev.gatehouse.server.apikeys;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The tenant's API keys and their daily use (tables {@code api_keys}, {@code api_key_usage}, V106). */
@Repository
class KeyStore {

    private static final String COLUMNS = """
            k.tenant_id, k.id, k.public_id, k.name, k.owner_id, k.created_by, k.scopes, k.locations,
            k.rate_requests, k.rate_seconds, k.created_at, k.expires_at, k.rotated_at, k.revoked_at,
            k.previous_until, k.last_used_at, k.last_used_ip""";

    /** A key as stored, without its hashes. */
    record Key(TenantId tenant, UUID id, String publicId, String name, UUID owner, @Nullable UUID createdBy,
            List<String> scopes, List<String> locations, int rateRequests, int rateSeconds, Instant createdAt,
            Instant expiresAt, @Nullable Instant rotatedAt, @Nullable Instant revokedAt,
            @Nullable Instant previousUntil, @Nullable Instant lastUsedAt, @Nullable String lastUsedIp) {

        Key {
            scopes = List.copyOf(scopes);
            locations = List.copyOf(locations);
        }

        String prefix() {
            return KeySecrets.prefix(publicId);
        }

        /** ACTIVE, EXPIRED, REVOKED, or ROTATING while a previous secret still works. */
        String status(Instant now) {
            if (revokedAt != null) {
                return "REVOKED";
            }
            if (!now.isBefore(expiresAt)) {
                return "EXPIRED";
            }
            return previousUntil != null && now.isBefore(previousUntil) ? "ROTATING" : "ACTIVE";
        }
    }

    /** A key found by a secret's hash; {@code previous} when it is the secret a rotation replaced. */
    record Found(Key key, boolean previous) {}

    private final JdbcClient jdbc;

    KeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(Key key, byte[] secretHash) {
        jdbc.sql("""
                        insert into api_keys (tenant_id, id, public_id, name, owner_id, created_by, scopes, locations,
                            rate_requests, rate_seconds, secret_hash, created_at, expires_at)
                        values (:tenant, :id, :publicId, :name, :owner, :createdBy, :scopes, :locations,
                            :requests, :seconds, :hash, :createdAt, :expiresAt)
                        """)
                .param("tenant", key.tenant().value()).param("id", key.id()).param("publicId", key.publicId())
                .param("name", key.name()).param("owner", key.owner()).param("createdBy", key.createdBy())
                .param("scopes", key.scopes().toArray(String[]::new))
                .param("locations", key.locations().toArray(String[]::new))
                .param("requests", key.rateRequests()).param("seconds", key.rateSeconds()).param("hash", secretHash)
                .param("createdAt", utc(key.createdAt())).param("expiresAt", utc(key.expiresAt()))
                .update();
    }

    /** The key whose current or previous secret has this hash, whatever its state. */
    Optional<Found> findByHash(byte[] hash) {
        return jdbc.sql("select " + COLUMNS + ", k.previous_hash = :hash as previous from api_keys k"
                        + " where k.secret_hash = :hash or k.previous_hash = :hash")
                .param("hash", hash)
                .query((rs, n) -> new Found(key(rs), rs.getBoolean("previous")))
                .optional();
    }

    Optional<Key> find(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from api_keys k where k.tenant_id = :tenant and k.id = :id")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> key(rs)).optional();
    }

    /** Locks the key's row for a change, so that a rotation and a revocation happen one after the other. */
    Optional<Key> findForUpdate(TenantId tenant, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from api_keys k where k.tenant_id = :tenant and k.id = :id for update")
                .param("tenant", tenant.value()).param("id", id)
                .query((rs, n) -> key(rs)).optional();
    }

    /** The tenant's keys, of {@code owner} only when given, newest first. */
    List<Key> all(TenantId tenant, @Nullable UUID owner) {
        return jdbc.sql("select " + COLUMNS + " from api_keys k where k.tenant_id = :tenant"
                        + " and (cast(:owner as uuid) is null or k.owner_id = :owner) order by k.created_at desc, k.id")
                .param("tenant", tenant.value()).param("owner", owner)
                .query((rs, n) -> key(rs)).list();
    }

    /** The keys of {@code owner} not yet revoked, locked for their revocation. */
    List<Key> unrevokedOf(TenantId tenant, UUID owner) {
        return jdbc.sql("select " + COLUMNS + " from api_keys k where k.tenant_id = :tenant and k.owner_id = :owner"
                        + " and k.revoked_at is null order by k.created_at for update")
                .param("tenant", tenant.value()).param("owner", owner)
                .query((rs, n) -> key(rs)).list();
    }

    /** A new secret; the current one keeps working until {@code previousUntil} (at once when that is now). */
    void rotate(TenantId tenant, UUID id, byte[] newHash, Instant now, Instant previousUntil) {
        boolean overlap = previousUntil.isAfter(now);
        jdbc.sql("""
                        update api_keys set previous_hash = case when :overlap then secret_hash end,
                            previous_until = case when :overlap then cast(:until as timestamptz) end,
                            secret_hash = :hash, rotated_at = :now
                        where tenant_id = :tenant and id = :id
                        """)
                .param("overlap", overlap).param("until", utc(previousUntil)).param("hash", newHash)
                .param("now", utc(now)).param("tenant", tenant.value()).param("id", id)
                .update();
    }

    void revoke(TenantId tenant, UUID id, Instant now) {
        jdbc.sql("""
                        update api_keys set revoked_at = :now, previous_hash = null, previous_until = null
                        where tenant_id = :tenant and id = :id and revoked_at is null
                        """)
                .param("now", utc(now)).param("tenant", tenant.value()).param("id", id)
                .update();
    }

    /** Adds {@code requests} to the key's count of {@code day}; nothing for a key deleted since. */
    void addUse(TenantId tenant, UUID key, LocalDate day, long requests) {
        jdbc.sql("""
                        insert into api_key_usage (tenant_id, key_id, day, requests)
                        select :tenant, :key, :day, :requests
                        where exists (select 1 from api_keys where tenant_id = :tenant and id = :key)
                        on conflict (tenant_id, key_id, day) do update set requests = api_key_usage.requests + :requests
                        """)
                .param("tenant", tenant.value()).param("key", key).param("day", day).param("requests", requests)
                .update();
    }

    /** Records the key's last use, unless a later one is recorded already (another node's). */
    void lastUsed(TenantId tenant, UUID key, Instant at, @Nullable String ip) {
        jdbc.sql("""
                        update api_keys set last_used_at = :at, last_used_ip = :ip
                        where tenant_id = :tenant and id = :key and (last_used_at is null or last_used_at < :at)
                        """)
                .param("at", utc(at)).param("ip", ip).param("tenant", tenant.value()).param("key", key)
                .update();
    }

    /** Requests per key on {@code today} and in the 30 days up to and including it. */
    record Use(UUID key, long today, long last30Days) {}

    List<Use> use(TenantId tenant, List<UUID> keys, LocalDate today) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("""
                        select key_id, coalesce(sum(requests) filter (where day = :today), 0) as today,
                            coalesce(sum(requests), 0) as last30
                        from api_key_usage
                        where tenant_id = :tenant and key_id = any(:keys) and day > :today - 30 and day <= :today
                        group by key_id
                        """)
                .param("tenant", tenant.value()).param("keys", keys.toArray(UUID[]::new)).param("today", today)
                .query((rs, n) -> new Use(rs.getObject("key_id", UUID.class), rs.getLong("today"), rs.getLong("last30")))
                .list();
    }

    private static Key key(ResultSet rs) throws SQLException {
        return new Key(new TenantId(rs.getObject("tenant_id", UUID.class)), rs.getObject("id", UUID.class),
                rs.getString("public_id"), rs.getString("name"), rs.getObject("owner_id", UUID.class),
                rs.getObject("created_by", UUID.class), strings(rs, "scopes"), strings(rs, "locations"),
                rs.getInt("rate_requests"), rs.getInt("rate_seconds"), instant(rs, "created_at"),
                instant(rs, "expires_at"), instant(rs, "rotated_at"), instant(rs, "revoked_at"),
                instant(rs, "previous_until"), instant(rs, "last_used_at"), rs.getString("last_used_ip"));
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
