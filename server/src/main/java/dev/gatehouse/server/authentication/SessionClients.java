package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.TenantId;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Which applications (OAuth clients) a user signed in to through each session, so the session lists
 * name them (issue 12: sessions made through OpenID Connect appear in the user's list), and who
 * hears that sessions ended, so those applications' tokens end with them. The
 * authorizations are the OpenID Connect provider's, which implements this; it depends on
 * authentication, not the other way round.
 */
public interface SessionClients {

    /** The names of the clients each of {@code sessions} authorized, sorted; a session with none is absent. */
    Map<UUID, List<String>> namesBySession(TenantId tenant, Collection<UUID> sessions);

    /**
     * The sessions ended, in the current transaction: the tokens applications were given through them
     * must die on every node (the implementation announces it when it commits).
     */
    void sessionsEnded(TenantId tenant, Collection<UUID> sessions);
}
