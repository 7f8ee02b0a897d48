package dev.gatehouse.engine;

import static dev.gatehouse.engine.TestPolicies.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * docs/access-model.md, "Scopes": {@code ASSIGNED} resolved from stored relationships when the
 * request names no assignees — directly ({@code assigned_*}), through a care team, or shared — as a
 * decision table (docs/style.md rule 11). "me" is the assigned provider of patient 123, a member of
 * care team Cardiology A (which cares for patient 789, and cared for patient 790 until an hour
 * ago), and patient 456 is shared with me until tomorrow; a share of patient 555 ended yesterday.
 */
class RelationshipsTest {

    private static final TenantPolicy ACME = TestPolicies.acme().build();

    private static final SubjectRelations MINE = SubjectRelations.builder(TestPolicies.ACME, TestSubjects.ME)
            .tuple("assigned_provider", "patient", "123", null)
            .tuple("shared_with", "patient", "456", NOW.plus(Duration.ofDays(1)))
            .tuple("shared_with", "patient", "555", NOW.minus(Duration.ofDays(1)))
            .tuple("viewer", "patient", "999", null)
            .throughCareTeam("team-5", "Cardiology A", null, "care_team", "patient", "789", null)
            .throughCareTeam("team-5", "Cardiology A", null, "care_team", "patient", "790", NOW.minus(Duration.ofHours(1)))
            .throughCareTeam("team-6", "Night shift", NOW.minus(Duration.ofMinutes(1)), "care_team", "patient", "700",
                    null)
            .build();

    private static Decision decide(String role, String permission, String resource, SubjectRelations relations) {
        Profile profile = ACME.compile(TestSubjects.read(role, NOW));
        Resource asked = null;
        if (!resource.equals("-")) {
            String[] tokens = resource.strip().split("\\s+");
            String[] typeAndId = tokens[0].split(":", 2);
            asked = Resource.of(typeAndId[0], typeAndId[1]);
            for (int i = 1; i < tokens.length; i++) {
                if (tokens[i].startsWith("@")) {
                    asked = asked.locatedAt(tokens[i].substring(1));
                } else if (tokens[i].startsWith("assignee:")) {
                    asked = asked.assignedTo(Set.of(tokens[i].substring("assignee:".length())));
                }
            }
        }
        return ACME.check(profile, permission, asked, NOW, RequestContext.EMPTY, relations);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {5}")
    @CsvSource(delimiter = '|', textBlock = """
        # role                | permission     | resource                      | expected | path                                                         | why
          reader_assigned     | patients.read  | patient:123                   | allow    | assigned provider of patient 123                              | stored assigned_provider
          reader_assigned     | patients.read  | patient:456                   | allow    | patient 456 is shared with them until 2026-06-02T12:00:00Z    | a share in force
          reader_assigned     | patients.read  | patient:789                   | allow    | member of care team Cardiology A, which cares for patient 789 | through a care team
          reader_assigned     | patients.read  | patient:555                   | deny     | -                                                             | the share ended yesterday
          reader_assigned     | patients.read  | patient:790                   | deny     | -                                                             | the team no longer cares for 790
          reader_assigned     | patients.read  | patient:700                   | deny     | -                                                             | the membership of Night shift ended
          reader_assigned     | patients.read  | patient:999                   | deny     | -                                                             | viewer is not a relation that assigns
          reader_assigned     | patients.read  | patient:124                   | deny     | -                                                             | another provider's patient
          reader_assigned     | patients.read  | invoice:123                   | deny     | -                                                             | a relationship reaches only its object's type
          reader_assigned     | patients.read  | patient:123 assignee:someone  | deny     | -                                                             | the request's assignees are the answer when it names them
          reader_assigned     | patients.read  | patient:124 assignee:me       | allow    | -                                                             | named assignees still count
          reader_location@uptown | patients.read | patient:123 @downtown       | allow    | assigned provider of patient 123                              | a wider scope implies ASSIGNED
          reader_location@uptown | patients.read | patient:124 @downtown       | deny     | -                                                             | no relationship, not at uptown
          reader_own          | patients.read  | patient:123                   | deny     | -                                                             | OWN is narrower than ASSIGNED
          biller@north        | patients.read  | patient:123                   | deny     | -                                                             | a relationship adds reach, never permissions
          reader_assigned until now-1h | patients.read | patient:123             | deny     | -                                                             | the role is no longer held
          reader_assigned; LOCKED | patients.read | patient:123                 | deny     | -                                                             | an inactive subject is denied first
        """)
    void resolvesAssignedFromStoredRelationships(String role, String permission, String resource, String expected,
            String path, String why) {
        Decision decision = decide(role, permission, resource, MINE);
        String row = role + " | " + permission + " | " + resource + " → " + expected + " (" + why + "): "
                + decision.explain();
        assertThat(decision.allowed()).as(row).isEqualTo(expected.equals("allow"));
        if (!path.equals("-")) {
            assertThat(decision.explain()).as(row).endsWith(", as " + path);
            assertThat(((Reason.GrantedBy) decision.reason()).through()).as(row).isNotNull();
        }
        if (decision.allowed() && path.equals("-")) {
            assertThat(((Reason.GrantedBy) decision.reason()).through()).as(row).isNull();
        }
    }

    @Test
    void withoutStoredRelationshipsTheSameRequestsAreDenied() {
        for (String patient : new String[] {"123", "456", "789"}) {
            assertThat(decide("reader_assigned", "patients.read", "patient:" + patient, SubjectRelations.NONE)
                    .allowed()).as(patient).isFalse();
        }
    }

    @Test
    void relationshipsOfAnotherSubjectOrTenantAreNotRead() {
        SubjectRelations someoneElses = SubjectRelations.builder(TestPolicies.ACME, "someone")
                .tuple("assigned_provider", "patient", "123", null).build();
        SubjectRelations anotherTenants = SubjectRelations.builder("globex", TestSubjects.ME)
                .tuple("assigned_provider", "patient", "123", null).build();
        assertThat(decide("reader_assigned", "patients.read", "patient:123", someoneElses).allowed()).isFalse();
        assertThat(decide("reader_assigned", "patients.read", "patient:123", anotherTenants).allowed()).isFalse();
    }

    @Test
    void theMissNamesTheResourceNotAssigned() {
        Decision decision = decide("reader_assigned", "patients.read", "patient:124", MINE);
        assertThat(decision.reason()).isInstanceOf(Reason.ScopeMiss.class);
        assertThat(decision.explain()).contains("is not assigned to patient 124");
    }

    @Test
    void anObjectWithSeveralPathsAllowsWhileAnyIsInForce() {
        SubjectRelations two = SubjectRelations.builder(TestPolicies.ACME, TestSubjects.ME)
                .tuple("shared_with", "patient", "1", NOW.plusSeconds(10))
                .tuple("assigned_nurse", "patient", "1", NOW.plusSeconds(60))
                .build();
        Profile profile = ACME.compile(TestSubjects.read("reader_assigned", NOW));
        Resource patient = Resource.of("patient", "1");
        assertThat(ACME.check(profile, "patients.read", patient, NOW.plusSeconds(30), RequestContext.EMPTY, two)
                .explain()).endsWith("as assigned nurse of patient 1 until " + NOW.plusSeconds(60));
        assertThat(ACME.check(profile, "patients.read", patient, NOW.plusSeconds(60), RequestContext.EMPTY, two)
                .allowed()).isFalse();
        assertThat(two.size()).isEqualTo(2);
    }

    @Test
    void manyObjectsAreFoundByTheirIds() {
        SubjectRelations.Builder builder = SubjectRelations.builder(TestPolicies.ACME, TestSubjects.ME);
        for (int i = 0; i < 5_000; i += 2) {
            builder.tuple("assigned_provider", "patient", "p-" + i, null);
        }
        SubjectRelations many = builder.build();
        Profile profile = ACME.compile(TestSubjects.read("reader_assigned", NOW));
        for (int i = 0; i < 5_000; i++) {
            boolean allowed = ACME.check(profile, "patients.read", Resource.of("patient", "p-" + i), NOW,
                    RequestContext.EMPTY, many).allowed();
            assertThat(allowed).as("p-" + i).isEqualTo(i % 2 == 0);
        }
    }
}
