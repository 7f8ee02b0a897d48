package dev.gatehouse.engine;

import static dev.gatehouse.engine.TestPolicies.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Temporary access in the engine (issue 13): a role lent by its holder ("Acting Manager", seed 000)
 * and an approved elevation, on the synthetic tenant of {@link TestPolicies}. The delegate is
 * {@code me}, holding nothing but what is lent; every request is asked at {@link TestPolicies#NOW}.
 */
class TemporaryAccessTest {

    private final TenantPolicy acme = TestPolicies.acme().build();

    /**
     * lender: what the lender holds, as {@link TestSubjects#read} reads a role column, each
     * assignment of {@code source}; lent: {@code role@location} (tenant-wide without {@code @}),
     * optionally {@code from T} and {@code until T}.
     */
    @ParameterizedTest(name = "{0} ({1}) lends {2}; {3} → {4}: {5}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        lender                                  | source     | lent                                      | resource            | expected               | why
        reader_location@downtown                | DIRECT     | reader_location@downtown until now+8h     | patient:7 @downtown | allow: reader_location | Acting Manager: lent where the lender holds it
        reader_location@downtown                | DIRECT     | reader_location@room-1 until now+8h       | patient:7 @room-1   | allow: reader_location | lent below where the lender holds it
        reader_location                         | DIRECT     | reader_location@downtown until now+8h     | patient:7 @downtown | allow: reader_location | a tenant-wide holder lends at one location
        reader_location                         | DIRECT     | reader_location@downtown until now+8h     | patient:7 @uptown   | deny: scope miss       | what is lent at downtown reaches only downtown
        reader_location@downtown                | DIRECT     | reader_location@north until now+8h        | patient:7 @downtown | deny: outside validity | never more than the lender: lent above where they hold it
        reader_location@downtown                | DIRECT     | reader_location until now+8h              | patient:7 @downtown | deny: outside validity | never more than the lender: lent tenant-wide from one location
        reader_assigned@downtown                | DIRECT     | reader_location@downtown until now+8h     | patient:7 @downtown | deny: outside validity | a role the lender does not hold
        reader_location@downtown ; LOCKED       | DIRECT     | reader_location@downtown until now+8h     | patient:7 @downtown | deny: outside validity | ends when the lender is locked
        reader_location@downtown ; DISABLED     | DIRECT     | reader_location@downtown until now+8h     | patient:7 @downtown | deny: outside validity | ends when the lender is disabled
        reader_location@downtown until now-1m   | DIRECT     | reader_location@downtown until now+8h     | patient:7 @downtown | deny: outside validity | ends when the lender's own assignment ends
        reader_location@downtown from now+1h    | DIRECT     | reader_location@downtown until now+8h     | patient:7 @downtown | deny: outside validity | not before the lender holds it
        reader_location@downtown                | DIRECT     | reader_location@downtown until now        | patient:7 @downtown | deny: outside validity | an expired delegation never allows
        reader_location@downtown                | DIRECT     | reader_location@downtown from now+1h until now+8h | patient:7 @downtown | deny: outside validity | not before its start
        reader_location@downtown                | ELEVATION  | reader_location@downtown until now+8h     | patient:7 @downtown | deny: outside validity | an elevation is not lent onwards
        reader_location@downtown                | DELEGATION | reader_location@downtown until now+8h     | patient:7 @downtown | deny: outside validity | nor is a role that was itself lent
        reader_location@downtown                | SSO        | reader_location@downtown until now+8h     | patient:7 @downtown | allow: reader_location | a role from single sign-on is the lender's own
        """)
    void aDelegationAllowsOnlyWhileTheLenderHoldsTheRoleThere(String lender, String source, String lent,
            String resource, String expected, String why) {
        Subject delegate = TestSubjects.me().build().withAssignments(List.of(delegation(lender, source, lent)));
        new AccessTable(acme).assertRow(lender + " lends " + lent, delegate, "patients.read", resource, expected, why);
    }

    @Test
    void anElevationAllowsInsideItsWindowOnly() {
        Assignment elevation = new Assignment("e1", "reader_location", "downtown", NOW.minusSeconds(60),
                NOW.plusSeconds(30 * 60), AssignmentSource.ELEVATION);
        Profile profile = acme.compile(TestSubjects.me().build().withAssignments(List.of(elevation)));
        Resource patient = Resource.of("patient", "7").locatedAt("downtown");
        Decision now = acme.check(profile, "patients.read", patient, NOW);
        assertThat(now.allowed()).as(now.explain()).isTrue();
        assertThat(((Reason.GrantedBy) now.reason()).assignment().id()).as("names the elevation it used")
                .isEqualTo("e1");
        assertThat(acme.check(profile, "patients.read", patient, NOW.plusSeconds(30 * 60)).reason())
                .isInstanceOf(Reason.OutsideValidity.class);
    }

    @Test
    void aDelegationsDenialSaysTheLenderNoLongerHoldsIt() {
        Subject lender = TestSubjects.read("reader_assigned@downtown", NOW);
        Subject delegate = TestSubjects.me().build().withAssignments(List.of(Assignment.delegated("d1",
                "reader_location", "downtown", null, NOW.plusSeconds(3600), withId(lender, "boss"))));
        Decision decision = acme.check(acme.compile(delegate), "patients.read",
                Resource.of("patient", "7").locatedAt("downtown"), NOW);
        assertThat(decision.explain()).contains("lent by boss", "a lent role ends when its lender loses it");
    }

    @Test
    void aDelegationAlsoCountsForCoverageOnlyWhileBacked() {
        Subject lockedLender = withId(TestSubjects.read("owner ; LOCKED", NOW), "boss");
        Subject delegate = TestSubjects.me().build().withAssignments(List.of(Assignment.delegated("d1", "owner", null,
                null, NOW.plusSeconds(3600), lockedLender)));
        Subject target = withId(TestSubjects.read("reader_tenant", NOW), "them");
        assertThat(acme.covers(acme.compile(delegate), acme.compile(target), NOW, null).allowed())
                .as("a lent owner role of a locked lender gives no authority over others").isFalse();
        Subject backed = delegate.withAssignments(List.of(Assignment.delegated("d1", "owner", null, null,
                NOW.plusSeconds(3600), withId(TestSubjects.read("owner", NOW), "boss"))));
        assertThat(acme.covers(acme.compile(backed), acme.compile(target), NOW, null).allowed()).isTrue();
    }

    private static Assignment delegation(String lenderSpec, String source, String lent) {
        Subject read = TestSubjects.read(lenderSpec, NOW);
        AssignmentSource from = AssignmentSource.valueOf(source);
        Subject lender = withId(read, "boss").withAssignments(read.assignments().stream()
                .map(a -> from == AssignmentSource.DELEGATION
                        ? Assignment.delegated(a.id(), a.role(), a.location(), a.startsAt(), a.expiresAt(),
                                Subject.active("grand", Assignment.tenantWide("g", a.role())))
                        : new Assignment(a.id(), a.role(), a.location(), a.startsAt(), a.expiresAt(), from))
                .toList());
        Assignment shape = TestSubjects.read(lent, NOW).assignments().getFirst();
        return Assignment.delegated("lent", shape.role(), shape.location(), shape.startsAt(), shape.expiresAt(), lender);
    }

    private static Subject withId(Subject subject, String id) {
        return new Subject(id, subject.status(), subject.lockedUntil(), subject.assignments());
    }
}
