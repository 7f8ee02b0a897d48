package dev.gatehouse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Profile#approximateBytes}, by which the server's cache of profiles is bounded (issue 17):
 * never below what compiling a profile allocates (its own arrays and memo; the policy's tables are
 * shared), since a cache weighing too little would outgrow its share of the heap, and not far above it:
 * beside that it counts only the subject and assignments the profile keeps (read by the server from the
 * database; literals here, so not allocated by this test).
 */
class ProfileWeightTest {

    private static final TenantPolicy ACME = TestPolicies.acme().build();

    private static long allocatedBy(Runnable work) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void theWeightIsAtLeastWhatCompilingAllocatesAndNotFarAbove() {
        Subject subject = TestSubjects.me().holding("reader_location", "north").holding("dashboard_viewer")
                .holding("owner", "harbor").build();
        for (int warm = 0; warm < 1_000; warm++) {
            ACME.compile(subject);
        }
        Profile[] kept = new Profile[1];
        long allocated = allocatedBy(() -> kept[0] = ACME.compile(subject));

        assertThat(kept[0].approximateBytes()).isBetween(allocated, allocated * 4);
    }

    @Test
    void moreAssignmentsWeighMoreAndANarrowedProfileLessThanItsOwner() {
        Profile one = ACME.compile(TestSubjects.me().holding("owner", "harbor").build());
        Profile three = ACME.compile(TestSubjects.me().holding("owner", "harbor").holding("owner", "north")
                .holding("dashboard_viewer").build());

        assertThat(three.approximateBytes()).isGreaterThan(one.approximateBytes());
        assertThat(three.narrowedTo(List.of("patients.read"), Set.of()).approximateBytes())
                .isLessThan(three.approximateBytes());
    }
}
