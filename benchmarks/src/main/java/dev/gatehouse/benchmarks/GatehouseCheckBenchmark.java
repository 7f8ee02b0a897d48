package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One Gatehouse check, {@code policy.check(profile, permission, resource, at)}, cycling over
 * precomputed requests drawn from the whole population.
 *
 * <p>{@code distinctRequests} sets how much memory a run touches: 1,024 requests reach at most 1,024
 * profiles, which stay in the CPU caches whatever the population; 65,536 reach most of a large
 * population, so there a check also pays for fetching its profile from main memory, as a server with
 * many active users would.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class GatehouseCheckBenchmark {

    static final int CASES = 1 << 16;

    @Param({"1000", "10000", "100000"})
    public int users;

    @Param({"1024", "65536"})
    public int distinctRequests;

    private TenantPolicy policy;
    private Profile[] allowedProfiles;
    private String[] allowedPermissions;
    private Resource[] allowedResources;
    private Profile[] deniedProfiles;
    private String[] deniedPermissions;
    private Resource[] deniedResources;
    private int mask;
    private int next;

    @Setup
    public void setUp() {
        GeneratedTenant tenant = GeneratedTenant.withUsers(users);
        policy = tenant.policy();
        List<Profile> profiles = tenant.subjects().stream().map(policy::compile).toList();
        AccessCases cases = AccessCases.draw(tenant, profiles, CASES);
        if (Integer.bitCount(distinctRequests) != 1 || distinctRequests > CASES) {
            throw new IllegalArgumentException("distinctRequests is a power of two up to " + CASES);
        }
        mask = distinctRequests - 1;
        allowedProfiles = new Profile[distinctRequests];
        allowedPermissions = new String[distinctRequests];
        allowedResources = new Resource[distinctRequests];
        deniedProfiles = new Profile[distinctRequests];
        deniedPermissions = new String[distinctRequests];
        deniedResources = new Resource[distinctRequests];
        for (int i = 0; i < distinctRequests; i++) {
            AccessCases.Case allowed = cases.allowed().get(i);
            allowedProfiles[i] = profiles.get(allowed.subject());
            allowedPermissions[i] = allowed.permission();
            allowedResources[i] = fresh(allowed.resource());
            AccessCases.Case denied = cases.denied().get(i);
            deniedProfiles[i] = profiles.get(denied.subject());
            deniedPermissions[i] = denied.permission();
            deniedResources[i] = fresh(denied.resource());
        }
    }

    /**
     * A copy allocated now, next to the previous one: a caller builds its resource just before it
     * checks, so the resource is in cache; the draw left the originals scattered among discarded ones.
     */
    static Resource fresh(Resource drawn) {
        return new Resource(drawn.type(), drawn.id(), drawn.location(), drawn.owner(), drawn.assignees(),
                drawn.attributes());
    }

    /** Requests Gatehouse allowed at setup: half through a tenant-scope grant, half through a location-scope one. */
    @Benchmark
    public Decision gatehouseAllowed() {
        int i = next++ & mask;
        return policy.check(allowedProfiles[i], allowedPermissions[i], allowedResources[i], AccessCases.AT);
    }

    /** Requests Gatehouse denied at setup: half for want of any grant, half held only elsewhere. */
    @Benchmark
    public Decision gatehouseDenied() {
        int i = next++ & mask;
        return policy.check(deniedProfiles[i], deniedPermissions[i], deniedResources[i], AccessCases.AT);
    }
}
