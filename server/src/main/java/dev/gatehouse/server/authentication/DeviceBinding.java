package dev.gatehouse.server.authentication;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Origin;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Session binding (issue 15, {@code sessionPolicy.bindToDevice}, off by default): a session opened
 * with a device id — the console's device cookie, or an API client's {@code X-Gatehouse-Device}
 * header — works only when presented with the same id. A session cookie or token replayed from
 * anywhere else (another browser, a script without the header) ends the session at once and is
 * recorded as {@code SESSION_DEVICE_MISMATCH}; the caller gets the 401 of a dead session. A session
 * opened without a device id is not bound: there is nothing to compare.
 */
@Component
class DeviceBinding {

    private final Sessions sessions;
    private final AuditLog audit;
    private final Actors actors;

    DeviceBinding(Sessions sessions, AuditLog audit, Actors actors) {
        this.sessions = sessions;
        this.audit = audit;
        this.actors = actors;
    }

    /** Whether the session may be used with the request's device id ({@code deviceId}, null when none). */
    static boolean admits(Sessions.Live session, @Nullable String deviceId, @Nullable String userAgent) {
        if (!session.rules().bindToDevice() || !session.deviceIdentified() || session.deviceHash() == null) {
            return true;
        }
        // Without an id the request hashes as a fingerprint, which never equals a device id's hash.
        return MessageDigest.isEqual(session.deviceHash(),
                DeviceIds.hash(session.userId(), deviceId, DeviceLabels.of(userAgent)));
    }

    /** Ends a session presented without its device, recorded in the same transaction. */
    @Transactional
    void refuse(Sessions.Live session, Origin origin, Instant now) {
        sessions.end(session.tenant(), session.id(), now, "DEVICE_MISMATCH");
        audit.record(session.tenant(), "SESSION_DEVICE_MISMATCH",
                actors.of(session.tenant(), session.userId(), session.username()),
                new AuditLog.Target("session", session.id().toString(), session.username()), origin.ip(),
                origin.userAgent(), Map.of("sessionEnded", true));
    }
}
