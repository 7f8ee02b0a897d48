package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Impersonator;
import dev.gatehouse.server.shared.TenantId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sessions that a platform operator opens to act as a tenant's user (docs/security.md,
 * "Impersonation and break-glass"): short, never extended, outside the user's session cap, and
 * recorded as ended however they end, their lapse included, which this sweeps for on every node.
 */
@Component
public class ImpersonatedSessions {

    /**
     * The longest an impersonation lasts, however active: long enough to look at one problem with
     * the user, short enough that a forgotten one does not linger (Okta's and Keycloak's are alike).
     */
    public static final Duration MAX_LENGTH = Duration.ofMinutes(30);

    private static final Logger log = LoggerFactory.getLogger(ImpersonatedSessions.class);

    /** A new impersonation: its id, its bearer token (shown once, stored only hashed) and its end. */
    public record Opened(UUID sessionId, String token, Instant expiresAt) {}

    private final Sessions sessions;
    private final Clock clock;

    ImpersonatedSessions(Sessions sessions, Clock clock) {
        this.sessions = sessions;
        this.clock = clock;
    }

    /**
     * Opens a session of {@code user} for {@code operator}, from the operator's own session
     * {@code operatorSession}, which it never outlives, in the caller's transaction. The
     * tenant's idle timeout still applies; its absolute lifetime is {@link #MAX_LENGTH}, which is
     * shorter than any tenant's ({@code sessionPolicy.maxHours} is at least 1).
     */
    public Opened open(TenantId tenant, UUID user, TenantId operatorTenant, Impersonator operator,
            UUID operatorSession, @Nullable String ip, @Nullable String userAgent) {
        // To the microsecond, as PostgreSQL stores it: the answer's expiresAt is the session lists' and the trail's.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = now.plus(MAX_LENGTH);
        String token = Tokens.newToken();
        UUID id = sessions.openImpersonation(tenant, user, operatorTenant, operator, operatorSession, Tokens.hash(token),
                now, expiresAt, ip, userAgent);
        return new Opened(id, token, expiresAt);
    }

    /** Records the end of impersonations that lapsed; a sweep that fails is retried at the next. */
    @Scheduled(fixedDelayString = "${gatehouse.impersonation.sweep-interval:PT30S}",
            initialDelayString = "${gatehouse.impersonation.sweep-interval:PT30S}")
    void sweep() {
        try {
            sessions.endExpiredImpersonations(clock.instant());
        } catch (RuntimeException e) {
            log.warn("Sweeping lapsed impersonations failed: {}", e.toString());
        }
    }
}
