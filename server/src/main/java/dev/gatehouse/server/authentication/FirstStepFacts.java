package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What a proved first step of a sign-in asks of the user, in one round trip (issue 17): which second
 * factors they have (a confirmed authenticator, a passkey — passkeys publishes its holders, V153) and
 * whether this device and network are known ({@link NewDevices}). A password sign-in reads them with
 * the account it locks ({@link #alongTheAccount}), the other first steps on their own ({@link #of}).
 */
@Repository
class FirstStepFacts {

    /** {@code totp}: a confirmed authenticator; {@code passkey}: at least one passkey. */
    record Facts(boolean totp, boolean passkey, KnownDevices.Seen seen) {}

    private final JdbcClient jdbc;

    FirstStepFacts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Facts of(TenantId tenant, UUID user, NewDevices.Probe probe) {
        return jdbc.sql("select " + columns(":tenant", ":user", ":hash"))
                .param("tenant", tenant.value()).param("user", user)
                .param("hash", DeviceIds.hash(user, probe.deviceKey())).param("network", probe.network())
                .param("since", Sessions.utc(probe.since()))
                .query((rs, n) -> facts(rs))
                .single();
    }

    /**
     * The facts as columns of the statement that locks the account by its username ({@link
     * Credentials#lockByUsernameAtOnce}; issue 17: one round trip), over its row {@code u}: the device's
     * hash is {@link DeviceIds#hash} of the account's id, computed there (PostgreSQL's {@code uuid} text
     * is Java's {@code UUID.toString()}).
     */
    Credentials.Along<Facts> alongTheAccount(NewDevices.Probe probe) {
        Map<String, @Nullable Object> params = new HashMap<>();
        params.put("deviceKey", probe.deviceKey());
        params.put("network", probe.network());
        params.put("since", Sessions.utc(probe.since()));
        return new Credentials.Along<>(columns("u.tenant_id", "u.id", "sha256(convert_to(cast(u.id as text) || :deviceKey, 'UTF8'))"),
                params, (rs, n) -> facts(rs));
    }

    private static String columns(String tenant, String user, String deviceHash) {
        return """
                exists (select 1 from mfa_totp
                        where tenant_id = %1$s and user_id = %2$s and confirmed_at is not null) as totp,
                exists (select 1 from passkey_holders where tenant_id = %1$s and user_id = %2$s) as passkey,
                exists (select 1 from known_devices where tenant_id = %1$s and user_id = %2$s) as any_device,
                exists (select 1 from known_devices
                        where tenant_id = %1$s and user_id = %2$s and device_hash = %3$s) as device,
                exists (select 1 from known_networks
                        where tenant_id = %1$s and user_id = %2$s and network = :network
                          and last_seen_at > :since) as network
                """.formatted(tenant, user, deviceHash);
    }

    private static Facts facts(ResultSet rs) throws SQLException {
        return new Facts(rs.getBoolean("totp"), rs.getBoolean("passkey"),
                new KnownDevices.Seen(rs.getBoolean("any_device"), rs.getBoolean("device"), rs.getBoolean("network")));
    }
}
