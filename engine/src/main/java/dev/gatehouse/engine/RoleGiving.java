package dev.gatehouse.engine;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * No escalation asked many times for one caller at one instant (a bulk import gives a role at a
 * place for every line): {@link TenantPolicy#grantsBeyond} with the caller's in-force grants
 * gathered once rather than per question, and each role's grants looked up once. Every answer is
 * the one {@code grantsBeyond} gives for the same caller, role, place and instant.
 *
 * <p>Covering is monotone in the place: a caller who covers a role held tenant-wide covers it held
 * anywhere (a covering grant is of scope TENANT, or held tenant-wide, or not at all), so a role the
 * caller covers tenant-wide is answered without comparing its grants again at each place. A role
 * not covered tenant-wide is compared at each place asked about; nothing learned at one place
 * answers another.
 *
 * <p>One caller's, for one request: not shared between threads, and not kept past the request (a
 * change of the caller's roles or of the policy is not seen by an instance made before it).
 */
public final class RoleGiving {

    private final TenantPolicy policy;
    /** The caller's in-force grants; null when the caller may give nothing (inactive, another tenant's). */
    private final @Nullable Coverage coverage;
    private final Map<String, List<Grant>> grants = new HashMap<>();
    /** Roles whose every grant the caller covers tenant-wide, hence everywhere. */
    private final Map<String, Boolean> coveredEverywhere = new HashMap<>();

    RoleGiving(TenantPolicy policy, Profile caller, Instant now) {
        this.policy = policy;
        if (!caller.policy().tenant().equals(policy.tenant()) || !policy.active() || !caller.isActiveAt(now)) {
            this.coverage = null;
        } else {
            Profile current = caller.policy() == policy ? caller : caller.recompiledFor(policy);
            this.coverage = Coverage.of(policy, current, now);
        }
    }

    /**
     * The catalog permissions that {@code role}, held at {@code location} (tenant-wide when null or
     * not a location of the tenant), would give beyond what the caller holds: as
     * {@link TenantPolicy#grantsBeyond} of the role's {@link TenantPolicy#flattenedGrants}.
     *
     * @throws IllegalArgumentException when the tenant has no such role
     */
    public List<String> beyond(String role, @Nullable String location) {
        List<Grant> held = grants.computeIfAbsent(role, policy::flattenedGrants);
        Coverage mine = coverage;
        if (mine == null) {
            return policy.everyPermissionOf(held);
        }
        if (coveredEverywhere.computeIfAbsent(role, key -> mine.beyond(held, null).isEmpty())) {
            return List.of();
        }
        String where = location != null && policy.locations().contains(location) ? location : null;
        return mine.beyond(held, where);
    }
}
