package dev.gatehouse.server.relationships;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.relationships.Relationship.Party;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserAccount;
import dev.gatehouse.server.users.UserStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Offboarding (seed 004: "reassign their care team memberships to whoever's covering"): moves a
 * user's care-team memberships and {@code assigned_*} relationships to a colleague in one
 * transaction, audited as one {@code USER_REASSIGNED} event. Shares ({@code shared_with}) stay: they
 * were made for that person. Roles never change.
 *
 * <p>The caller acts on the leaver's access, so they must cover them (as for a lock:
 * {@code users.edit} and {@link Access#requireCovers}) and hold {@code care_teams.edit} at each team
 * moved. The colleague must be another active person of the tenant (a service account holds no
 * patients).
 */
@Service
public class Reassignments {

    /** What moved: the tuples as they now are, and the teams by name. */
    public record Reassigned(UUID from, UUID to, String toUsername, List<Relationship> moved, List<String> careTeams) {
        /** How many {@code assigned_*} tuples moved (the rest of {@link #moved} are memberships). */
        public long assigned() {
            return moved.stream().filter(r -> !r.relation().equals(Relationship.MEMBER)).count();
        }
    }

    private final RelationshipStore store;
    private final CareTeams teams;
    private final UserStore users;
    private final Access access;
    private final AccessChanges changes;
    private final AuditLog audit;

    Reassignments(RelationshipStore store, CareTeams teams, UserStore users, Access access, AccessChanges changes,
            AuditLog audit) {
        this.store = store;
        this.teams = teams;
        this.users = users;
        this.access = access;
        this.changes = changes;
        this.audit = audit;
    }

    /** What a reassignment of the user would move now: their care teams by name, and their assigned_* tuples. */
    public record Pending(List<String> careTeams, long assigned) {
        public boolean isEmpty() {
            return careTeams.isEmpty() && assigned == 0;
        }
    }

    /** What {@link #reassign} would move for {@code user}; the caller's page decides whether to offer it. */
    @Transactional(readOnly = true)
    public Pending pending(TenantId tenant, UUID user) {
        return new Pending(teams.teamsOf(tenant, user).stream().map(CareTeam::name).toList(),
                store.countAssigned(tenant, user));
    }

    /**
     * @throws ApiException 404 for an unknown or foreign user; 403 without the permissions or
     *     coverage; 400 naming {@code to} for an unknown colleague, the user themselves, an inactive
     *     account or a service account
     */
    @Transactional
    public Reassigned reassign(Caller caller, TenantId tenant, UUID user, @Nullable String to, AuditLog.Actor actor,
            Origin origin) {
        UserAccount leaver = users.find(tenant, user).orElseThrow(() -> ApiException.notFound("user " + user));
        access.require(caller, "users.edit", null);
        access.require(caller, "care_teams.edit", null);
        access.requireCovers(caller, user, null, "users.edit", "reassign the care teams and patients of");
        UUID colleagueId = Ids.parse(to).orElse(null);
        UserAccount colleague = colleagueId == null ? null : users.find(tenant, colleagueId).orElse(null);
        if (colleague == null) {
            throw ApiException.badRequest("to", "no user " + to + " in this tenant");
        }
        if (colleague.id().equals(user)) {
            throw ApiException.badRequest("to", "must be someone other than " + leaver.username());
        }
        if (!colleague.kind().equals("HUMAN")) {
            throw ApiException.badRequest("to", colleague.username() + " is a service account, which cares for nobody");
        }
        if (!colleague.status().equals("ACTIVE")) {
            throw ApiException.badRequest("to", colleague.username() + " is " + colleague.status()
                    + "; choose an active colleague");
        }
        // One order for every pair, so two reassignments between the same people cannot deadlock.
        List<Party> both = user.compareTo(colleagueId) < 0
                ? List.of(Party.user(user), Party.user(colleagueId))
                : List.of(Party.user(colleagueId), Party.user(user));
        both.forEach(party -> store.lock(tenant, party));
        List<CareTeam> moving = teams.teamsOf(tenant, user);
        for (CareTeam team : moving) {
            access.require(caller, "care_teams.edit", CareTeams.at(team));
        }
        List<Relationship> moved = store.moveAssignments(tenant, user, colleagueId);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("to", colleagueId.toString());
        details.put("toUsername", colleague.username());
        details.put("careTeams", moving.stream().map(CareTeam::name).toList());
        details.put("assigned", moved.stream().filter(r -> !r.relation().equals(Relationship.MEMBER))
                .map(r -> r.relation() + " " + r.object()).toList());
        audit.record(tenant, "USER_REASSIGNED", actor, new AuditLog.Target("user", user.toString(), leaver.username()),
                origin.ip(), origin.userAgent(), details);
        changes.relationshipsChanged(tenant, user);
        changes.relationshipsChanged(tenant, colleagueId);
        return new Reassigned(user, colleagueId, colleague.username(), moved,
                moving.stream().map(CareTeam::name).toList());
    }
}
