package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Sign-ins from a new device or a new network (issue 15; seed 000 "re-auth on new device",
 * "Suspicious IP alerts"). At every successful first step of a sign-in — the password proved, or a
 * proof from an identity provider — a device this user never completed a sign-in on, or a network
 * (IPv4 /24, IPv6 /48) they have not signed in from for {@code sessionPolicy.knownNetworkDays}, is
 * recorded as {@code NEW_DEVICE_SIGN_IN} and mailed to the user, whoever they are. The mail is sent
 * at the first step, before any second factor: a right password from a stranger's device is what the
 * holder needs to hear about, whether or not the stranger gets further. A user's very first sign-in
 * has nothing to be new against and is only recorded.
 *
 * <p>A device and network become known only when a sign-in on them completes ({@link #visit}),
 * so a first step alone, however often repeated, never makes an attacker's device trusted.
 */
@Component
class NewDevices {

    /** A flood of sign-ins mails the user at most this often an hour; every one is still on the trail. */
    static final int MAILS_PER_HOUR = 3;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final KnownDevices known;
    private final TenantSettingsStore settings;
    private final AuditLog audit;
    private final Outbox outbox;
    private final Actors actors;
    private final PublicUrl publicUrl;

    NewDevices(KnownDevices known, TenantSettingsStore settings, AuditLog audit, Outbox outbox,
            Actors actors, PublicUrl publicUrl) {
        this.known = known;
        this.settings = settings;
        this.audit = audit;
        this.outbox = outbox;
        this.actors = actors;
        this.publicUrl = publicUrl;
    }

    /**
     * The first step of a sign-in succeeded: when the device or network is new for the user, records
     * it and mails them. Returns whether the tenant asks for the second factor because of it
     * ({@code sessionPolicy.newDeviceSecondFactor}); whether the user has one to give is the caller's
     * question. Runs in the sign-in's transaction, under the account's row lock.
     */
    boolean firstStep(Accounts.Account account, Origin origin, Instant now) {
        Probe probe = probe(account.tenant(), origin, now);
        // One round trip asks all three: any device known, this one, this network lately.
        return firstStep(account, origin, now, known.lookup(account.tenant(), account.id(),
                DeviceIds.hash(account.id(), probe.deviceKey()), probe.network(), probe.since()));
    }

    /**
     * What {@link #firstStep} asks of the user's devices: this device ({@link DeviceIds#key}: its hash
     * needs the user's id), its network, and since when a network counts.
     */
    record Probe(String deviceKey, @Nullable String network, Instant since) {}

    Probe probe(TenantId tenant, Origin origin, Instant now) {
        int networkDays = settings.of(tenant).sessionPolicy().knownNetworkDays();
        return new Probe(DeviceIds.key(DeviceIds.ofCurrentRequest(), DeviceLabels.of(origin.userAgent())),
                KnownDevices.networkOf(origin.ip()), now.minus(networkDays, ChronoUnit.DAYS));
    }

    /** {@link #firstStep} with what the caller already read of the devices ({@link FirstStepFacts}, issue 17). */
    boolean firstStep(Accounts.Account account, Origin origin, Instant now, KnownDevices.Seen seen) {
        if (!seen.anyDevice()) {
            return false;
        }
        boolean newDevice = !seen.device();
        boolean newNetwork = !seen.network();
        if (!newDevice && !newNetwork) {
            return false;
        }
        TenantSettings.SessionPolicy policy = settings.of(account.tenant()).sessionPolicy();
        String label = DeviceLabels.of(origin.userAgent());
        String network = KnownDevices.networkOf(origin.ip());
        boolean mailed = account.email() != null
                && known.mailsSince(account.tenant(), account.id(), now.minus(Duration.ofHours(1))) < MAILS_PER_HOUR;
        if (mailed) {
            mail(account, label, origin, now, newDevice, policy.knownNetworkDays());
            known.mailed(account.tenant(), account.id(), now);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("device", label);
        details.put("newDevice", newDevice);
        details.put("newNetwork", newNetwork);
        if (network != null) {
            details.put("network", network);
        }
        details.put("mailed", mailed);
        audit.record(account.tenant(), "NEW_DEVICE_SIGN_IN", actors.of(account.tenant(), account.id(), account.username()),
                new AuditLog.Target("user", account.id().toString(), account.username()), origin.ip(),
                origin.userAgent(), details);
        return policy.newDeviceSecondFactor();
    }

    /** The device of the current request, as a session remembers it (its hash, and whether the browser named it). */
    record Device(byte @Nullable [] hash, boolean identified, String label) {

        /** No device recorded: a member's session opened from its home session (issue 16) belongs to that one's device. */
        static final Device NONE = new Device(null, false, "");
    }

    static Device currentDevice(UUID user, Origin origin) {
        String deviceId = DeviceIds.ofCurrentRequest();
        String label = DeviceLabels.of(origin.userAgent());
        return new Device(DeviceIds.hash(user, deviceId, label), deviceId != null, label);
    }

    /**
     * What a sign-in completed on {@code device} makes known from now on: the device and the network,
     * recorded with the session that remembers the device ({@link Sessions#create}).
     */
    static KnownDevices.Visit visit(Device device, Origin origin) {
        return new KnownDevices.Visit(device.label(), KnownDevices.networkOf(origin.ip()));
    }

    private void mail(Accounts.Account account, String label, Origin origin, Instant now, boolean newDevice,
            int networkDays) {
        String why = newDevice ? "a device that has not signed in to your account before"
                : "a network your account has not signed in from in the last " + networkDays + " days";
        outbox.enqueue(account.tenant(), new Outbox.Message(account.email(), "New sign-in to your account", """
                Your password for %s (tenant %s) was just used to sign in from %s.

                Device:  %s
                Address: %s
                Time:    %s

                If this was you, there is nothing to do.

                If this was not you, someone else knows your password: choose a new one now at %s
                (this ends every session), and tell your administrator.
                """.formatted(account.username(), account.tenantSlug(), why, label,
                origin.ip() == null ? "unknown" : origin.ip(), TIME.format(now), forgotPassword(account)),
                Outbox.Kind.NOTICE));
    }

    private String forgotPassword(Accounts.Account account) {
        return publicUrl.base() + "/console/forgot-password";
    }
}
