package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A rule another feature adds to the password step (issue 15): an identity provider the tenant
 * enforces for a user refuses the password. The refusal is the usual uniform one; only the trail
 * says why ({@code LOGIN_FAILED}, reason {@code SSO_ENFORCED}). Any number of beans; none refuses
 * nothing.
 */
public interface PasswordSignInGate {

    boolean refusesPassword(TenantId tenant, UUID userId, String username, @Nullable String email);
}
