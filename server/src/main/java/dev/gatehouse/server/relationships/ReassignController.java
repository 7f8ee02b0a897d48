package dev.gatehouse.server.relationships;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST …/users/{id}/reassign} (docs/api.md, "Relationships, care teams, conditions, fields"). */
@RestController
class ReassignController {

    record Reassign(@Nullable String to) {}

    record ReassignedView(String from, String to, List<String> careTeams, int careTeamMemberships,
            int assignedRelationships) {}

    private final Reassignments reassignments;
    private final Actors actors;

    ReassignController(Reassignments reassignments, Actors actors) {
        this.reassignments = reassignments;
        this.actors = actors;
    }

    @Operation(summary = "Moves a user's care teams and assigned patients to a colleague", description = """
            {to: userId}: the user's care-team memberships and assigned_* relationships move to the colleague in \
            one audited transaction (USER_REASSIGNED); shares stay, roles never change. Requires users.edit, \
            covering the user (as for a lock), and care_teams.edit at each team moved. 400 naming to for the \
            user themselves, an unknown, inactive or service account.""")
    @PostMapping("/api/v1/tenants/{tenant}/users/{id}/reassign")
    ReassignedView reassign(@AuthenticationPrincipal Caller caller,
            @PathVariable String id, @RequestBody Reassign body, Origin origin, @PathTenant TenantId tenantId) {
        Reassignments.Reassigned done = reassignments.reassign(caller, tenantId, Ids.inPath(id, "user"), body.to(),
                actors.actor(caller), origin);
        int memberships = (int) done.moved().stream().filter(r -> r.relation().equals(Relationship.MEMBER)).count();
        return new ReassignedView(done.from().toString(), done.to().toString(), done.careTeams(), memberships,
                done.moved().size() - memberships);
    }
}
