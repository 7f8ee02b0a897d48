package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Compiling one subject's profile (1 to 3 assignments), cycling over 10,000 generated subjects. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class CompileProfileBenchmark {

    private static final int USERS = 10_000;

    private TenantPolicy policy;
    private Subject[] subjects;
    private int next;

    @Setup
    public void setUp() {
        GeneratedTenant tenant = GeneratedTenant.withUsers(USERS);
        policy = tenant.policy();
        subjects = tenant.subjects().toArray(Subject[]::new);
    }

    @Benchmark
    public Profile compileProfile() {
        Subject subject = subjects[next];
        next = next + 1 == subjects.length ? 0 : next + 1;
        return policy.compile(subject);
    }
}
