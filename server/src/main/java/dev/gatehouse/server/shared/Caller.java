package dev.gatehouse.server.shared;

import java.util.List;
import java.util.UUID;

/**
 * Who is making the request: a signed-in user of one tenant, through one session. Platform
 * operators are users of the {@code platform} tenant.
 */
public record Caller(TenantId tenant, String tenantSlug, UUID userId, String username, UUID sessionId,
        List<String> requiredActions) {

    public static final String PLATFORM = "platform";

    public Caller {
        requiredActions = List.copyOf(requiredActions);
    }

    public boolean isPlatformOperator() {
        return tenantSlug.equals(PLATFORM);
    }
}
