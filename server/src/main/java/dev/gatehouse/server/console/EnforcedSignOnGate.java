package dev.gatehouse.server.console;

import dev.gatehouse.server.authentication.PasswordSignInGate;
import dev.gatehouse.server.identityproviders.EnforcedSignOn;
import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The password step's gate for enforced single sign-on (issue 15), answering with
 * {@link EnforcedSignOn}. It lives here because authentication may not know identityproviders and
 * identityproviders may not know authentication: the console knows both.
 *
 * <p>One exception is the consent to link an existing account to a provider ({@link SsoSignInPages}):
 * its owner proves the account's password while a provider that may be enforced already vouched for
 * their verified address; refusing that password would leave the account impossible to link.
 */
@Component
class EnforcedSignOnGate implements PasswordSignInGate {

    private static final ThreadLocal<@Nullable UUID> CONSENTING = new ThreadLocal<>();

    private final EnforcedSignOn enforced;

    EnforcedSignOnGate(EnforcedSignOn enforced) {
        this.enforced = enforced;
    }

    @Override
    public boolean refusesPassword(TenantId tenant, UUID userId, String username, @Nullable String email) {
        if (userId.equals(CONSENTING.get())) {
            return false;
        }
        return enforced.refusesPassword(tenant, userId, username, email);
    }

    /** Proves {@code user}'s password for a pending link consent: the enforcement does not apply to it. */
    static <T> T duringConsent(UUID user, Supplier<T> proof) {
        CONSENTING.set(user);
        try {
            return proof.get();
        } finally {
            CONSENTING.remove();
        }
    }
}
