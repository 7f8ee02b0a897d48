package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Prints the heap that 10,000 compiled profiles of the generated tenant retain beyond the policy
 * they share, measured with JOL by walking the object graph.
 *
 * <p>Each size is {@code |policy ∪ roots| − |policy| − |the roots' array|}: measuring the union in one
 * walk needs no object identity across two walks, which a GC in between would break. The profiles
 * retain their subjects (a stale profile is recompiled from its subject), so the subjects' own size
 * is printed too and the engine's share is the difference. Profiles memoise allow decisions on first
 * use, so they are measured fresh and again after every permission was checked once for each.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.gatehouse.benchmarks.ProfileMemory}
 */
public final class ProfileMemory {

    private static final int USERS = 10_000;

    private ProfileMemory() {
    }

    public static void main(String[] args) {
        GeneratedTenant tenant = GeneratedTenant.withUsers(USERS);
        TenantPolicy policy = tenant.policy();
        Subject[] subjects = tenant.subjects().toArray(Subject[]::new);
        Profile[] profiles = new Profile[subjects.length];
        int assignments = 0;
        for (int i = 0; i < subjects.length; i++) {
            profiles[i] = policy.compile(subjects[i]);
            assignments += subjects[i].assignments().size();
        }

        long shared = GraphLayout.parseInstance(policy).totalSize();
        long subjectsOnly = retained(policy, shared, subjects);
        long fresh = retained(policy, shared, profiles);
        for (Profile profile : profiles) {
            for (Permission permission : policy.catalog().permissions()) {
                // A null resource asks "anywhere?", so every held permission allows and fills its memo.
                policy.check(profile, permission.key(), null, AccessCases.AT);
            }
        }
        long warm = retained(policy, shared, profiles);

        System.out.println(VM.current().details());
        System.out.printf("Generated tenant: %,d users, %,d assignments; shared policy %,d bytes%n", USERS,
                assignments, shared);
        print("subjects alone (input the profiles keep)", subjectsOnly, 0);
        print("profiles, fresh", fresh, subjectsOnly);
        print("profiles, every permission checked once", warm, subjectsOnly);
    }

    /** Bytes reachable from {@code roots} that are not reachable from the policy, less the roots' array. */
    private static long retained(TenantPolicy policy, long shared, Object[] roots) {
        long union = GraphLayout.parseInstance(policy, roots).totalSize();
        return union - shared - VM.current().sizeOf(roots);
    }

    private static void print(String what, long bytes, long subjects) {
        if (subjects == 0) {
            System.out.printf("%-42s %,12d bytes per %,d (%,d per user)%n", what, bytes, USERS, bytes / USERS);
        } else {
            long engine = bytes - subjects;
            System.out.printf("%-42s %,12d bytes per %,d (%,d per user), of which the engine's own %,d"
                    + " (%,d per user)%n", what, bytes, USERS, bytes / USERS, engine, engine / USERS);
        }
    }
}
