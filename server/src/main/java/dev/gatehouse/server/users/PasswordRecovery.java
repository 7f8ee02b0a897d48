package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Usernames;
import dev.gatehouse.server.throttling.Throttle;
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
    private final Throttle throttle;

    PasswordRecovery(ForgotPassword forgot, Throttle throttle) {
        this.forgot = forgot;
        this.throttle = throttle;
    }

    /**
     * @throws dev.gatehouse.server.shared.TooManyRequests over a rate limit (address, the account
     *     named whether or not it exists, the tenant); nothing is looked up or sent then
     */
    public void request(String tenantSlug, String usernameOrEmail, Origin origin) {
        // Every request counts, found or not: each may send a mail, and the answer must not tell which.
        throttle.enter(new Throttle.Attempt(Throttle.Door.FORGOT_PASSWORD, origin.ip(),
                new Throttle.Tenant.Slug(tenantSlug), Usernames.normalize(usernameOrEmail), origin.userAgent()));
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
