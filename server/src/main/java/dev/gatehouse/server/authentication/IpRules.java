package dev.gatehouse.server.authentication;

import dev.gatehouse.server.settings.TenantSettings;
import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * The tenant's IP rules as other features may ask them: whether settings would admit a
 * user holding {@code roles} from {@code address}. The settings API asks before it stores a new
 * allowlist, so that an admin cannot lock themselves out by mistake.
 */
public final class IpRules {

    private IpRules() {}

    public static boolean admit(TenantSettings settings, Collection<String> roles, @Nullable String address) {
        return SessionRules.of(settings, roles).allows(address);
    }
}
