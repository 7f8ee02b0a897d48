package dev.gatehouse.engine;

import static dev.gatehouse.engine.TestPolicies.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: an index read back through {@link SubjectRelations#paths()} and built again, as the Java
 * SDK does from the server's subject document, holds the same paths and decides every request as the
 * original does, reasons included. Random indexes from a fixed seed, so a failure repeats.
 */
class RelationsReadBackTest {

    private static final TenantPolicy ACME = TestPolicies.acme().build();
    private static final List<String> RELATIONS = List.of("assigned_provider", "assigned_nurse", "shared_with",
            "viewer");
    private static final List<String> TYPES = List.of("patient", "invoice");

    @Test
    void aRebuiltIndexHoldsTheSamePathsAndDecidesTheSame() {
        Random random = new Random(14);
        Profile profile = ACME.compile(TestSubjects.read("reader_assigned", NOW));
        for (int round = 0; round < 50; round++) {
            SubjectRelations original = randomIndex(random);
            SubjectRelations rebuilt = rebuild(original);

            assertThat(rebuilt.paths()).isEqualTo(original.paths());
            for (String type : TYPES) {
                for (int id = 0; id < 12; id++) {
                    Instant at = NOW.plus(Duration.ofMinutes(random.nextInt(-600, 600)));
                    Resource resource = Resource.of(type, Integer.toString(id));
                    assertThat(ACME.check(profile, "patients.read", resource, at, RequestContext.EMPTY, rebuilt))
                            .as("%s:%d at %s", type, id, at)
                            .isEqualTo(ACME.check(profile, "patients.read", resource, at, RequestContext.EMPTY, original));
                }
            }
        }
    }

    @Test
    void aCareTeamPathKeepsTheEarlierOfTheMembershipsAndTheTuplesEnd() {
        SubjectRelations index = SubjectRelations.builder(TestPolicies.ACME, TestSubjects.ME)
                .throughCareTeam("team-5", "Cardiology A", NOW.plus(Duration.ofHours(1)), "care_team", "patient", "789",
                        NOW.plus(Duration.ofHours(2)))
                .build();

        assertThat(index.paths()).containsExactly(new RelationPath(RelationPath.Kind.CARE_TEAM, "care_team", "patient",
                "789", "team-5", "Cardiology A", NOW.plus(Duration.ofHours(1))));
    }

    /** What the SDK does with the subject document's {@code tuples} and {@code careTeams}. */
    private static SubjectRelations rebuild(SubjectRelations original) {
        SubjectRelations.Builder builder = SubjectRelations.builder(original.tenant(), original.subject());
        for (RelationPath path : original.paths()) {
            if (path.kind() == RelationPath.Kind.CARE_TEAM) {
                builder.throughCareTeam(path.careTeam(), path.careTeamName(), null, path.relation(), path.objectType(),
                        path.objectId(), path.until());
            } else {
                builder.tuple(path.relation(), path.objectType(), path.objectId(), path.until());
            }
        }
        return builder.build();
    }

    private static SubjectRelations randomIndex(Random random) {
        SubjectRelations.Builder builder = SubjectRelations.builder(TestPolicies.ACME, TestSubjects.ME);
        int tuples = random.nextInt(0, 30);
        for (int i = 0; i < tuples; i++) {
            String type = TYPES.get(random.nextInt(TYPES.size()));
            String id = Integer.toString(random.nextInt(12));
            if (random.nextInt(3) == 0) {
                int team = random.nextInt(3);
                builder.throughCareTeam("team-" + team, "Team " + team, randomEnd(random), "care_team", type, id,
                        randomEnd(random));
            } else {
                builder.tuple(RELATIONS.get(random.nextInt(RELATIONS.size())), type, id, randomEnd(random));
            }
        }
        return builder.build();
    }

    private static Instant randomEnd(Random random) {
        return random.nextBoolean() ? null : NOW.plus(Duration.ofMinutes(random.nextInt(-600, 600)));
    }
}
