package dev.gatehouse.benchmarks;

import dev.gatehouse.engine.SubjectRelations;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Prints the heap that one million relationship tuples take in the engine's per-subject indexes
 * ({@link SubjectRelations}), measured with JOL by walking the object graph: 1,000 providers with
 * 1,000 patients each, and 100,000 providers with 10 each (the per-index overhead shows there). The
 * patients' ids are record numbers of seven or eight digits, as {@link RelationshipCheckBenchmark}
 * uses, and UUIDs (36 characters) for comparison.
 *
 * <p>Run: {@code java -Djdk.attach.allowAttachSelf=true -Djol.magicFieldOffset=true -cp
 * benchmarks/target/benchmarks.jar dev.gatehouse.benchmarks.RelationshipMemory}
 */
public final class RelationshipMemory {

    private RelationshipMemory() {
    }

    public static void main(String[] args) {
        System.out.println(VM.current().details());
        measure("1,000 providers × 1,000 patients, record numbers", RelationshipCheckBenchmark.population(1_000, 1_000));
        measure("100,000 providers × 10 patients, record numbers", RelationshipCheckBenchmark.population(100_000, 10));
        measure("1,000 providers × 1,000 patients, UUIDs", uuids(1_000, 1_000));
    }

    private static List<SubjectRelations> uuids(int subjects, int tuples) {
        java.util.Random random = new java.util.Random(7);
        List<SubjectRelations> all = new java.util.ArrayList<>(subjects);
        for (int s = 0; s < subjects; s++) {
            SubjectRelations.Builder builder = SubjectRelations.builder("bench", "provider-" + s);
            for (int n = 0; n < tuples; n++) {
                builder.tuple("assigned_provider", "patient",
                        new java.util.UUID(random.nextLong(), random.nextLong()).toString(), null);
            }
            all.add(builder.build());
        }
        return all;
    }

    private static void measure(String what, List<SubjectRelations> indexes) {
        long paths = indexes.stream().mapToLong(SubjectRelations::size).sum();
        SubjectRelations[] roots = indexes.toArray(SubjectRelations[]::new);
        // The array holding the indexes is the harness's, not theirs.
        long total = GraphLayout.parseInstance((Object) roots).totalSize() - VM.current().sizeOf(roots);
        System.out.printf("%s: %,d paths, %,d bytes, %.1f bytes per path, %.1f MB per million%n", what, paths, total,
                (double) total / paths, total / (double) paths * 1_000_000 / (1024 * 1024));
    }
}
