package dev.gatehouse.server.oidc;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Ids;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What users consented to give third-party clients, kept in {@code oidc_consents} (V109) so that a
 * user is asked once, whichever node answers and across restarts, with {@code CONSENT_GRANTED} on
 * the record for each consent in the same transaction. A consent goes with its client or its user
 * (foreign keys); one is found only through its own tenant's issuer.
 */
@Component
class Consents implements OAuth2AuthorizationConsentService {

    private final ClientStore clients;
    private final Actors actors;
    private final AuditLog audit;
    private final TransactionTemplate transactions;
    private final JdbcClient jdbc;

    Consents(ClientStore clients, Actors actors, AuditLog audit, TransactionTemplate transactions, JdbcClient jdbc) {
        this.clients = clients;
        this.actors = actors;
        this.audit = audit;
        this.transactions = transactions;
        this.jdbc = jdbc;
    }

    @Override
    public void save(OAuth2AuthorizationConsent consent) {
        TenantIssuer.current().ifPresent(issuer -> transactions.executeWithoutResult(status -> {
            UUID user = Ids.parse(consent.getPrincipalName()).orElse(null);
            OAuthClient client = Ids.parse(consent.getRegisteredClientId())
                    .flatMap(id -> clients.byId(issuer.tenant(), id)).orElse(null);
            if (user == null || client == null) {
                return;
            }
            List<String> scopes = consent.getScopes().stream().sorted().toList();
            jdbc.sql("""
                    insert into oidc_consents (tenant_id, client_row_id, user_id, scopes, granted_at)
                    values (:tenant, :client, :user, :scopes, now())
                    on conflict (tenant_id, client_row_id, user_id)
                    do update set scopes = excluded.scopes, granted_at = excluded.granted_at
                    """).param("tenant", issuer.tenant().value()).param("client", client.id()).param("user", user)
                    .param("scopes", scopes.toArray(String[]::new)).update();
            audit.record(issuer.tenant(), "CONSENT_GRANTED", actors.of(issuer.tenant(), user, null),
                    new AuditLog.Target("client", client.clientId(), client.name()), null, null,
                    Map.of("scopes", scopes));
        }));
    }

    @Override
    public void remove(OAuth2AuthorizationConsent consent) {
        TenantIssuer.current().ifPresent(issuer -> {
            UUID user = Ids.parse(consent.getPrincipalName()).orElse(null);
            UUID client = Ids.parse(consent.getRegisteredClientId()).orElse(null);
            if (user != null && client != null) {
                jdbc.sql("delete from oidc_consents where tenant_id = :tenant and client_row_id = :client"
                        + " and user_id = :user").param("tenant", issuer.tenant().value()).param("client", client)
                        .param("user", user).update();
            }
        });
    }

    @Override
    public @Nullable OAuth2AuthorizationConsent findById(String registeredClientId, String principalName) {
        UUID user = Ids.parse(principalName).orElse(null);
        UUID client = Ids.parse(registeredClientId).orElse(null);
        return TenantIssuer.current().filter(issuer -> user != null && client != null)
                .flatMap(issuer -> jdbc.sql("select scopes from oidc_consents where tenant_id = :tenant"
                                + " and client_row_id = :client and user_id = :user")
                        .param("tenant", issuer.tenant().value()).param("client", client).param("user", user)
                        .query((rs, n) -> (String[]) rs.getArray("scopes").getArray()).optional())
                .map(scopes -> {
                    OAuth2AuthorizationConsent.Builder granted =
                            OAuth2AuthorizationConsent.withId(registeredClientId, principalName);
                    for (String scope : scopes) {
                        granted.scope(scope);
                    }
                    return granted.build();
                })
                .orElse(null);
    }
}
