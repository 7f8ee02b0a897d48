package dev.gatehouse.server.shared;

import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;

/**
 * Who is making the request: a user of one tenant, with the {@link Credential} they presented: a
 * session of their own (then {@code sessionId} is it), an API key (no session), or an access token
 * of one of the tenant's applications (the session they signed in with through it, if any).
 * Platform operators are users of the {@code platform} tenant. A session a platform operator opened
 * to act as the user (impersonation, docs/access-model.md) names that operator in
 * {@code impersonatedBy}: the caller is then the user, and every audit event written for it says
 * who was behind it.
 */
public record Caller(TenantId tenant, String tenantSlug, UUID userId, String username, @Nullable UUID sessionId,
        List<String> requiredActions, @Nullable Impersonator impersonatedBy, Credential credential) {

    public static final String PLATFORM = "platform";

    public Caller {
        requiredActions = List.copyOf(requiredActions);
    }

    /** A caller through a session of their own, or a platform operator's impersonation session. */
    public Caller(TenantId tenant, String tenantSlug, UUID userId, String username, UUID sessionId,
            List<String> requiredActions, @Nullable Impersonator impersonatedBy) {
        this(tenant, tenantSlug, userId, username, sessionId, requiredActions, impersonatedBy,
                new Credential.SessionToken(sessionId));
    }

    /** A caller signed in as themselves. */
    public Caller(TenantId tenant, String tenantSlug, UUID userId, String username, UUID sessionId,
            List<String> requiredActions) {
        this(tenant, tenantSlug, userId, username, sessionId, requiredActions, null);
    }

    /**
     * The caller's session, for what only a signed-in person can do (sign out, prove their identity
     * again, change their password).
     *
     * @throws ApiException 403 for a credential without a session (an API key, a service's token)
     */
    public UUID requireSession(String what) {
        if (sessionId == null) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Needs a signed-in session",
                    "this request's credential (" + credential.getClass().getSimpleName()
                            + ") has no session, so it cannot " + what + "; sign in as the user to do it",
                    List.of());
        }
        return sessionId;
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
