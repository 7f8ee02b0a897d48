package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.util.UUID;

/**
 * Whether a user has registered a passkey, which counts as a confirmed second factor (issue 15).
 * The passkeys feature answers; sign-in asks through this, so it depends on no protocol package.
 */
public interface PasskeyFactors {

    boolean hasPasskey(TenantId tenant, UUID user);
}
