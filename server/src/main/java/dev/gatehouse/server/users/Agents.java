package dev.gatehouse.server.users;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Reason;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.usertypes.AgentType;
import dev.gatehouse.server.usertypes.UserTypes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Agent lists per feature (seed 003, "Multi-Layer Agent Determination"): among the tenant's active,
 * visible people, first those whose user type makes them agents of the feature, then the holders of
 * its {@code *.act_as_agent} permission, then internal users (holding it through a tenant-wide
 * assignment, not at one customer account) with a fallback permission. The permission layers are
 * the engine's who-can over the cached profiles, not a check per request. Who may read the list is
 * in {@link AgentType#readers()}: whoever assigns that work, the agents themselves, and holders of
 * {@code users.read} or {@code access.check}.
 */
@Service
public class Agents {

    /** Which layer of the seed's rule made the user an agent. */
    public enum Layer { USER_TYPE, ACT_AS_AGENT, FALLBACK }

    /** An agent, with the decision that made them one (none for the user-type layer). */
    public record Agent(UUID id, String username, String firstName, String lastName, @Nullable String userType,
            Layer layer, Reason.@Nullable GrantedBy via) {}

    private static final List<String> ALWAYS_READ = List.of("users.read", "access.check");

    private final UserStore users;
    private final UserTypes userTypes;
    private final Access access;
    private final Clock clock;

    Agents(UserStore users, UserTypes userTypes, Access access, Clock clock) {
        this.users = users;
        this.userTypes = userTypes;
        this.access = access;
        this.clock = clock;
    }

    /** @param location a location id (canonical), or null for the whole tenant */
    @Transactional(readOnly = true)
    public Page<Agent> list(Caller caller, TenantScope.Scoped tenant, AgentType type, @Nullable String location,
            int page, int size) {
        TenantPolicy policy = access.policy(tenant.id()).orElseThrow(() -> ApiException.notFound("tenant"));
        if (location != null && !policy.locations().contains(location)) {
            throw ApiException.badRequest("location", "is not a location of this tenant");
        }
        Resource where = location == null ? null : Resource.at(location);
        List<String> readers = Stream.of(List.of(type.actAsAgent()), type.readers(), ALWAYS_READ)
                .flatMap(List::stream).distinct().toList();
        if (readers.stream().noneMatch(permission -> access.allows(caller, permission, where))) {
            throw ApiException.forbidden("reading the " + type.key() + " agents needs one of " + String.join(", ",
                    readers) + (location == null ? "" : " there"));
        }
        Instant now = clock.instant();
        Set<String> agentTypes = Set.copyOf(userTypes.agentTypesOf(tenant.id(), type));
        Map<UUID, Decision> actAsAgent = holders(tenant, policy, type.actAsAgent(), location, now, false);
        Map<UUID, Decision> fallback = new HashMap<>();
        for (String permission : type.fallbacks()) {
            holders(tenant, policy, permission, location, now, true).forEach(fallback::putIfAbsent);
        }
        List<Agent> agents = new ArrayList<>();
        for (UserStore.Candidate candidate : users.agentCandidates(tenant.id(), now)) {
            Agent agent = null;
            if (candidate.userType() != null && agentTypes.contains(candidate.userType())) {
                agent = agent(candidate, Layer.USER_TYPE, null);
            } else if (actAsAgent.containsKey(candidate.id())) {
                agent = agent(candidate, Layer.ACT_AS_AGENT, actAsAgent.get(candidate.id()));
            } else if (fallback.containsKey(candidate.id())) {
                agent = agent(candidate, Layer.FALLBACK, fallback.get(candidate.id()));
            }
            if (agent != null) {
                agents.add(agent);
            }
        }
        int from = (int) Math.min((long) page * size, agents.size());
        int to = (int) Math.min((long) from + size, agents.size());
        return new Page<>(agents.subList(from, to), page, size, agents.size());
    }

    private static Agent agent(UserStore.Candidate candidate, Layer layer, @Nullable Decision decision) {
        Reason.@Nullable GrantedBy via = decision != null && decision.reason() instanceof Reason.GrantedBy granted
                ? granted : null;
        return new Agent(candidate.id(), candidate.username(), candidate.firstName(), candidate.lastName(),
                candidate.userType(), layer, via);
    }

    /**
     * Who holds {@code permission} there now; {@code internal}: only through a tenant-wide assignment
     * (staff of the service provider rather than users of one customer account). A permission the
     * tenant's catalog lacks (another pack) has no holders.
     */
    private Map<UUID, Decision> holders(TenantScope.Scoped tenant, TenantPolicy policy, String permission,
            @Nullable String location, Instant now, boolean internal) {
        Map<UUID, Decision> found = new HashMap<>();
        if (!policy.catalog().contains(permission)) {
            return found;
        }
        for (Access.Holder holder : access.holders(tenant.id(), permission, location, now)) {
            if (internal && !(holder.decision().reason() instanceof Reason.GrantedBy granted
                    && granted.assignment().location() == null)) {
                continue;
            }
            found.put(holder.id(), holder.decision());
        }
        return found;
    }
}
