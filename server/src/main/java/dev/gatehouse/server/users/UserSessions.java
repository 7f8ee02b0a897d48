package dev.gatehouse.server.users;

import dev.gatehouse.server.authentication.Sessions;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * A user's live sessions as an admin sees them (seed 000, "multi-device awareness"): not ended,
 * not expired and not idle longer than the tenant's session policy allows
 * ({@code sessionPolicy.idleMinutes}). The sessions are authentication's ({@link Sessions}, which
 * also ends them); this only reads.
 */
@Component
public class UserSessions {

    /**
     * One live session; {@code impersonatedBy} names the platform operator of an impersonation,
     * {@code clients} the applications signed in to through it.
     */
    public record Live(UUID id, Instant createdAt, Instant lastSeenAt, Instant expiresAt, @Nullable String ip,
            @Nullable String userAgent, @Nullable Impersonator impersonatedBy, List<String> clients, Device device) {}

    /** The device a session was opened on (issue 15); the times are null when it is not a known device. */
    public record Device(String label, @Nullable Instant firstSeenAt, @Nullable Instant lastSeenAt) {}

    private final Sessions sessions;
    private final TenantSettingsStore settings;

    UserSessions(Sessions sessions, TenantSettingsStore settings) {
        this.sessions = sessions;
        this.settings = settings;
    }

    List<Live> page(TenantId tenant, UUID user, Instant now, int page, int size) {
        return sessions.listLive(tenant, user, idle(tenant), now, page, size).stream()
                .map(session -> new Live(session.id(), session.createdAt(), session.lastSeenAt(), session.expiresAt(),
                        session.ip(), session.userAgent(), impersonator(session.impersonatedBy()), session.clients(),
                        new Device(session.device().label(), session.device().firstSeenAt(),
                                session.device().lastSeenAt())))
                .toList();
    }

    long count(TenantId tenant, UUID user, Instant now) {
        return sessions.countLive(tenant, user, idle(tenant), now);
    }

    /** Whether {@code session} is one of the live sessions {@link #page} lists for the user. */
    boolean isLive(TenantId tenant, UUID user, UUID session, Instant now) {
        return sessions.isLiveOf(tenant, user, session, idle(tenant), now);
    }

    private Duration idle(TenantId tenant) {
        return Duration.ofMinutes(settings.of(tenant).sessionPolicy().idleMinutes());
    }

    private static @Nullable Impersonator impersonator(@Nullable Impersonator operator) {
        return operator == null || operator.username() == null ? null : operator;
    }
}
