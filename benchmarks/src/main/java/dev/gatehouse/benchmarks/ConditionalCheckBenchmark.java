package dev.gatehouse.benchmarks;

import dev.gatehouse.conditions.CelConditions;
import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.FieldDecisions;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.engine.packs.RolePacks;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Issue 13's checks on the clinic pack (seed 000): a grant under a CEL condition
 * ({@code resource.amount < 500}, "approve charges only if < $500") that holds and that fails, a
 * time window in the tenant's zone, an address range; and a check with fields
 * ({@code patients.read} with SSN and insurance for billing). {@code unconditionalAllowed} is the
 * same tenant's plain allow, for comparison: no condition is evaluated, nothing is allocated.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class ConditionalCheckBenchmark {

    private static final Instant AT = Instant.parse("2026-06-01T10:00:00Z");
    private static final List<String> FIELDS = List.of("ssn", "insurance");

    private TenantPolicy policy;
    private Profile clerk;
    private Profile biller;
    private Resource below;
    private Resource above;
    private Resource patient;
    private RequestContext onSite;

    @Setup
    public void setUp() {
        List<Grant> grants = List.of(
                new Grant("refunds.approve", Scope.TENANT, new Condition("resource.amount < 500")),
                new Grant("reports.read", Scope.TENANT,
                        new Condition("request.time.hour >= 8 && request.time.hour < 18")),
                new Grant("payments.process", Scope.TENANT, new Condition("request.ip in ['10.0.0.0/8']")));
        List<Condition> conditions = new ArrayList<>();
        grants.forEach(grant -> conditions.add(grant.condition()));
        policy = RolePacks.builtIn("clinic").policyFor("bench-clinic")
                .role(new Role("small_refunds", "Small refunds", "", List.of(), grants))
                .conditions(CelConditions.compile(conditions, ZoneId.of("Europe/Berlin")))
                .build();
        clerk = policy.compile(Subject.active("clerk", Assignment.tenantWide("a-1", "small_refunds"),
                Assignment.tenantWide("a-2", "front_desk")));
        biller = policy.compile(Subject.active("biller", Assignment.tenantWide("a-3", "billing")));
        below = Resource.of("refund", "r-1").withAttributes(Map.of("amount", 499));
        above = Resource.of("refund", "r-2").withAttributes(Map.of("amount", 500));
        patient = Resource.of("patient", "p-1");
        onSite = new RequestContext("10.20.30.40", Map.of());
        requireAllowed(unconditionalAllowed(), true);
        requireAllowed(conditionHolds(), true);
        requireAllowed(conditionFails(), false);
        requireAllowed(timeWindowHolds(), true);
        requireAllowed(addressRangeHolds(), true);
        if (!fieldsAllowed().allowed().equals(FIELDS)) {
            throw new IllegalStateException("billing should see SSN and insurance");
        }
    }

    private static void requireAllowed(Decision decision, boolean allowed) {
        if (decision.allowed() != allowed) {
            throw new IllegalStateException("unexpected: " + decision.explain());
        }
    }

    @Benchmark
    public Decision unconditionalAllowed() {
        return policy.check(clerk, "appointments.check_in", null, AT, RequestContext.EMPTY);
    }

    @Benchmark
    public Decision conditionHolds() {
        return policy.check(clerk, "refunds.approve", below, AT, RequestContext.EMPTY);
    }

    @Benchmark
    public Decision conditionFails() {
        return policy.check(clerk, "refunds.approve", above, AT, RequestContext.EMPTY);
    }

    @Benchmark
    public Decision timeWindowHolds() {
        return policy.check(clerk, "reports.read", null, AT, RequestContext.EMPTY);
    }

    @Benchmark
    public Decision addressRangeHolds() {
        return policy.check(clerk, "payments.process", null, AT, onSite);
    }

    @Benchmark
    public FieldDecisions fieldsAllowed() {
        return policy.checkFields(biller, "patients.read", FIELDS, patient, AT, RequestContext.EMPTY);
    }
}
