package dev.gatehouse.server.oidc;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.authentication.SessionClients;
import dev.gatehouse.server.shared.TenantId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The applications a user signed in to through each Gatehouse session: the clients of the
 * authorizations that session made at the authorize endpoint (kept until they expire), so the
 * user's and the admin's session lists name them. Its own small reader, since the authorizations'
 * store ({@link Authorizations}) itself asks the sessions whether they are live.
 *
 * <p>When sessions end, the users who signed in to applications through them are announced as
 * changed ({@link AccessChanges#subjectChanged}) once the ending commits: every node then drops its
 * verdicts on their tokens ({@link Verdicts}), as an API key's revocation is announced as its owner's
 * change. A session nobody signed in to an application with costs one indexed query.
 */
@Component
class SessionClientNames implements SessionClients {

    private final JdbcClient jdbc;
    private final AccessChanges changes;

    SessionClientNames(JdbcClient jdbc, AccessChanges changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    /** At most this many sessions a statement (a whole tenant's end when it is suspended may be many). */
    private static final int CHUNK = 1_000;

    @Override
    public void sessionsEnded(TenantId tenant, Collection<UUID> sessions) {
        List<UUID> ended = List.copyOf(sessions);
        Set<UUID> users = new LinkedHashSet<>();
        for (int from = 0; from < ended.size(); from += CHUNK) {
            users.addAll(jdbc.sql("""
                            select distinct user_id from oidc_authorizations
                            where tenant_id = :tenant and session_id in (:sessions) and user_id is not null
                            """)
                    .param("tenant", tenant.value())
                    .param("sessions", ended.subList(from, Math.min(ended.size(), from + CHUNK)))
                    .query(UUID.class).list());
        }
        users.forEach(user -> changes.subjectChanged(tenant, user));
    }

    @Override
    public Map<UUID, List<String>> namesBySession(TenantId tenant, Collection<UUID> sessions) {
        Map<UUID, List<String>> names = new LinkedHashMap<>();
        if (sessions.isEmpty()) {
            return names;
        }
        jdbc.sql("""
                        select distinct a.session_id, c.name
                        from oidc_authorizations a
                        join oidc_clients c on c.tenant_id = a.tenant_id and c.id = a.client_row_id
                        where a.tenant_id = :tenant and a.session_id in (:sessions)
                        order by a.session_id, c.name
                        """)
                .param("tenant", tenant.value()).param("sessions", List.copyOf(sessions))
                .query((rs, n) -> names.computeIfAbsent(rs.getObject("session_id", UUID.class),
                        session -> new ArrayList<>()).add(rs.getString("name")))
                .list();
        names.replaceAll((session, clients) -> List.copyOf(clients));
        return names;
    }
}
