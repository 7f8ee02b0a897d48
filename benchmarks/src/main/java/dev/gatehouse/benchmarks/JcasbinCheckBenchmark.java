package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.TenantPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casbin.jcasbin.main.Enforcer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The same requests as {@link GatehouseCheckBenchmark} (the first 1,024 of each kind) put to jCasbin
 * holding the same policy ({@link CasbinTenant}). Setup asks both engines every request and refuses
 * to run if they disagree once.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class JcasbinCheckBenchmark {

    private static final int CASES = 1 << 10;
    private static final int MASK = CASES - 1;

    @Param({"1000", "10000", "100000"})
    public int users;

    @Param({"ROLE_FIRST", "FIELDS_FIRST"})
    public CasbinTenant.Matcher matcher;

    private Enforcer enforcer;
    private Object[][] allowed;
    private Object[][] denied;
    private int next;

    @Setup
    public void setUp() {
        GeneratedTenant tenant = GeneratedTenant.withUsers(users);
        TenantPolicy policy = tenant.policy();
        List<Profile> profiles = tenant.subjects().stream().map(policy::compile).toList();
        // The same draw as GatehouseCheckBenchmark's, so these are its first requests of each kind.
        AccessCases cases = AccessCases.draw(tenant, profiles, GatehouseCheckBenchmark.CASES);
        long start = System.nanoTime();
        enforcer = CasbinTenant.enforcer(tenant, matcher);
        long built = System.nanoTime() - start;
        System.out.printf("%njCasbin (%s) for %,d users: %s, built in %,d ms%n", matcher, users,
                CasbinTenant.size(enforcer), built / 1_000_000);
        allowed = requests(tenant, cases.allowed());
        denied = requests(tenant, cases.denied());
    }

    /** The first {@link #CASES} cases as jCasbin requests, each decided by jCasbin as by Gatehouse. */
    private Object[][] requests(GeneratedTenant tenant, List<AccessCases.Case> cases) {
        Object[][] requests = new Object[CASES][];
        for (int i = 0; i < CASES; i++) {
            AccessCases.Case drawn = cases.get(i);
            String subject = tenant.subjects().get(drawn.subject()).id();
            requests[i] = CasbinTenant.request(subject, drawn.permission(), drawn.resource());
            Decision gatehouse = drawn.decision();
            if (enforcer.enforce(requests[i]) != gatehouse.allowed()) {
                throw new IllegalStateException("jCasbin and Gatehouse disagree on " + subject + " "
                        + drawn.permission() + " at " + drawn.resource().location() + ": Gatehouse says "
                        + gatehouse.explain());
            }
        }
        return requests;
    }

    @Benchmark
    public boolean jcasbinAllowed() {
        return enforcer.enforce(allowed[next++ & MASK]);
    }

    @Benchmark
    public boolean jcasbinDenied() {
        return enforcer.enforce(denied[next++ & MASK]);
    }
}
