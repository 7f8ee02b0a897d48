package dev.gatehouse.server.oidc;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.AccountClosed;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The tenant's applications (docs/api.md, "Applications": {@code …/clients}), for the API and the
 * console alike. Every change needs {@code clients.manage}; giving a client a service account's
 * identity needs, besides, that the caller covers that account (Access.covers): nobody hands an
 * application more than they hold. Each change commits with its audit event; the secret of a
 * confidential client is answered once and stored as a hash ({@link ClientSecrets}).
 */
@Component
public class OidcClients {

    public static final String PERMISSION = "clients.manage";

    private final ClientStore store;
    private final UserStore users;
    private final Access access;
    private final Actors actors;
    private final AuditLog audit;
    private final AccessChanges changes;

    OidcClients(ClientStore store, UserStore users, Access access, Actors actors, AuditLog audit,
            AccessChanges changes) {
        this.changes = changes;
        this.store = store;
        this.users = users;
        this.access = access;
        this.actors = actors;
        this.audit = audit;
    }

    /** A registration or a change: every field may be left out of a change. */
    public record ClientRequest(@Nullable String name, @Nullable String type, @Nullable List<String> redirectUris,
            @Nullable List<String> postLogoutRedirectUris, @Nullable List<String> grantTypes,
            @Nullable List<String> scopes, @Nullable String serviceAccount, @Nullable Boolean firstParty,
            @Nullable String status) {}

    /** A new client: {@code clientSecret} only for a confidential client, and only in this answer. */
    public record Created(String clientId, @Nullable String clientSecret, ClientView client) {}

    /** A client as the API shows it. */
    public record ClientView(String clientId, String name, String type, List<String> redirectUris,
            List<String> postLogoutRedirectUris, List<String> grantTypes, List<String> scopes,
            @Nullable String serviceAccount, boolean firstParty, String status, boolean hasSecret,
            java.time.Instant createdAt, java.time.Instant updatedAt, java.time.@Nullable Instant secretRotatedAt) {

        static ClientView of(OAuthClient c) {
            return new ClientView(c.clientId(), c.name(), c.type(), c.redirectUris(), c.postLogoutRedirectUris(),
                    c.grantTypes(), c.scopes(), c.serviceAccount() == null ? null : c.serviceAccount().toString(),
                    c.firstParty(), c.status(), c.hasSecret(), c.createdAt(), c.updatedAt(), c.secretRotatedAt());
        }
    }

    /** A new secret of a confidential client, shown once; the previous one stops working at once. */
    public record RotatedSecret(String clientId, String clientSecret) {}

    @Transactional
    public Created create(Caller caller, TenantId tenant, ClientRequest request, Origin origin) {
        access.require(caller, PERMISSION, null);
        List<FieldError> errors = ClientRules.errors();
        String name = ClientRules.name(request.name(), errors);
        String type = ClientRules.type(request.type(), errors);
        List<String> redirects = ClientRules.redirectUris("redirectUris", request.redirectUris(), errors);
        List<String> postLogout = ClientRules.redirectUris("postLogoutRedirectUris", request.postLogoutRedirectUris(),
                errors);
        List<String> grants = ClientRules.grantTypes(request.grantTypes(), errors);
        List<String> scopes = ClientRules.scopes(request.scopes(), errors);
        UUID serviceAccount = serviceAccountId(request.serviceAccount(), errors);
        if (request.status() != null) {
            errors.add(new FieldError("status", "a new client is ACTIVE; disable it with PATCH"));
        }
        if (type != null) {
            ClientRules.combination(type, grants, redirects, serviceAccount != null || request.serviceAccount() != null,
                    errors);
        }
        if (!errors.isEmpty() || name == null || type == null) {
            throw ApiException.badRequest(errors);
        }
        requireServiceAccount(caller, tenant, serviceAccount);
        boolean confidential = type.equals(OAuthClient.CONFIDENTIAL);
        String secret = confidential ? ClientSecrets.generate() : null;
        OAuthClient client = new OAuthClient(tenant, UUID.randomUUID(), ClientSecrets.newClientId(), name, type,
                confidential, redirects, postLogout, grants, scopes, serviceAccount,
                Boolean.TRUE.equals(request.firstParty()), OAuthClient.ACTIVE, java.time.Instant.now(),
                java.time.Instant.now(), null);
        store.insert(client, secret == null ? null : ClientSecrets.hash(secret));
        OAuthClient stored = store.byId(tenant, client.id()).orElseThrow();
        audit.record(tenant, "CLIENT_CREATED", actors.actor(caller), target(stored), origin.ip(), origin.userAgent(),
                Map.of("client", audited(stored)));
        return new Created(stored.clientId(), secret, ClientView.of(stored));
    }

    @Transactional(readOnly = true)
    public Page<ClientView> list(Caller caller, TenantId tenant, int page, int size) {
        access.require(caller, PERMISSION, null);
        return new Page<>(store.page(tenant, page, size).stream().map(ClientView::of).toList(), page, size,
                store.count(tenant));
    }

    @Transactional(readOnly = true)
    public ClientView get(Caller caller, TenantId tenant, String clientId) {
        access.require(caller, PERMISSION, null);
        return ClientView.of(store.byClientId(tenant, clientId).orElseThrow(() -> ApiException.notFound("client")));
    }

    /**
     * Changes what the request names; {@code type} cannot change (a public client was never given a
     * secret). Disabling ({@code status: DISABLED}) refuses its tokens on every node within a second,
     * and every change reaches the clients the nodes keep ({@link #tokensChanged}).
     */
    @Transactional
    public ClientView update(Caller caller, TenantId tenant, String clientId, ClientRequest request, Origin origin) {
        access.require(caller, PERMISSION, null);
        OAuthClient before = store.byClientIdForUpdate(tenant, clientId)
                .orElseThrow(() -> ApiException.notFound("client"));
        List<FieldError> errors = ClientRules.errors();
        if (request.type() != null && !request.type().equals(before.type())) {
            errors.add(new FieldError("type", "cannot change; register a new client instead"));
        }
        String name = request.name() == null ? before.name() : ClientRules.name(request.name(), errors);
        List<String> redirects = request.redirectUris() == null ? before.redirectUris()
                : ClientRules.redirectUris("redirectUris", request.redirectUris(), errors);
        List<String> postLogout = request.postLogoutRedirectUris() == null ? before.postLogoutRedirectUris()
                : ClientRules.redirectUris("postLogoutRedirectUris", request.postLogoutRedirectUris(), errors);
        List<String> grants = request.grantTypes() == null ? before.grantTypes()
                : ClientRules.grantTypes(request.grantTypes(), errors);
        List<String> scopes = request.scopes() == null ? before.scopes() : ClientRules.scopes(request.scopes(), errors);
        UUID serviceAccount = request.serviceAccount() == null ? before.serviceAccount()
                : serviceAccountId(request.serviceAccount(), errors);
        String status = before.status();
        if (request.status() != null) {
            if (request.status().equals(OAuthClient.ACTIVE) || request.status().equals(OAuthClient.DISABLED)) {
                status = request.status();
            } else {
                errors.add(new FieldError("status", "must be ACTIVE or DISABLED"));
            }
        }
        ClientRules.combination(before.type(), grants, redirects, serviceAccount != null, errors);
        if (!errors.isEmpty() || name == null) {
            throw ApiException.badRequest(errors);
        }
        if (request.serviceAccount() != null) {
            requireServiceAccount(caller, tenant, serviceAccount);
        }
        boolean firstParty = request.firstParty() == null ? before.firstParty() : request.firstParty();
        OAuthClient after = new OAuthClient(tenant, before.id(), before.clientId(), name, before.type(),
                before.hasSecret(), redirects, postLogout, grants, scopes, serviceAccount, firstParty, status,
                before.createdAt(), before.updatedAt(), before.secretRotatedAt());
        store.update(after);
        tokensChanged(tenant);
        OAuthClient stored = store.byId(tenant, before.id()).orElseThrow();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", audited(before));
        details.put("after", audited(stored));
        audit.record(tenant, "CLIENT_UPDATED", actors.actor(caller), target(stored), origin.ip(), origin.userAgent(),
                details);
        return ClientView.of(stored);
    }

    /** Deletes the client and, with it, every authorization and token it was given. */
    @Transactional
    public void delete(Caller caller, TenantId tenant, String clientId, Origin origin) {
        access.require(caller, PERMISSION, null);
        OAuthClient client = store.byClientIdForUpdate(tenant, clientId)
                .orElseThrow(() -> ApiException.notFound("client"));
        store.delete(tenant, client.id());
        tokensChanged(tenant);
        audit.record(tenant, "CLIENT_DELETED", actors.actor(caller), target(client), origin.ip(), origin.userAgent(),
                Map.of("client", audited(client)));
    }

    /** A new secret for a confidential client; the previous one stops working at once, on every node. */
    @Transactional
    public RotatedSecret rotateSecret(Caller caller, TenantId tenant, String clientId, Origin origin) {
        access.require(caller, PERMISSION, null);
        OAuthClient client = store.byClientIdForUpdate(tenant, clientId)
                .orElseThrow(() -> ApiException.notFound("client"));
        if (client.isPublic()) {
            throw ApiException.conflict("a public client has no secret");
        }
        String secret = ClientSecrets.generate();
        store.secret(tenant, client.id(), ClientSecrets.hash(secret));
        tokensChanged(tenant);
        audit.record(tenant, "CLIENT_SECRET_ROTATED", actors.actor(caller), target(client), origin.ip(),
                origin.userAgent(), Map.of());
        return new RotatedSecret(client.clientId(), secret);
    }

    /**
     * A service account disabled or deleted takes its clients with it, in the same transaction:
     * disabled, they stop (and their tokens die); deleted, they are deleted.
     */
    @EventListener
    void accountClosed(AccountClosed closed) {
        AuditLog.Actor actor = actors.actor(closed.by());
        List<OAuthClient> affected = store.ofServiceAccountForUpdate(closed.tenant(), closed.user());
        if (!affected.isEmpty()) {
            tokensChanged(closed.tenant());
        }
        for (OAuthClient client : affected) {
            if (closed.how().equals("DELETED")) {
                store.delete(closed.tenant(), client.id());
                audit.record(closed.tenant(), "CLIENT_DELETED", actor, target(client), closed.origin().ip(),
                        closed.origin().userAgent(), Map.of("client", audited(client), "reason",
                                "its service account was deleted"));
            } else if (client.isActive()) {
                OAuthClient disabled = new OAuthClient(client.tenant(), client.id(), client.clientId(), client.name(),
                        client.type(), client.hasSecret(), client.redirectUris(), client.postLogoutRedirectUris(),
                        client.grantTypes(), client.scopes(), client.serviceAccount(), client.firstParty(),
                        OAuthClient.DISABLED, client.createdAt(), client.updatedAt(), client.secretRotatedAt());
                store.update(disabled);
                audit.record(closed.tenant(), "CLIENT_UPDATED", actor, target(client), closed.origin().ip(),
                        closed.origin().userAgent(), Map.of("before", audited(client), "after", audited(disabled),
                                "reason", "its service account was disabled"));
            }
        }
    }

    /**
     * An active client of the tenant as its consent screen names it (any signed-in user of the
     * tenant may be asked to consent, so no permission is needed to see its name).
     */
    @Transactional(readOnly = true)
    public Optional<ClientView> forConsent(TenantId tenant, String clientId) {
        return store.byClientId(tenant, clientId).filter(OAuthClient::isActive).map(ClientView::of);
    }

    /** The tenant's client for the authorization server: any status (it checks). */
    Optional<OAuthClient> find(TenantId tenant, String clientId) {
        return store.byClientId(tenant, clientId);
    }

    /**
     * A client changed (its status, its secret, what it may do) or is gone: its tokens live or die with
     * it on every node, and every node drops the clients it keeps for the token endpoint. Announced as
     * a change of the tenant's policy, as its settings are — a rare admin action, and the one
     * announcement every node already hears ({@link Verdicts} drops the tenant's verdicts,
     * {@link TenantClients} its clients).
     */
    private void tokensChanged(TenantId tenant) {
        changes.policyChanged(tenant);
    }

    private @Nullable UUID serviceAccountId(@Nullable String text, List<FieldError> errors) {
        if (text == null) {
            return null;
        }
        Optional<UUID> id = Ids.parse(text);
        if (id.isEmpty()) {
            errors.add(new FieldError("serviceAccount", "must be the id of a service account of the tenant"));
        }
        return id.orElse(null);
    }

    /** The service account exists in the tenant, is a SERVICE user, is active and covered by the caller. */
    private void requireServiceAccount(Caller caller, TenantId tenant, @Nullable UUID serviceAccount) {
        if (serviceAccount == null) {
            return;
        }
        UserAccount account = users.findForUpdate(tenant, serviceAccount)
                .filter(user -> user.kind().equals("SERVICE"))
                .orElseThrow(() -> ApiException.badRequest("serviceAccount", "is not a service account of the tenant"));
        if (!account.status().equals("ACTIVE")) {
            throw ApiException.badRequest("serviceAccount", "is " + account.status() + "; enable it first");
        }
        access.requireCovers(caller, serviceAccount, null, PERMISSION,
                "give an application the identity of");
    }

    private static AuditLog.Target target(OAuthClient client) {
        return new AuditLog.Target("client", client.clientId(), client.name());
    }

    private static Map<String, Object> audited(OAuthClient client) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", client.name());
        fields.put("type", client.type());
        fields.put("redirectUris", client.redirectUris());
        fields.put("postLogoutRedirectUris", client.postLogoutRedirectUris());
        fields.put("grantTypes", client.grantTypes());
        fields.put("scopes", client.scopes());
        fields.put("serviceAccount", client.serviceAccount() == null ? "" : client.serviceAccount().toString());
        fields.put("firstParty", client.firstParty());
        fields.put("status", client.status());
        return fields;
    }
}
