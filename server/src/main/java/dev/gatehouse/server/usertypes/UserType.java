package dev.gatehouse.server.usertypes;

import java.time.Instant;
import java.util.List;

/** A tenant's user type: the roles its users hold for being of it, and the features it makes them agents of. */
public record UserType(String key, String name, List<String> baseRoles, List<String> agentTypes, Instant createdAt,
        Instant updatedAt) {

    public UserType {
        baseRoles = List.copyOf(baseRoles);
        agentTypes = List.copyOf(agentTypes);
    }

    public boolean makesAgentOf(AgentType type) {
        return agentTypes.contains(type.key());
    }
}
