package dev.gatehouse.server.authentication;

import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Sensitive operations (changing your own second factor or e-mail, break-glass) need a recent
 * proof of a factor in this session (ASVS 7.5.1): within {@code sessionPolicy.reauthMinutes}
 * (default 5) of sign-in or of {@code POST /api/v1/me/reauthenticate}.
 */
@Component
public class Reauthentication {

    /** 403 whose problem document carries {@code reauthenticationRequired: true}. */
    public static final class Required extends ApiException {
        Required(long minutes) {
            super(HttpStatus.FORBIDDEN, "Re-authentication required", "re-authenticate (POST /api/v1/me/reauthenticate"
                    + " with your password or a second-factor code) and try again within " + minutes + " minutes",
                    List.of());
        }
    }

    private final Sessions sessions;
    private final TenantSettingsStore settings;
    private final Clock clock;

    Reauthentication(Sessions sessions, TenantSettingsStore settings, Clock clock) {
        this.sessions = sessions;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * @throws Required unless the caller's session proved a factor recently enough
     * @throws ApiException 403 for an impersonated session, which never proves the user's factors
     */
    public void require(Caller caller) {
        caller.refuseIfImpersonated("prove the user's identity again, which this needs");
        int minutes = settings.of(caller.tenant()).sessionPolicy().reauthMinutes();
        Instant proved = sessions.authenticatedAt(caller.tenant(), caller.requireSession("prove the identity again")).orElse(Instant.EPOCH);
        if (proved.plus(Duration.ofMinutes(minutes)).isBefore(clock.instant())) {
            throw new Required(minutes);
        }
    }

    /** Answers {@link Required} before the general handler, adding the flag clients act on. */
    @RestControllerAdvice
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class Problem {
        @ExceptionHandler(Required.class)
        ResponseEntity<ProblemDetail> required(Required e, HttpServletRequest request) {
            ResponseEntity<ProblemDetail> answer = dev.gatehouse.server.shared.Problems.problem(e.status(), e.title(),
                    e.getMessage(), List.of(), request);
            answer.getBody().setProperty("reauthenticationRequired", true);
            return answer;
        }
    }
}
