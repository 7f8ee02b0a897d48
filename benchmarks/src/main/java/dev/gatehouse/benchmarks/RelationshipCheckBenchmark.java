package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.TenantPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A check that allows only through a stored relationship (issue 13): providers hold
 * {@code patients.read} with scope {@code ASSIGNED}, and each is the assigned provider of
 * {@code tuplesPerSubject} patients, half directly and half through one of their care teams, plus an
 * expiring share. The request names the patient by type and id and no assignees, so the engine finds
 * the path in the provider's {@link SubjectRelations}; a denied check asks for a patient of nobody.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
public class RelationshipCheckBenchmark {

    static final Instant AT = AccessCases.AT;
    static final int SUBJECTS = 1_000;

    @Param({"10", "1000"})
    public int tuplesPerSubject;

    @Param({"1024", "65536"})
    public int distinctRequests;

    private TenantPolicy policy;
    private Profile[] profiles;
    private SubjectRelations[] relations;
    private Resource[] related;
    private Resource[] unrelated;
    private int[] subjectOf;
    private int mask;
    private int next;

    @Setup
    public void setUp() {
        PermissionCatalog catalog = PermissionCatalog.of(List.of(Permission.of("patients.read", "read patients")));
        policy = TenantPolicy.builder("bench", catalog)
                .role(Role.of("provider", List.of(), List.of(Grant.of("patients.read", Scope.ASSIGNED))))
                .build();
        profiles = new Profile[SUBJECTS];
        relations = new SubjectRelations[SUBJECTS];
        for (int s = 0; s < SUBJECTS; s++) {
            String id = "provider-" + s;
            profiles[s] = policy.compile(Subject.active(id, Assignment.tenantWide("a-" + s, "provider")));
            relations[s] = relationsOf(policy.tenant(), id, s, tuplesPerSubject);
        }
        mask = distinctRequests - 1;
        related = new Resource[distinctRequests];
        unrelated = new Resource[distinctRequests];
        subjectOf = new int[distinctRequests];
        Random random = new Random(42);
        for (int i = 0; i < distinctRequests; i++) {
            int s = random.nextInt(SUBJECTS);
            subjectOf[i] = s;
            related[i] = Resource.of("patient", patient(s, random.nextInt(tuplesPerSubject)));
            unrelated[i] = Resource.of("patient", "nobody-" + i);
        }
        for (int i = 0; i < distinctRequests; i++) {
            if (!relatedAllowed().allowed()) {
                throw new IllegalStateException("a related check was denied");
            }
        }
    }

    /** Patient {@code n} of provider {@code s}: a record number of seven or eight digits. */
    static String patient(int s, int n) {
        return Integer.toString(1_000_000 + s * 7_919 + n * 104_729 % 8_999_999);
    }

    /** Half the patients directly, half through a care team, and one share that ends tomorrow. */
    static SubjectRelations relationsOf(String tenant, String subject, int s, int tuples) {
        SubjectRelations.Builder builder = SubjectRelations.builder(tenant, subject);
        for (int n = 0; n < tuples; n++) {
            if (n % 2 == 0) {
                builder.tuple("assigned_provider", "patient", patient(s, n), null);
            } else {
                builder.throughCareTeam("team-" + (s % 50), "Care team " + (s % 50), null, "care_team", "patient",
                        patient(s, n), null);
            }
        }
        builder.tuple("shared_with", "patient", "shared-" + s, AT.plusSeconds(86_400));
        return builder.build();
    }

    @Benchmark
    public Decision relatedAllowed() {
        int i = next++ & mask;
        int s = subjectOf[i];
        return policy.check(profiles[s], "patients.read", related[i], AT, RequestContext.EMPTY, relations[s]);
    }

    @Benchmark
    public Decision unrelatedDenied() {
        int i = next++ & mask;
        int s = subjectOf[i];
        return policy.check(profiles[s], "patients.read", unrelated[i], AT, RequestContext.EMPTY, relations[s]);
    }

    /** For the memory harness: every provider's index at {@code tuples} per provider. */
    static List<SubjectRelations> population(int subjects, int tuples) {
        List<SubjectRelations> all = new ArrayList<>(subjects);
        for (int s = 0; s < subjects; s++) {
            all.add(relationsOf("bench", "provider-" + s, s, tuples));
        }
        return all;
    }
}
