package dev.gatehouse.server.relationships;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code …/care-teams} (docs/api.md, "Relationships, care teams, conditions, fields"; seed 004). */
@RestController
class CareTeamController {

    record TeamView(String id, String name, @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String location,
            List<String> members, Instant createdAt, Instant updatedAt) {
        static TeamView of(CareTeams.Team team) {
            CareTeam t = team.team();
            return new TeamView(t.id().toString(), t.name(), t.location() == null ? null : t.location().toString(),
                    team.members().stream().map(UUID::toString).toList(), t.createdAt(), t.updatedAt());
        }
    }

    record NewMember(@Nullable String user) {}

    record PatientView(String relationshipId, String type, String id,
            @JsonInclude(JsonInclude.Include.ALWAYS) @Nullable Instant expiresAt) {}

    private final CareTeams teams;
    private final Actors actors;

    CareTeamController(CareTeams teams, Actors actors) {
        this.teams = teams;
        this.actors = actors;
    }

    @Operation(summary = "The care teams the caller may read", description = "Requires care_teams.read at each"
            + " team's location (tenant-wide for a team without one); by name.")
    @GetMapping("/api/v1/tenants/{tenant}/care-teams")
    Page<TeamView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId tenantId) {
        List<CareTeams.Team> visible = teams.visible(caller, tenantId);
        int from = (int) Math.min((long) page * size, visible.size());
        int to = Math.min(from + size, visible.size());
        return new Page<>(visible.subList(from, to).stream().map(TeamView::of).toList(), page, size, visible.size());
    }

    @Operation(summary = "Creates a care team", description = "{name, location?, members?: [userId]}. Requires"
            + " care_teams.create at the location (tenant-wide without one). Names are unique ignoring case (409)."
            + " Patients join by relationship careteam:<id> care_team patient:<id>.")
    @PostMapping("/api/v1/tenants/{tenant}/care-teams")
    ResponseEntity<TeamView> create(@AuthenticationPrincipal Caller caller,
            @RequestBody CareTeams.TeamRequest body, Origin origin, @PathTenant TenantPaths.TenantRef tenant) {
        TeamView created = TeamView.of(teams.create(caller, tenant.id(), body, actors.actor(caller), origin));
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/care-teams/" + created.id()))
                .body(created);
    }

    @GetMapping("/api/v1/tenants/{tenant}/care-teams/{id}")
    TeamView get(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @PathTenant TenantId tenantId) {
        return TeamView.of(teams.get(caller, tenantId, Ids.inPath(id, "care team")));
    }

    @Operation(summary = "Renames, moves and/or sets the members of a care team", description = "{name?, location?"
            + " (an id, or null for none), members?: [userId] (the whole new set)}. Requires care_teams.edit at the"
            + " team's location and, for a move, at the new one. Roles never change.")
    @PatchMapping("/api/v1/tenants/{tenant}/care-teams/{id}")
    TeamView update(@AuthenticationPrincipal Caller caller, @PathVariable String id,
            @RequestBody JsonNode body, Origin origin, @PathTenant TenantId tenantId) {
        UUID teamId = Ids.inPath(id, "care team");
        List<FieldError> problems = new ArrayList<>();
        if (!body.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object {name?, location?, members?}");
        }
        for (String field : body.propertyNames()) {
            if (!List.of("name", "location", "members").contains(field)) {
                problems.add(new FieldError(field, "unknown field; a care team has name, location and members"));
            }
        }
        String name = text(body, "name", problems);
        String location = text(body, "location", problems);
        List<String> members = null;
        JsonNode membersNode = body.get("members");
        if (membersNode != null) {
            if (!membersNode.isArray()) {
                problems.add(new FieldError("members", "must be a list of user ids"));
            } else {
                members = new ArrayList<>();
                for (JsonNode member : membersNode) {
                    members.add(member.isString() ? member.asString() : member.toString());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw ApiException.badRequest(problems);
        }
        return TeamView.of(teams.update(caller, tenantId, teamId, new CareTeams.TeamRequest(name, location, members),
                body.has("location"), actors.actor(caller), origin));
    }

    @Operation(summary = "Deletes a care team", description = "Requires care_teams.delete at the team's location;"
            + " its memberships and the tuples of the patients it cares for go with it.")
    @DeleteMapping("/api/v1/tenants/{tenant}/care-teams/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, Origin origin, @PathTenant TenantId tenantId) {
        teams.delete(caller, tenantId, Ids.inPath(id, "care team"), actors.actor(caller), origin);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Adds a member to a care team", description = "{user: userId}. Requires care_teams.edit at"
            + " the team's location. 201 when added, 200 when the user already was a member.")
    @PostMapping("/api/v1/tenants/{tenant}/care-teams/{id}/members")
    ResponseEntity<TeamView> addMember(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @RequestBody NewMember body, Origin origin, @PathTenant TenantId tenantId) {
        UUID teamId = Ids.inPath(id, "care team");
        boolean added = teams.addMember(caller, tenantId, teamId, body.user(), actors.actor(caller), origin);
        TeamView view = TeamView.of(teams.get(caller, tenantId, teamId));
        return added ? ResponseEntity.status(201).body(view) : ResponseEntity.ok(view);
    }

    @Operation(summary = "Removes a member from a care team", description = "Requires care_teams.edit at the team's"
            + " location; 404 when the user is not a member.")
    @DeleteMapping("/api/v1/tenants/{tenant}/care-teams/{id}/members/{userId}")
    ResponseEntity<Void> removeMember(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @PathVariable String userId, Origin origin, @PathTenant TenantId tenantId) {
        teams.removeMember(caller, tenantId, Ids.inPath(id, "care team"), Ids.inPath(userId, "member"),
                actors.actor(caller), origin);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "What a care team cares for", description = "Its care_team relationships (patients join a"
            + " team by relationship careteam:<id> care_team patient:<id>), oldest first. Requires care_teams.read"
            + " at the team's location.")
    @GetMapping("/api/v1/tenants/{tenant}/care-teams/{id}/patients")
    Page<PatientView> patients(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantId tenantId) {
        Page<Relationship> found = teams.patients(caller, tenantId, Ids.inPath(id, "care team"), page, size);
        return new Page<>(found.items().stream().map(r -> new PatientView(r.id().toString(), r.object().type(),
                r.object().id(), r.expiresAt())).toList(), found.page(), found.size(), found.total());
    }

    private static @Nullable String text(JsonNode body, String field, List<FieldError> problems) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            problems.add(new FieldError(field, "must be a string"));
            return null;
        }
        return node.asString();
    }
}
