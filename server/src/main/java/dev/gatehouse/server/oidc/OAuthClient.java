package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.TenantId;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One application of a tenant as stored (never its secret, only whether it has one): how it signs
 * users in ({@code type}, {@code grantTypes}, exact {@code redirectUris}), what it may ask for
 * ({@code scopes}), whose identity a client-credentials token carries ({@code serviceAccount}),
 * and whether the consent screen is skipped ({@code firstParty}).
 */
public record OAuthClient(TenantId tenant, UUID id, String clientId, String name, String type, boolean hasSecret,
        List<String> redirectUris, List<String> postLogoutRedirectUris, List<String> grantTypes, List<String> scopes,
        @Nullable UUID serviceAccount, boolean firstParty, String status, Instant createdAt, Instant updatedAt,
        @Nullable Instant secretRotatedAt) {

    public static final String CONFIDENTIAL = "confidential";
    public static final String PUBLIC = "public";
    public static final String ACTIVE = "ACTIVE";
    public static final String DISABLED = "DISABLED";

    public OAuthClient {
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        grantTypes = List.copyOf(grantTypes);
        scopes = List.copyOf(scopes);
    }

    public boolean isPublic() {
        return type.equals(PUBLIC);
    }

    public boolean isActive() {
        return status.equals(ACTIVE);
    }
}
