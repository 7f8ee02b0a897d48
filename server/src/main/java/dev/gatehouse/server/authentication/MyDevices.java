package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The signed-in user's known devices (issue 15): the browsers and apps they completed a sign-in
 * on, for the API and the console alike. Forgetting one ends its sessions, and the next sign-in
 * on it is a new device again (second factor, mail).
 */
@Service
public class MyDevices {

    /**
     * A known device: {@code label} its coarse fingerprint ("Chrome on Windows"); {@code thisDevice}
     * whether the caller's session was opened on it; {@code identified} whether it carries a device id
     * (the console's cookie or an app's {@code X-Gatehouse-Device}) rather than being known by its
     * fingerprint alone.
     */
    public record DeviceView(String id, String label, boolean thisDevice, boolean identified, Instant firstSeenAt,
            Instant lastSeenAt, @Nullable String lastIp) {}

    private final KnownDevices known;
    private final Sessions sessions;
    private final Reauthentication reauthentication;
    private final AuditLog audit;
    private final Actors actors;
    private final Clock clock;

    MyDevices(KnownDevices known, Sessions sessions, Reauthentication reauthentication, AuditLog audit, Actors actors,
            Clock clock) {
        this.known = known;
        this.sessions = sessions;
        this.reauthentication = reauthentication;
        this.audit = audit;
        this.actors = actors;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public Page<DeviceView> list(Caller caller, int page, int size) {
        byte[] current = current(caller);
        List<DeviceView> items = known.of(caller.tenant(), caller.userId(), page, size).stream()
                .map(device -> view(device, current)).toList();
        return new Page<>(items, page, size, known.count(caller.tenant(), caller.userId()));
    }

    /** One of the caller's devices; another user's, or an unknown id, is 404. */
    @Transactional(readOnly = true)
    public DeviceView get(Caller caller, UUID id) {
        return view(find(caller, id), current(caller));
    }

    /**
     * Forgets one of the caller's devices and ends every session opened on it (this one's too, when
     * it is this device: then it is a sign-out). Ending sessions elsewhere needs a recent
     * re-authentication, as ending one session does (ASVS 7.5.2).
     */
    @Transactional
    public void forget(Caller caller, UUID id, Origin origin) {
        KnownDevices.Device device = find(caller, id);
        boolean thisDevice = isCurrent(device, current(caller));
        if (!thisDevice) {
            reauthentication.require(caller);
        }
        Instant now = clock.instant();
        List<UUID> ended = sessions.endOnDevice(caller.tenant(), caller.userId(), device.hash(), now, "DEVICE_FORGOTTEN");
        known.forget(caller.tenant(), caller.userId(), id);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("device", device.label());
        details.put("thisDevice", thisDevice);
        details.put("sessionsEnded", ended.size());
        audit.record(caller.tenant(), "DEVICE_FORGOTTEN", actors.actor(caller),
                new AuditLog.Target("device", id.toString(), caller.username()), origin.ip(), origin.userAgent(),
                details);
    }

    private KnownDevices.Device find(Caller caller, UUID id) {
        return known.find(caller.tenant(), caller.userId(), id).orElseThrow(() -> ApiException.notFound("device " + id));
    }

    private byte @Nullable [] current(Caller caller) {
        return caller.sessionId() == null ? null : sessions.deviceOf(caller.tenant(), caller.sessionId());
    }

    private static boolean isCurrent(KnownDevices.Device device, byte @Nullable [] current) {
        return current != null && MessageDigest.isEqual(current, device.hash());
    }

    private static DeviceView view(KnownDevices.Device device, byte @Nullable [] current) {
        return new DeviceView(device.id().toString(), device.label(), isCurrent(device, current), device.identified(),
                device.firstSeenAt(), device.lastSeenAt(), device.lastIp());
    }
}
