package dev.gatehouse.engine;

import static dev.gatehouse.engine.TestPolicies.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * access-model "Performance contract": an in-process check must not allocate on the allowed path.
 *
 * <p>This counts the bytes the test thread allocates (HotSpot's per-thread allocation counter,
 * exact to the byte, not a sample) over {@link #CHECKS} allowed checks after a warm-up, and
 * compares them with the same loop around no check at all. It asserts nothing about time.
 */
class AllowedPathAllocationTest {

    private static final int CHECKS = 100_000;
    private static final int WARM_UP_ROUNDS = 20;

    private static final TenantPolicy ACME = TestPolicies.acme().build();

    /** A front-desk-like subject: tenant-wide, at a region, and with a window that is open now. */
    private static final Profile PROFILE = ACME.compile(TestSubjects.me()
            .holding("reader_location", "north")
            .holding("dashboard_viewer")
            .holding("clinician_biller", "downtown").from(NOW.minus(Duration.ofDays(1))).until(NOW.plus(Duration.ofDays(1)))
            .holding("owner", "harbor")
            .build());

    /** The requests the loop cycles through, built once: each is allowed by an unconditional grant. */
    private static final String[] PERMISSIONS = {
        "patients.read", // LOCATION at north, the resource in a room two levels below
        "patients.read", // no resource: "anywhere?"
        "widgets.dashboard.billing", // wildcard grant, no resource
        "pages.settings", // OWN scope on an owned page
        "records.read", // inherited ASSIGNED grant on an assigned record
        "invoices.read", // inherited LOCATION grant, inside a validity window
        "patients.delete", // the owner's * grant, TENANT scope from a location-bound assignment
    };
    private static final Resource[] RESOURCES = {
        Resource.of("patient", "7").locatedAt("room-1"),
        null,
        null,
        Resource.of("page", "settings").ownedBy(TestSubjects.ME),
        Resource.of("record", "3").assignedTo(TestSubjects.ME).locatedAt("harbor"),
        Resource.of("invoice", "9").locatedAt("room-1"),
        Resource.of("patient", "8").locatedAt("uptown"),
    };
    private static final Instant[] TIMES = {NOW, NOW.plusSeconds(1), NOW.minus(Duration.ofHours(5))};

    /**
     * Stored relationships of the subject: patients at harbor, where the subject holds
     * patients.read only by relationship (reader_location is held at north), directly, through a
     * care team and by an expiring share, among a thousand others.
     */
    private static final SubjectRelations RELATIONS = relations();
    private static final Profile READER = ACME.compile(TestSubjects.me().holding("reader_location", "north").build());
    private static final Resource[] RELATED = {
        Resource.of("patient", "p-17").locatedAt("harbor"),
        Resource.of("patient", "team-3").locatedAt("harbor"),
        Resource.of("patient", "shared-1").locatedAt("harbor"),
    };

    private static SubjectRelations relations() {
        SubjectRelations.Builder builder = SubjectRelations.builder(TestPolicies.ACME, TestSubjects.ME);
        for (int i = 0; i < 1_000; i++) {
            builder.tuple("assigned_provider", "patient", "p-" + i, null);
        }
        builder.throughCareTeam("team", "Cardiology A", null, "care_team", "patient", "team-3", null);
        builder.tuple("shared_with", "patient", "shared-1", NOW.plus(Duration.ofDays(1)));
        return builder.build();
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @BeforeAll
    static void warmUp() {
        assertThat(THREADS.isThreadAllocatedMemorySupported()).as("the JVM counts allocated bytes per thread").isTrue();
        THREADS.setThreadAllocatedMemoryEnabled(true);
        // Fills the profile's memo of allow decisions and lets the JIT compile both loops.
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            checkMany();
            checkRelated();
            countOnly();
            THREADS.getCurrentThreadAllocatedBytes();
        }
    }

    @Test
    void everyRequestOfTheLoopIsAllowedByAnUnconditionalGrant() {
        for (int i = 0; i < PERMISSIONS.length; i++) {
            for (Instant at : TIMES) {
                Decision decision = ACME.check(PROFILE, PERMISSIONS[i], RESOURCES[i], at);
                assertThat(decision.allowed()).as("%s on %s at %s: %s", PERMISSIONS[i], RESOURCES[i], at,
                        decision.explain()).isTrue();
                assertThat(((Reason.GrantedBy) decision.reason()).grant().isConditional()).isFalse();
            }
        }
    }

    @Test
    void allowedChecksAllocateNothing() {
        long loopAlone = allocatedBy(AllowedPathAllocationTest::countOnly);
        long withChecks = allocatedBy(AllowedPathAllocationTest::checkMany);

        assertThat(withChecks)
                .as("bytes allocated by %d allowed checks (the loop and the measurement alone allocate %d)", CHECKS,
                        loopAlone)
                .isLessThanOrEqualTo(loopAlone);
    }

    @Test
    void allowedChecksThroughAStoredRelationshipAllocateNothing() {
        for (Resource resource : RELATED) {
            Decision decision = ACME.check(READER, "patients.read", resource, NOW, RequestContext.EMPTY, RELATIONS);
            assertThat(decision.allowed()).as(decision.explain()).isTrue();
            assertThat(((Reason.GrantedBy) decision.reason()).through()).as(decision.explain()).isNotNull();
        }
        long loopAlone = allocatedBy(AllowedPathAllocationTest::countOnly);
        long withChecks = allocatedBy(AllowedPathAllocationTest::checkRelated);

        assertThat(withChecks)
                .as("bytes allocated by %d checks allowed through a relationship (the loop alone allocates %d)",
                        CHECKS, loopAlone)
                .isLessThanOrEqualTo(loopAlone);
    }

    @Test
    void theCounterSeesTheFirstAllowOfAFreshProfileBuildItsDecision() {
        // A control: were the counter blind, allowedChecksAllocateNothing could not fail.
        Profile fresh = ACME.compile(TestSubjects.me().holding("reader_tenant").build());

        long before = THREADS.getCurrentThreadAllocatedBytes();
        Decision first = ACME.check(fresh, "patients.read", null, NOW);
        long after = THREADS.getCurrentThreadAllocatedBytes();

        assertThat(first.allowed()).isTrue();
        assertThat(after - before).isPositive();
    }

    /** Bytes the current thread allocates while running {@code loop}, which must do all it was asked. */
    private static long allocatedBy(Loop loop) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        int done = loop.run();
        long after = THREADS.getCurrentThreadAllocatedBytes();
        assertThat(done).isEqualTo(CHECKS);
        return after - before;
    }

    @FunctionalInterface
    private interface Loop {
        int run();
    }

    /** {@link #CHECKS} allowed checks, cycling through the requests; counts the allows. */
    private static int checkMany() {
        int allowed = 0;
        int request = 0;
        int time = 0;
        for (int i = 0; i < CHECKS; i++) {
            if (ACME.check(PROFILE, PERMISSIONS[request], RESOURCES[request], TIMES[time]).allowed()) {
                allowed++;
            }
            request = request + 1 == PERMISSIONS.length ? 0 : request + 1;
            time = time + 1 == TIMES.length ? 0 : time + 1;
        }
        return allowed;
    }

    /** {@link #CHECKS} checks allowed through the subject's stored relationships; counts the allows. */
    private static int checkRelated() {
        int allowed = 0;
        int request = 0;
        int time = 0;
        for (int i = 0; i < CHECKS; i++) {
            if (ACME.check(READER, "patients.read", RELATED[request], TIMES[time], RequestContext.EMPTY, RELATIONS)
                    .allowed()) {
                allowed++;
            }
            request = request + 1 == RELATED.length ? 0 : request + 1;
            time = time + 1 == TIMES.length ? 0 : time + 1;
        }
        return allowed;
    }

    /** The same loop, reading the same arrays, without the check. */
    private static int countOnly() {
        int counted = 0;
        int request = 0;
        int time = 0;
        for (int i = 0; i < CHECKS; i++) {
            if (PERMISSIONS[request] != null && TIMES[time] != null) {
                counted++;
            }
            request = request + 1 == PERMISSIONS.length ? 0 : request + 1;
            time = time + 1 == TIMES.length ? 0 : time + 1;
        }
        return counted;
    }
}
