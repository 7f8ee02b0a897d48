package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The devices and networks each user signed in from (issue 15), and when a new one was last mailed
 * about. A device or network becomes known when a sign-in on it completes, never at the first step.
 */
@Repository
class KnownDevices {

    /** A known device; {@code identified}: it carried a device id (cookie or header), not only a fingerprint. */
    record Device(UUID id, byte[] hash, boolean identified, String label, Instant firstSeenAt, Instant lastSeenAt,
            @Nullable String lastIp) {}


    private final JdbcClient jdbc;

    KnownDevices(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What a first step asks of a user's devices: any known at all (the first sign-in has nothing to
     * be new against), this one, this network since a time.
     */
    record Seen(boolean anyDevice, boolean device, boolean network) {}

    /** {@link Seen} in one round trip; {@code network} null (no address) is never known. */
    Seen lookup(TenantId tenant, UUID user, byte[] hash, @Nullable String network, Instant since) {
        return jdbc.sql("""
                        select exists (select 1 from known_devices where tenant_id = :tenant and user_id = :user) as any_device,
                               exists (select 1 from known_devices
                                       where tenant_id = :tenant and user_id = :user and device_hash = :hash) as device,
                               exists (select 1 from known_networks
                                       where tenant_id = :tenant and user_id = :user and network = :network
                                         and last_seen_at > :since) as network
                        """)
                .param("tenant", tenant.value()).param("user", user).param("hash", hash).param("network", network)
                .param("since", Sessions.utc(since))
                .query((rs, n) -> new Seen(rs.getBoolean("any_device"), rs.getBoolean("device"), rs.getBoolean("network")))
                .single();
    }

    /** A completed sign-in's device (its hash and whether it is identified are the session's) and network. */
    record Visit(String label, @Nullable String network) {}

    /**
     * The upserts that make a completed sign-in's device and network known, as the data-modifying parts
     * of the session's insert ({@link Sessions#create}; issue 17: one round trip opens the session and
     * records both, and PostgreSQL always runs such parts to completion). They read the session's
     * parameters {@code :tenant, :user, :device, :identified, :now, :ip} and their own
     * {@code :deviceId, :label, :network} ({@link #bindVisit}).
     */
    static String visitParts(Visit visit) {
        String device = """
                device_seen as (
                    insert into known_devices (tenant_id, id, user_id, device_hash, identified, label, first_seen_at,
                        last_seen_at, last_ip)
                    values (:tenant, :deviceId, :user, :device, :identified, :label, :now, :now, :ip)
                    on conflict (tenant_id, user_id, device_hash)
                    do update set label = excluded.label, last_seen_at = excluded.last_seen_at, last_ip = excluded.last_ip)
                """;
        return visit.network() == null ? device : device + """
                , network_seen as (
                    insert into known_networks (tenant_id, user_id, network, first_seen_at, last_seen_at)
                    values (:tenant, :user, :network, :now, :now)
                    on conflict (tenant_id, user_id, network) do update set last_seen_at = excluded.last_seen_at)
                """;
    }

    static JdbcClient.StatementSpec bindVisit(JdbcClient.StatementSpec statement, Visit visit) {
        return statement.param("deviceId", UUID.randomUUID()).param("label", visit.label())
                .param("network", visit.network());
    }

    /** The user's known devices, most recently used first. */
    List<Device> of(TenantId tenant, UUID user, int page, int size) {
        return jdbc.sql("""
                        select id, device_hash, identified, label, first_seen_at, last_seen_at, last_ip from known_devices
                        where tenant_id = :tenant and user_id = :user
                        order by last_seen_at desc, id limit :size offset :offset
                        """)
                .param("tenant", tenant.value()).param("user", user).param("size", size)
                .param("offset", (long) page * size).query((rs, n) -> device(rs)).list();
    }

    long count(TenantId tenant, UUID user) {
        return jdbc.sql("select count(*) from known_devices where tenant_id = :tenant and user_id = :user")
                .param("tenant", tenant.value()).param("user", user).query(Long.class).single();
    }

    /** One of the user's devices; another user's, or none, is empty. */
    Optional<Device> find(TenantId tenant, UUID user, UUID id) {
        return jdbc.sql("""
                        select id, device_hash, identified, label, first_seen_at, last_seen_at, last_ip from known_devices
                        where tenant_id = :tenant and user_id = :user and id = :id
                        """)
                .param("tenant", tenant.value()).param("user", user).param("id", id).query((rs, n) -> device(rs))
                .optional();
    }

    void forget(TenantId tenant, UUID user, UUID id) {
        jdbc.sql("delete from known_devices where tenant_id = :tenant and user_id = :user and id = :id")
                .param("tenant", tenant.value()).param("user", user).param("id", id).update();
    }

    /** How many "new sign-in" mails the user was sent after {@code since}. */
    int mailsSince(TenantId tenant, UUID user, Instant since) {
        return jdbc.sql("""
                        select count(*) from device_alert_mails
                        where tenant_id = :tenant and user_id = :user and sent_at > :since
                        """)
                .param("tenant", tenant.value()).param("user", user).param("since", Sessions.utc(since))
                .query(Integer.class).single();
    }

    void mailed(TenantId tenant, UUID user, Instant now) {
        // Only the last day matters to the limit; older rows of the user go as new ones come.
        jdbc.sql("delete from device_alert_mails where tenant_id = :tenant and user_id = :user and sent_at < :dayAgo")
                .param("tenant", tenant.value()).param("user", user).param("dayAgo", Sessions.utc(now.minusSeconds(86_400)))
                .update();
        jdbc.sql("insert into device_alert_mails (tenant_id, user_id, sent_at) values (:tenant, :user, :now)")
                .param("tenant", tenant.value()).param("user", user).param("now", Sessions.utc(now)).update();
    }

    /**
     * The network of an address as this feature counts them: an IPv4 /24 or an IPv6 /48 (a site),
     * spelled as a CIDR range; null for anything that is not a literal address.
     */
    static @Nullable String networkOf(@Nullable String address) {
        byte[] bytes = SessionRules.address(address);
        if (bytes == null) {
            return null;
        }
        int prefix = bytes.length == 4 ? 24 : 48;
        for (int i = prefix / 8; i < bytes.length; i++) {
            bytes[i] = 0;
        }
        try {
            return InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            // getByAddress fails only for a length other than 4 or 16, which address() never gives.
            return null;
        }
    }

    private static Device device(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Device(rs.getObject("id", UUID.class), rs.getBytes("device_hash"), rs.getBoolean("identified"),
                rs.getString("label"), rs.getObject("first_seen_at", OffsetDateTime.class).toInstant(),
                rs.getObject("last_seen_at", OffsetDateTime.class).toInstant(), rs.getString("last_ip"));
    }
}
