package dev.gatehouse.server.access;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Credential;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Who makes a change, as the audit trail records it: the caller with the roles they hold at that
 * moment (docs/api.md, audit: {@code actor: {id, username, roles}}); where the request came from is
 * the request's one {@link dev.gatehouse.server.shared.Origin}, resolved at the edge.
 * A caller acting through an impersonated session carries its operator into the actor here, and
 * only here, so every event written for them names the operator ({@link AuditLog#record}).
 */
@Component
public class Actors {

    private final Access access;

    Actors(Access access) {
        this.access = access;
    }

    public AuditLog.Actor actor(Caller caller) {
        return of(caller, access.rolesHeld(caller.tenant(), caller.userId()));
    }

    /** A user other than the caller as an audit event's actor, with the roles they hold now. */
    public AuditLog.Actor of(TenantId tenant, UUID user, @Nullable String username) {
        return new AuditLog.Actor(user, username, access.rolesHeld(tenant, user));
    }

    /** The caller as an audit event's actor, holding {@code roles}; the one way a caller becomes an actor. */
    public static AuditLog.Actor of(Caller caller, List<String> roles) {
        return new AuditLog.Actor(caller.userId(), caller.username(), roles, caller.impersonatedBy(), via(caller));
    }

    /**
     * The credential a caller acted through, as the trail names it: nothing for a session of their
     * own; an API key by its public prefix; an application's access token by its client id.
     */
    public static Map<String, String> via(Caller caller) {
        return switch (caller.credential()) {
            case Credential.SessionToken session -> Map.of();
            case Credential.ApiKey key -> Map.of("apiKey", key.prefix());
            case Credential.AccessToken token -> Map.of("client", String.valueOf(token.clientId()));
        };
    }
}
