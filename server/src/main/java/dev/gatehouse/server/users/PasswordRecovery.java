package dev.gatehouse.server.users;

import java.time.Duration;
import org.springframework.stereotype.Service;

/**
 * "Forgot password" as the API and the console answer it: {@link ForgotPassword}, taking the same
 * time whether or not the account exists, so that neither the answer nor its timing can be used to
 * find accounts (ASVS 6.3.8).
 */
@Service
public class PasswordRecovery {

    /** Far longer than the work for an existing account takes, so every answer waits the same. */
    static final Duration ANSWER_AFTER = Duration.ofMillis(300);

    private final ForgotPassword forgot;

    PasswordRecovery(ForgotPassword forgot) {
        this.forgot = forgot;
    }

    public void request(String tenantSlug, String usernameOrEmail, UserService.Origin origin) {
        long started = System.nanoTime();
        forgot.request(tenantSlug, usernameOrEmail, origin);
        long left = ANSWER_AFTER.toNanos() - (System.nanoTime() - started);
        if (left > 0) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
