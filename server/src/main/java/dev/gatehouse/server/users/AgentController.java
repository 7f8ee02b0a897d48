package dev.gatehouse.server.users;

import dev.gatehouse.engine.DecisionView;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.usertypes.AgentType;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Seed 003's agent endpoints: {@code …/users/agents?type=timer|ticket|time|billing} (also spelled
 * {@code agent_type}; timer when absent, as the seed's {@code getRequiredAgentPermission} defaults),
 * {@code …/users/assignable} and {@code ?assignable=true} (the ticket agents) and
 * {@code …/users/billing-agents}.
 */
@RestController
@RequestMapping("/api/v1/tenants/{tenant}/users")
class AgentController {

    record AgentView(String id, String username, String firstName, String lastName, @Nullable String userType,
            String layer, DecisionView.@Nullable Via via) {
        static AgentView of(Agents.Agent agent) {
            return new AgentView(agent.id().toString(), agent.username(), agent.firstName(), agent.lastName(),
                    agent.userType(), agent.layer().name(), agent.via() == null ? null : DecisionView.Via.of(agent.via()));
        }
    }

    private final Agents agents;

    AgentController(Agents agents) {
        this.agents = agents;
    }

    @Operation(summary = "Who can be handed this work?", description = """
            Seed 003's multi-layer rule, among active people shown in lists: layer USER_TYPE (their type makes them \
            agents of the feature), then ACT_AS_AGENT (they hold e.g. timers.act_as_agent there), then FALLBACK \
            (internal users holding a fallback permission tenant-wide). Readable by the feature's assigners, its \
            agents, and holders of users.read or access.check.""")
    @GetMapping("/agents")
    Page<AgentView> agents(@AuthenticationPrincipal Caller caller,
            @Parameter(description = "timer, ticket, time or billing (default timer)")
            @RequestParam(required = false) @Nullable String type,
            @Parameter(description = "seed 003's spelling of type")
            @RequestParam(name = "agent_type", required = false) @Nullable String agentType,
            @Parameter(description = "true: the ticket agents (seed 003's /users/assignable)")
            @RequestParam(required = false) @Nullable Boolean assignable,
            @Parameter(description = "agents who may act at this location (an id); the whole tenant when absent")
            @RequestParam(required = false) @Nullable String location,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantPaths.TenantRef tenant) {
        return list(caller, tenant, type(type, agentType, assignable), location, page, size);
    }

    @GetMapping("/assignable")
    Page<AgentView> assignable(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String location,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantPaths.TenantRef tenant) {
        return list(caller, tenant, AgentType.TICKET, location, page, size);
    }

    @GetMapping("/billing-agents")
    Page<AgentView> billingAgents(@AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) @Nullable String location,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant TenantPaths.TenantRef tenant) {
        return list(caller, tenant, AgentType.BILLING, location, page, size);
    }

    private Page<AgentView> list(Caller caller, TenantPaths.TenantRef tenant, AgentType type, @Nullable String location,
            int page, int size) {
        String place = location == null || location.isBlank() ? null : UserGuard.canonical(location.strip());
        Page<Agents.Agent> found = agents.list(caller, TenantScope.of(tenant), type, place, page, size);
        return new Page<>(found.items().stream().map(AgentView::of).toList(), found.page(), found.size(),
                found.total());
    }

    private static AgentType type(@Nullable String type, @Nullable String agentType, @Nullable Boolean assignable) {
        if (type != null && agentType != null && !type.strip().equals(agentType.strip())) {
            throw ApiException.badRequest("agent_type", "contradicts type; send one");
        }
        String field = type != null ? "type" : "agent_type";
        String key = type != null ? type.strip() : agentType == null ? null : agentType.strip();
        if (Boolean.TRUE.equals(assignable)) {
            if (key != null && !key.equals(AgentType.TICKET.key())) {
                throw ApiException.badRequest("assignable", "lists the ticket agents (seed 003); drop it or ask for"
                        + " type=ticket");
            }
            return AgentType.TICKET;
        }
        if (key == null) {
            return AgentType.TIMER;
        }
        return AgentType.of(key).orElseThrow(() -> ApiException.badRequest(field,
                "must be timer, ticket, time or billing"));
    }
}
