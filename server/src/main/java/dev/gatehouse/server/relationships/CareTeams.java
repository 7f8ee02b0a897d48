package dev.gatehouse.server.relationships;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.relationships.Relationship.Party;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.DisplayNames;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Care teams (seed 004): named groups of clinicians, optionally at a location, separate from roles.
 * A member is a {@code user member careteam} relationship and a patient a {@code careteam care_team
 * patient} one, so the engine reaches a team's patients for its members exactly as it reaches a
 * provider's own; moving a clinician between teams never touches their roles.
 *
 * <p>Each action is checked at the team's location ({@code care_teams.*}; a team without one needs a
 * tenant-wide holder), so a clinic's manager runs the teams of their clinic. Every change is audited
 * in its transaction and reaches every node's index of the members it concerns.
 */
@Service
public class CareTeams {

    /** A team as the API shows it: its members' user ids, in the order they joined. */
    public record Team(CareTeam team, List<UUID> members) {}

    /** {@code {name, location?, members?}}; a PATCH names only what changes. */
    public record TeamRequest(@Nullable String name, @Nullable String location, @Nullable List<String> members) {}

    private final CareTeamStore teams;
    private final RelationshipStore store;
    private final UserStore users;
    private final Access access;
    private final AccessChanges changes;
    private final AuditLog audit;
    private final Clock clock;

    CareTeams(CareTeamStore teams, RelationshipStore store, UserStore users, Access access, AccessChanges changes,
            AuditLog audit, Clock clock) {
        this.teams = teams;
        this.store = store;
        this.users = users;
        this.access = access;
        this.changes = changes;
        this.audit = audit;
        this.clock = clock;
    }

    /** The teams the caller may read ({@code care_teams.read} at each team's location), by name. */
    @Transactional(readOnly = true)
    public List<Team> visible(Caller caller, TenantId tenant) {
        access.require(caller, "care_teams.read", null);
        List<Team> visible = new ArrayList<>();
        for (CareTeam team : teams.all(tenant)) {
            if (access.allows(caller, "care_teams.read", at(team))) {
                visible.add(new Team(team, store.members(tenant, team.id())));
            }
        }
        return visible;
    }

    /** Requires {@code care_teams.read} at the team's location; 404 for an unknown or foreign id. */
    @Transactional(readOnly = true)
    public Team get(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, "care_teams.read", null);
        CareTeam team = find(tenant, id);
        access.require(caller, "care_teams.read", at(team));
        return new Team(team, store.members(tenant, id));
    }

    /** The patients (and anything else) the team cares for: its {@code care_team} tuples, oldest first. */
    @Transactional(readOnly = true)
    public Page<Relationship> patients(Caller caller, TenantId tenant, UUID id, int page, int size) {
        get(caller, tenant, id);
        RelationshipStore.Filter filter = new RelationshipStore.Filter(Party.careTeam(id), Relationship.CARE_TEAM,
                null);
        return new Page<>(store.list(tenant, filter, page, size), page, size, store.count(tenant, filter));
    }

    /** Requires {@code care_teams.create} at the location (tenant-wide for a team without one). */
    @Transactional
    public Team create(Caller caller, TenantId tenant, TeamRequest request, AuditLog.Actor actor, Origin origin) {
        access.require(caller, "care_teams.create", null);
        List<FieldError> errors = new ArrayList<>();
        String name = DisplayNames.checked(request.name(), "name", errors);
        UUID location = location(tenant, request.location(), errors);
        List<UUID> members = members(tenant, request.members(), errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        access.require(caller, "care_teams.create", at(location));
        if (teams.nameTaken(tenant, name, null)) {
            throw CareTeamStore.nameInUse(name);
        }
        UUID id = UUID.randomUUID();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        teams.insert(tenant, id, name, location, now);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("location", location == null ? null : location.toString());
        details.put("members", members.stream().map(UUID::toString).toList());
        audit.record(tenant, "CARE_TEAM_CREATED", actor, target(id, name), origin.ip(), origin.userAgent(), details);
        for (UUID member : members) {
            store.insert(tenant, membership(member, id, now), actor.id());
            changes.relationshipsChanged(tenant, member);
        }
        return new Team(find(tenant, id), store.members(tenant, id));
    }

    /**
     * Renames, moves ({@code location}: an id, or empty text for none) and/or replaces the members.
     * Requires {@code care_teams.edit} at the team's location and, for a move, at the new one.
     */
    @Transactional
    public Team update(Caller caller, TenantId tenant, UUID id, TeamRequest request, boolean locationGiven,
            AuditLog.Actor actor, Origin origin) {
        access.require(caller, "care_teams.edit", null);
        CareTeam before = teams.findForUpdate(tenant, id).orElseThrow(() -> ApiException.notFound("care team " + id));
        access.require(caller, "care_teams.edit", at(before));
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? before.name() : DisplayNames.checked(request.name(), "name", errors);
        UUID location = locationGiven ? location(tenant, request.location(), errors) : before.location();
        List<UUID> members = request.members() == null ? null : members(tenant, request.members(), errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        if (locationGiven) {
            access.require(caller, "care_teams.edit", at(location));
        }
        if (!name.equalsIgnoreCase(before.name()) && teams.nameTaken(tenant, name, id)) {
            throw CareTeamStore.nameInUse(name);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        List<UUID> current = store.members(tenant, id);
        Map<String, Object> details = new LinkedHashMap<>();
        if (!name.equals(before.name()) || !java.util.Objects.equals(location, before.location())) {
            teams.update(tenant, id, name, location, now);
            details.put("name", name);
            details.put("previousName", before.name());
            details.put("location", location == null ? null : location.toString());
            details.put("previousLocation", before.location() == null ? null : before.location().toString());
            // The team's name is in its members' reasons ("member of care team …").
            current.forEach(member -> changes.relationshipsChanged(tenant, member));
        }
        if (members != null) {
            List<UUID> added = new ArrayList<>(members);
            added.removeAll(current);
            List<UUID> removed = new ArrayList<>(current);
            removed.removeAll(members);
            for (UUID member : added) {
                store.insert(tenant, membership(member, id, now), actor.id());
                changes.relationshipsChanged(tenant, member);
            }
            for (UUID member : removed) {
                store.deleteMembership(tenant, member, id);
                changes.relationshipsChanged(tenant, member);
            }
            if (!added.isEmpty() || !removed.isEmpty()) {
                details.put("membersAdded", added.stream().map(UUID::toString).toList());
                details.put("membersRemoved", removed.stream().map(UUID::toString).toList());
            }
        }
        if (!details.isEmpty()) {
            audit.record(tenant, "CARE_TEAM_UPDATED", actor, target(id, name), origin.ip(), origin.userAgent(),
                    details);
        }
        return new Team(find(tenant, id), store.members(tenant, id));
    }

    /** Deletes the team with its memberships and patients' tuples. Requires {@code care_teams.delete} there. */
    @Transactional
    public void delete(Caller caller, TenantId tenant, UUID id, AuditLog.Actor actor, Origin origin) {
        access.require(caller, "care_teams.delete", null);
        CareTeam team = teams.findForUpdate(tenant, id).orElseThrow(() -> ApiException.notFound("care team " + id));
        access.require(caller, "care_teams.delete", at(team));
        List<UUID> members = store.members(tenant, id);
        long patients = store.count(tenant, new RelationshipStore.Filter(Party.careTeam(id), null, null));
        teams.delete(tenant, id); // the team's tuples go with it (V110: on delete cascade)
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", team.name());
        details.put("members", members.stream().map(UUID::toString).toList());
        details.put("relationshipsDeleted", patients);
        audit.record(tenant, "CARE_TEAM_DELETED", actor, target(id, team.name()), origin.ip(), origin.userAgent(),
                details);
        members.forEach(member -> changes.relationshipsChanged(tenant, member));
    }

    /**
     * Adds a member; answers whether they were not one already. Requires {@code care_teams.edit} at
     * the team's location.
     */
    @Transactional
    public boolean addMember(Caller caller, TenantId tenant, UUID id, @Nullable String user, AuditLog.Actor actor,
            Origin origin) {
        access.require(caller, "care_teams.edit", null);
        CareTeam team = teams.findForUpdate(tenant, id).orElseThrow(() -> ApiException.notFound("care team " + id));
        access.require(caller, "care_teams.edit", at(team));
        List<FieldError> errors = new ArrayList<>();
        UUID member = user(tenant, "user", user, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        if (store.members(tenant, id).contains(member)) {
            return false;
        }
        store.insert(tenant, membership(member, id, clock.instant().truncatedTo(ChronoUnit.MICROS)), actor.id());
        audit.record(tenant, "CARE_TEAM_MEMBER_ADDED", actor, target(id, team.name()), origin.ip(), origin.userAgent(),
                Map.of("user", member.toString(), "username", users.username(tenant, member).orElse("")));
        changes.relationshipsChanged(tenant, member);
        return true;
    }

    /** Removes a member; 404 when the user is not one. Requires {@code care_teams.edit} at the team's location. */
    @Transactional
    public void removeMember(Caller caller, TenantId tenant, UUID id, UUID member, AuditLog.Actor actor,
            Origin origin) {
        access.require(caller, "care_teams.edit", null);
        CareTeam team = teams.findForUpdate(tenant, id).orElseThrow(() -> ApiException.notFound("care team " + id));
        access.require(caller, "care_teams.edit", at(team));
        if (store.deleteMembership(tenant, member, id) == 0) {
            throw ApiException.notFound("member " + member + " of care team " + team.name());
        }
        audit.record(tenant, "CARE_TEAM_MEMBER_REMOVED", actor, target(id, team.name()), origin.ip(),
                origin.userAgent(), Map.of("user", member.toString(),
                        "username", users.username(tenant, member).orElse("")));
        changes.relationshipsChanged(tenant, member);
    }

    /** The teams {@code user} is a member of, by name: what a reassignment would move. */
    @Transactional(readOnly = true)
    public List<CareTeam> teamsOf(TenantId tenant, UUID user) {
        List<UUID> ids = store.teamsOf(tenant, user);
        return teams.some(tenant, ids).stream()
                .sorted(java.util.Comparator.comparing((CareTeam team) -> team.name().toLowerCase(java.util.Locale.ROOT)))
                .toList();
    }

    /** A team as a resource for checks: at its location, or location-less (only a tenant-wide reach covers it). */
    public static Resource at(CareTeam team) {
        return at(team.location());
    }

    private static Resource at(@Nullable UUID location) {
        return new Resource("careteam", null, location == null ? null : location.toString(), null, Set.of(), Map.of());
    }

    private CareTeam find(TenantId tenant, UUID id) {
        return teams.find(tenant, id).orElseThrow(() -> ApiException.notFound("care team " + id));
    }

    private static Relationship membership(UUID member, UUID team, Instant now) {
        return new Relationship(UUID.randomUUID(), Party.user(member), Relationship.MEMBER, Party.careTeam(team), null,
                now);
    }

    private static AuditLog.Target target(UUID id, String name) {
        return new AuditLog.Target("careteam", id.toString(), name);
    }

    private @Nullable UUID location(TenantId tenant, @Nullable String text, List<FieldError> errors) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        UUID id = Ids.parse(text).orElse(null);
        boolean known = id != null && access.policy(tenant).map(TenantPolicy::locations)
                .map(tree -> tree.contains(id.toString())).orElse(false);
        if (!known) {
            errors.add(new FieldError("location", "no location " + text + " in this tenant"));
            return null;
        }
        return id;
    }

    private List<UUID> members(TenantId tenant, @Nullable List<String> given, List<FieldError> errors) {
        if (given == null) {
            return List.of();
        }
        Set<UUID> members = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            UUID member = user(tenant, "members[" + i + "]", given.get(i), errors);
            if (member != null) {
                members.add(member);
            }
        }
        return List.copyOf(members);
    }

    private @Nullable UUID user(TenantId tenant, String field, @Nullable String text, List<FieldError> errors) {
        UUID id = Ids.parse(text).orElse(null);
        if (id == null || users.find(tenant, id).isEmpty()) {
            errors.add(new FieldError(field, "no user " + text + " in this tenant"));
            return null;
        }
        return id;
    }
}
