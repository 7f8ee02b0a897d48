package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What a proved first step of a sign-in asks of the user, in one round trip (issue 17): which second
 * factors they have (a confirmed authenticator, a passkey — passkeys publishes its holders, V153) and
 * whether this device and network are known ({@link NewDevices}).
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
        return jdbc.sql("""
                        select exists (select 1 from mfa_totp
                                       where tenant_id = :tenant and user_id = :user and confirmed_at is not null) as totp,
                               exists (select 1 from passkey_holders where tenant_id = :tenant and user_id = :user) as passkey,
                               exists (select 1 from known_devices where tenant_id = :tenant and user_id = :user) as any_device,
                               exists (select 1 from known_devices
                                       where tenant_id = :tenant and user_id = :user and device_hash = :hash) as device,
                               exists (select 1 from known_networks
                                       where tenant_id = :tenant and user_id = :user and network = :network
                                         and last_seen_at > :since) as network
                        """)
                .param("tenant", tenant.value()).param("user", user).param("hash", probe.deviceHash())
                .param("network", probe.network()).param("since", Sessions.utc(probe.since()))
                .query((rs, n) -> new Facts(rs.getBoolean("totp"), rs.getBoolean("passkey"),
                        new KnownDevices.Seen(rs.getBoolean("any_device"), rs.getBoolean("device"),
                                rs.getBoolean("network"))))
                .single();
    }
}
