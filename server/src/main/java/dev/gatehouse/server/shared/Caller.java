package dev.gatehouse.server.shared;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Who is making the request: a signed-in user of one tenant, through one session. Platform
 * operators are users of the {@code platform} tenant. A session a platform operator opened to act
 * as the user (impersonation, docs/access-model.md) names that operator in {@code impersonatedBy}:
 * the caller is then the user, and every audit event written for it says who was behind it.
 */
public record Caller(TenantId tenant, String tenantSlug, UUID userId, String username, UUID sessionId,
        List<String> requiredActions, @Nullable Impersonator impersonatedBy) {

    public static final String PLATFORM = "platform";

    public Caller {
        requiredActions = List.copyOf(requiredActions);
    }

    /** A caller signed in as themselves. */
    public Caller(TenantId tenant, String tenantSlug, UUID userId, String username, UUID sessionId,
            List<String> requiredActions) {
        this(tenant, tenantSlug, userId, username, sessionId, requiredActions, null);
    }

    /**
     * Refuses what only the user themselves may do through an impersonated session: their
     * password, their second factor and recovery codes, proving their identity again, and starting
     * an impersonation.
     *
     * @throws ApiException 403 naming the operator and what is refused
     */
    public void refuseIfImpersonated(String what) {
        if (impersonatedBy != null) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Not allowed while impersonating",
                    "this session is platform operator " + impersonatedBy.username() + "'s impersonation of "
                            + username + ", which cannot " + what + "; only " + username + " can, signed in themselves",
                    List.of());
        }
    }

    public boolean isPlatformOperator() {
        return tenantSlug.equals(PLATFORM);
    }
}
