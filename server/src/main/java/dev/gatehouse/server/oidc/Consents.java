package dev.gatehouse.server.oidc;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Ids;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsent;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What users consented to give third-party clients, with {@code CONSENT_GRANTED} on the record
 * for each consent. Kept in this node's memory: a user asked again after a restart or by another
 * node consents again, which costs a click and loses nothing (the pending authorization itself
 * is in the database, so a consent may be answered on any node).
 */
@Component
class Consents implements OAuth2AuthorizationConsentService {

    private final InMemoryOAuth2AuthorizationConsentService granted = new InMemoryOAuth2AuthorizationConsentService();
    private final ClientStore clients;
    private final Actors actors;
    private final AuditLog audit;
    private final TransactionTemplate transactions;

    Consents(ClientStore clients, Actors actors, AuditLog audit, TransactionTemplate transactions) {
        this.clients = clients;
        this.actors = actors;
        this.audit = audit;
        this.transactions = transactions;
    }

    @Override
    public void save(OAuth2AuthorizationConsent consent) {
        TenantIssuer.current().ifPresent(issuer -> transactions.executeWithoutResult(status -> {
            UUID user = Ids.parse(consent.getPrincipalName()).orElse(null);
            OAuthClient client = Ids.parse(consent.getRegisteredClientId())
                    .flatMap(id -> clients.byId(issuer.tenant(), id)).orElse(null);
            if (user != null && client != null) {
                List<String> scopes = consent.getScopes().stream().sorted().toList();
                audit.record(issuer.tenant(), "CONSENT_GRANTED", actors.of(issuer.tenant(), user, null),
                        new AuditLog.Target("client", client.clientId(), client.name()), null, null,
                        Map.of("scopes", scopes));
            }
        }));
        granted.save(consent);
    }

    @Override
    public void remove(OAuth2AuthorizationConsent consent) {
        granted.remove(consent);
    }

    @Override
    public @Nullable OAuth2AuthorizationConsent findById(String registeredClientId, String principalName) {
        return granted.findById(registeredClientId, principalName);
    }

}
