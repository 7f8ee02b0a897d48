package dev.gatehouse.server.access;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Caller;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * Who makes a change, as the audit trail records it: the caller with the roles they hold at that
 * moment (docs/api.md, audit: {@code actor: {id, username, roles}}), and where the request came from.
 */
@Component
public class Actors {

    /** The actor of a change and the request's address and user agent, for {@link AuditLog#record}. */
    public record Origin(AuditLog.Actor actor, @Nullable String ip, @Nullable String userAgent) {}

    private final Access access;

    Actors(Access access) {
        this.access = access;
    }

    public Origin origin(Caller caller, HttpServletRequest request) {
        return new Origin(actor(caller), request.getRemoteAddr(), request.getHeader("User-Agent"));
    }

    public AuditLog.Actor actor(Caller caller) {
        return new AuditLog.Actor(caller.userId(), caller.username(), access.rolesHeld(caller.tenant(), caller.userId()));
    }
}
