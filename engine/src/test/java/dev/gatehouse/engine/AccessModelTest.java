package dev.gatehouse.engine;

import static dev.gatehouse.engine.TestPolicies.NOW;
import static dev.gatehouse.engine.TestSubjects.ME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rules of docs/access-model.md, one table per rule, on the synthetic tenant of
 * {@link TestPolicies}. The subject is always {@code me}; every request is asked at
 * {@link TestPolicies#NOW}.
 */
class AccessModelTest {

    private final TenantPolicy acme = TestPolicies.acme().build();
    private final AccessTable table = new AccessTable(acme);

    private Profile compile(TestSubjects.Builder subject) {
        return acme.compile(subject.build());
    }

    @Nested
    class Scopes {

        @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
        @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            role                     | permission    | resource                      | expected                | why
            reader_own               | patients.read | patient:7 owner:me            | allow: reader_own       | OWN: the subject owns the patient
            reader_own               | patients.read | patient:7 owner:other         | deny: scope miss        | OWN: the patient of someone else
            reader_own               | patients.read | patient:7 assignee:me         | deny: scope miss        | OWN does not reach what is only assigned
            reader_own               | patients.read | patient:7 @downtown           | deny: scope miss        | OWN does not reach a location
            reader_own               | patients.read | -                             | allow: reader_own       | no resource asks anywhere?, which any scope answers
            reader_assigned          | patients.read | patient:7 assignee:me         | allow: reader_assigned  | ASSIGNED: the subject is among the assignees
            reader_assigned          | patients.read | patient:7 assignee:me assignee:dr-who | allow           | ASSIGNED: one of several assignees is enough
            reader_assigned          | patients.read | patient:7 assignee:other      | deny: scope miss        | ASSIGNED: assigned to someone else
            reader_assigned          | patients.read | patient:7 owner:me            | allow: reader_assigned  | ASSIGNED implies OWN
            reader_assigned          | patients.read | patient:7 @downtown           | deny: scope miss        | ASSIGNED does not reach a location
            reader_assigned          | patients.read | -                             | allow                   | no resource: any scope answers
            reader_location@downtown | patients.read | patient:7 @downtown           | allow: reader_location  | LOCATION: where the role is held
            reader_location@downtown | patients.read | patient:7 @uptown             | deny: scope miss        | LOCATION: not where the role is held
            reader_location@downtown | patients.read | patient:7 @uptown assignee:me | allow                   | LOCATION implies ASSIGNED, anywhere
            reader_location@downtown | patients.read | patient:7 @harbor owner:me    | allow                   | LOCATION implies OWN, anywhere
            reader_location@downtown | patients.read | patient:7                     | deny: scope miss        | LOCATION: the patient names no location
            reader_location@downtown | patients.read | -                             | allow                   | no resource: any scope answers
            reader_tenant@downtown   | patients.read | patient:7 @harbor             | allow: reader_tenant    | TENANT reaches the whole tenant even from a location-bound assignment
            reader_tenant@downtown   | patients.read | patient:7                     | allow                   | TENANT: a patient without a location is still the tenants
            reader_tenant            | patients.read | patient:7 @uptown owner:other | allow                   | TENANT: every resource of the tenant
            reader_tenant            | patients.edit | patient:7 @uptown             | deny: no matching grant | a scope says where, never what
            """)
        void eachScopeCoversWhatItShouldAndNoMore(String role, String permission, String resource, String expected,
                String why) {
            table.assertRow(role, permission, resource, expected, why);
        }

        @Test
        void aWiderScopeImpliesEveryNarrowerOne() {
            Resource owned = Resource.of("patient", "7").ownedBy(ME).locatedAt("room-1");
            Resource assigned = Resource.of("patient", "7").assignedTo(ME).locatedAt("harbor");
            Resource atDowntown = Resource.of("patient", "7").locatedAt("room-1");
            Resource anywhere = Resource.of("patient", "7").locatedAt("harbor");
            List<Resource> narrowestFirst = List.of(owned, assigned, atDowntown, anywhere);
            List<String> rolesNarrowestFirst = List.of("reader_own", "reader_assigned", "reader_location", "reader_tenant");
            for (int held = 0; held < rolesNarrowestFirst.size(); held++) {
                Profile profile = compile(TestSubjects.me().holding(rolesNarrowestFirst.get(held), "downtown"));
                for (int reach = 0; reach < narrowestFirst.size(); reach++) {
                    Decision decision = acme.check(profile, "patients.read", narrowestFirst.get(reach), NOW);
                    assertThat(decision.allowed())
                            .as("%s@downtown on %s: %s", rolesNarrowestFirst.get(held), narrowestFirst.get(reach),
                                    decision.explain())
                            .isEqualTo(reach <= held);
                }
            }
        }

        @Test
        void scopeIncludesItselfAndEveryNarrowerScope() {
            for (Scope wider : Scope.values()) {
                for (Scope narrower : Scope.values()) {
                    assertThat(wider.includes(narrower)).as("%s includes %s", wider, narrower)
                            .isEqualTo(wider.ordinal() >= narrower.ordinal());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role             | permission                | resource                    | expected                  | why
        owner            | patients.read             | patient:7 @harbor           | allow: owner              | * covers every permission of the catalog
        owner            | widgets.dashboard.billing | -                           | allow: owner              | * covers widget keys too
        owner            | pages.settings            | -                           | allow: owner              | * covers page keys too
        owner            | patientsx.read            | -                           | allow: owner              | * covers every resource
        owner            | patients.archive          | -                           | deny: unknown permission  | * covers only what the catalog lists
        patient_admin    | patients.delete           | patient:7 @uptown           | allow: patient_admin      | patients.* covers every patients action
        patient_admin    | patients.export           | -                           | allow: patient_admin      | patients.* covers export
        patient_admin    | patientsx.read            | -                           | deny: no matching grant   | patients.* stops at the dot: patientsx is another resource
        patient_admin    | records.read              | -                           | deny: no matching grant   | patients.* covers nothing else
        dashboard_viewer | widgets.dashboard.billing | -                           | allow: dashboard_viewer   | widgets.* covers a three-segment key
        dashboard_viewer | pages.settings            | page:settings owner:me      | allow: dashboard_viewer   | pages.settings with OWN scope
        dashboard_viewer | pages.settings            | page:settings owner:other   | deny: scope miss          | the wildcard grant does not widen the page grant
        """)
    void wildcardsCoverWholeSegments(String role, String permission, String resource, String expected, String why) {
        table.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role                      | permission       | resource             | expected                                      | why
        clinician@downtown        | patients.read    | patient:7 @downtown  | allow: clinician from reader_location         | a role holds its parents grants
        clinician@downtown        | patients.read    | patient:7 @uptown    | deny: scope miss                              | an inherited grant keeps its scope
        clinician@downtown        | records.read     | record:3 assignee:me | allow: clinician from clinician               | plus its own
        clinician@downtown        | invoices.read    | invoice:1 @downtown  | deny: no matching grant                       | a clinician is not a biller
        clinician_biller@downtown | patients.read    | patient:7 @room-1    | allow: clinician_biller from reader_location  | inheritance is transitive
        clinician_biller@downtown | records.read     | record:3 assignee:me | allow: clinician_biller from clinician        | the union: the first parent
        clinician_biller@downtown | invoices.read    | invoice:1 @room-1    | allow: clinician_biller from biller           | the union: the second parent
        clinician_biller@downtown | invoices.read    | invoice:1 @uptown    | deny: scope miss                              | the union keeps each grant scope
        top                       | reports.view     | -                    | allow: top from base                          | diamond: base reached through left and right
        top                       | records.edit     | record:3 owner:me    | allow: top from left                          | diamond: the left side
        top@north                 | invoices.approve | invoice:1 @uptown    | allow: top from right                         | diamond: the right side
        top                       | patients.read    | -                    | deny: no matching grant                       | nothing beyond the union
        left                      | invoices.approve | -                    | deny: no matching grant                       | siblings share nothing
        base                      | records.edit     | -                    | deny: no matching grant                       | a parent never gains its children grants
        """)
    void inheritanceIsTheUnionOfEveryParent(String role, String permission, String resource, String expected,
            String why) {
        table.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role                                            | permission    | resource                      | expected                | why
        reader_location@north                           | patients.read | patient:7 @north              | allow                   | a role held at a region holds at the region
        reader_location@north                           | patients.read | patient:7 @downtown           | allow                   | and at the clinics below it
        reader_location@north                           | patients.read | patient:7 @room-1             | allow                   | and at the rooms below those
        reader_location@north                           | patients.read | patient:7 @south              | deny: scope miss        | not at another region
        reader_location@north                           | patients.read | patient:7 @harbor             | deny: scope miss        | nor below another region
        reader_location@downtown                        | patients.read | patient:7 @room-1             | allow                   | a role held at a clinic holds in its rooms
        reader_location@downtown                        | patients.read | patient:7 @north              | deny: scope miss        | not above where it is held
        reader_location@downtown                        | patients.read | patient:7 @uptown             | deny: scope miss        | not at a sibling clinic
        reader_location@room-1                          | patients.read | patient:7 @downtown           | deny: scope miss        | a room does not reach its clinic
        reader_location@downtown                        | patients.read | patient:7 @mars               | deny: scope miss        | not at a location the tenant does not have
        reader_location                                 | patients.read | patient:7 @harbor             | allow                   | a tenant-wide assignment holds at every location
        reader_location                                 | patients.read | patient:7 @room-1             | allow                   | at every depth
        reader_location                                 | patients.read | patient:7 @mars               | deny: scope miss        | but not at a location the tenant does not have
        reader_location                                 | patients.read | patient:7                     | allow                   | and for a resource that names no location
        reader_location@downtown                        | patients.read | patient:7 @uptown owner:me    | allow                   | still covers own resources elsewhere
        reader_location@downtown                        | patients.read | patient:7 @harbor assignee:me | allow                   | still covers assigned resources elsewhere
        reader_location@downtown + reader_location@harbor | patients.read | patient:7 @harbor            | allow                   | each assignment holds at its own location
        reader_location@downtown + reader_location@south  | patients.read | patient:7 @uptown            | deny: scope miss        | two places do not make a third
        biller@uptown + reader_location@downtown        | invoices.read | invoice:1 @downtown           | deny: scope miss        | the location goes with the role, not with the subject
        """)
    void aRoleHeldAtALocationHoldsAtAndBelowIt(String role, String permission, String resource, String expected,
            String why) {
        table.assertRow(role, permission, resource, expected, why);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role                                    | permission    | resource              | expected                | why
        reader_tenant                           | patients.read | -                     | allow                   | no bounds: always in force
        reader_tenant from now                  | patients.read | -                     | allow                   | startsAt is inclusive
        reader_tenant from now+1s               | patients.read | -                     | deny: outside validity  | not yet
        reader_tenant until now                 | patients.read | -                     | deny: outside validity  | expiresAt is exclusive
        reader_tenant until now+1s              | patients.read | -                     | allow                   | not yet expired
        reader_tenant from now-1d               | patients.read | -                     | allow                   | an open end
        reader_tenant until now+1d              | patients.read | -                     | allow                   | an open start
        reader_tenant from now-1d until now+1d  | patients.read | -                     | allow                   | inside the window
        reader_tenant from now-2d until now-1d  | patients.read | -                     | deny: outside validity  | after the window
        reader_tenant from now+1d until now+2d  | patients.read | -                     | deny: outside validity  | before the window
        reader_tenant until now + reader_own    | patients.read | patient:7 owner:me    | allow: reader_own       | the assignment still in force decides
        reader_tenant until now + reader_own    | patients.read | patient:7 owner:other | deny: scope miss        | an expired assignment never helps; the closest miss is the current one
        """)
    void anAssignmentHoldsFromItsStartUntilBeforeItsEnd(String role, String permission, String resource,
            String expected, String why) {
        table.assertRow(role, permission, resource, expected, why);
    }

    @Test
    void anAssignmentWithoutBoundsHoldsAtTheEndsOfTime() {
        Profile profile = compile(TestSubjects.me().holding("reader_tenant"));
        assertThat(profile.subject().assignments().getFirst().validAt(Instant.MAX)).isTrue();
        assertThat(acme.check(profile, "patients.read", null, Instant.MIN).allowed()).isTrue();
        assertThat(acme.check(profile, "patients.read", null, Instant.MAX).allowed()).isTrue();
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role                               | permission    | resource           | expected               | why
        owner; INVITED                     | patients.read | -                  | deny: inactive subject | access-model step 1: an invited user has not accepted yet
        owner; DISABLED                    | patients.read | -                  | deny: inactive subject | step 1: even an owner with *
        owner; LOCKED                      | patients.read | patient:7 owner:me | deny: inactive subject | step 1: locked by an admin, even for own resources
        owner; locked until now+1m         | patients.read | -                  | deny: inactive subject | step 1: a temporary lockout still running
        owner; locked until now            | patients.read | -                  | allow                  | the lockout ends at lockedUntil
        owner; locked until now-1m         | patients.read | -                  | allow                  | a past lockout is over
        owner; ACTIVE                      | patients.read | -                  | allow                  | active
        nothing; DISABLED                  | patients.read | -                  | deny: inactive subject | the state is decided before any grant is looked for
        reader_tenant until now; DISABLED  | patients.read | -                  | deny: inactive subject | before validity windows too
        owner; account expires now+1d      | patients.read | -                  | allow                  | issue 13: a contractor before their account's end
        owner; account expires now         | patients.read | -                  | deny: expired subject  | issue 13: the account ends at expiresAt
        owner; account expires now-1d      | patients.read | patient:7 owner:me | deny: expired subject  | an expired contractor, even for own resources
        """)
    void anInactiveSubjectIsDeniedBeforeAnythingElse(String role, String permission, String resource, String expected,
            String why) {
        table.assertRow(role, permission, resource, expected, why);
    }

    @Test
    void anInactiveSubjectIsToldSoEvenForAnUnknownPermission() {
        Profile disabled = compile(TestSubjects.me().holding("owner").status(SubjectStatus.DISABLED));
        assertThat(acme.check(disabled, "patients.archive", null, NOW).reason())
                .isInstanceOf(Reason.InactiveSubject.class);
    }

    @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
        role          | permission       | resource | expected                 | why
        owner         | patients.archive | -        | deny: unknown permission | not in the catalog, even for *
        owner         | *                | -        | deny: unknown permission | a wildcard is a grant pattern, not a question
        owner         | patients.*       | -        | deny: unknown permission | nor is resource.*
        owner         | patients         | -        | deny: unknown permission | a resource alone is no permission
        nothing       | ghosts.read      | -        | deny: unknown permission | whoever asks
        """)
    void aPermissionOutsideTheCatalogIsDenied(String role, String permission, String resource, String expected,
            String why) {
        table.assertRow(role, permission, resource, expected, why);
    }

    @Test
    void anInactiveTenantDeniesEveryone() {
        TenantPolicy suspended = TestPolicies.acme().active(false).build();
        Decision decision = suspended.check(suspended.compile(TestSubjects.me().holding("owner").build()),
                "patients.read", null, NOW);

        assertThat(decision.allowed()).isFalse();
        assertThat(decision.reason()).isEqualTo(new Reason.InactiveTenant(TestPolicies.ACME));
    }

    @Nested
    class Conditions {

        @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
        @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            role                   | permission       | resource              | expected               | why
            approver               | invoices.approve | invoice:1 amount=100  | deny: condition failed | no condition language: a condition cannot be evaluated and never allows
            approver               | invoices.approve | -                     | deny: condition failed | not even anywhere
            approver + owner       | invoices.approve | invoice:1 amount=100  | allow: owner           | an unconditional grant of another role still allows
            """)
        void aConditionalGrantNeverAllowsWithoutAConditionLanguage(String role, String permission, String resource,
                String expected, String why) {
            table.assertRow(role, permission, resource, expected, why);
        }

        @ParameterizedTest(name = "{0} | {1} | {2} → {3}: {4}")
        @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            role                   | permission       | resource              | expected               | why
            approver               | invoices.approve | invoice:1 amount=100  | allow: approver        | resource.amount < 500 holds
            approver               | invoices.approve | invoice:1 amount=900  | deny: condition failed | resource.amount < 500 fails
            approver               | invoices.approve | invoice:1             | deny: condition failed | a missing attribute cannot be evaluated, so it denies
            approver               | invoices.approve | -                     | deny: condition failed | no resource, no amount
            """)
        void aConditionalGrantAllowsWhenItsConditionHolds(String role, String permission, String resource,
                String expected, String why) {
            new AccessTable(TestPolicies.acme().conditions(TestPolicies.AMOUNT_BELOW_500).build())
                    .assertRow(role, permission, resource, expected, why);
        }

        @Test
        void aConditionThatCannotBeEvaluatedSaysWhy() {
            Decision decision = acme.check(compile(TestSubjects.me().holding("approver")), "invoices.approve",
                    Resource.of("invoice", "1"), NOW);

            assertThat(decision.reason()).isInstanceOfSatisfying(Reason.ConditionFailed.class, failed -> {
                assertThat(failed.permission()).isEqualTo("invoices.approve");
                assertThat(failed.role()).isEqualTo("approver");
                assertThat(failed.condition()).isEqualTo(new Condition("resource.amount < 500"));
                assertThat(failed.why()).startsWith("cannot be evaluated: ");
            });
        }

        @Test
        void aConditionThatHoldsIsNamedInTheGrant() {
            TenantPolicy agreeable = TestPolicies.acme().conditions(TestPolicies.ALWAYS_HOLDS).build();
            Decision decision = agreeable.check(agreeable.compile(TestSubjects.me().holding("approver").build()),
                    "invoices.approve", null, NOW);

            assertThat(decision.reason()).isInstanceOfSatisfying(Reason.GrantedBy.class, granted ->
                    assertThat(granted.grant().condition()).isEqualTo(new Condition("resource.amount < 500")));
        }
    }

    @Nested
    class Reasons {

        @Test
        void anAllowNamesTheRoleTheAssignmentAndTheGrant() {
            Profile profile = compile(TestSubjects.me().holding("reader_location", "downtown"));

            Decision decision = acme.check(profile, "patients.read", Resource.of("patient", "7").locatedAt("room-1"), NOW);

            assertThat(decision.reason()).isEqualTo(new Reason.GrantedBy("reader_location",
                    Assignment.at("reader_location@downtown", "reader_location", "downtown"),
                    Grant.of("patients.read", Scope.LOCATION), "reader_location"));
        }

        @Test
        void anInheritedAllowNamesTheRoleThatDeclaredTheGrant() {
            Profile profile = compile(TestSubjects.me().holding("reader_own").holding("clinician_biller", "north"));

            Decision decision = acme.check(profile, "patients.read", Resource.of("patient", "7").locatedAt("uptown"), NOW);

            assertThat(decision.reason()).isInstanceOfSatisfying(Reason.GrantedBy.class, granted -> {
                assertThat(granted.role()).isEqualTo("clinician_biller");
                assertThat(granted.assignment().id()).isEqualTo("clinician_biller@north");
                assertThat(granted.grant()).isEqualTo(Grant.of("patients.read", Scope.LOCATION));
                assertThat(granted.declaredBy()).isEqualTo("reader_location");
            });
            assertThat(decision.explain()).contains("clinician_biller", "north", "inherited from reader_location");
        }

        @Test
        void aScopeMissNamesTheWidestScopeHeldAndWhyItMisses() {
            Profile profile = compile(TestSubjects.me().holding("reader_own").holding("reader_location", "downtown")
                    .holding("reader_assigned"));

            Decision decision = acme.check(profile, "patients.read",
                    Resource.of("patient", "7").locatedAt("uptown").ownedBy("other"), NOW);

            assertThat(decision.reason()).isEqualTo(new Reason.ScopeMiss("patients.read", Scope.LOCATION,
                    "reader_location", "uptown is not within downtown, where the role is held"));
        }

        @ParameterizedTest(name = "{0} on {1}: {3}")
        @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = """
            role                     | resource              | held     | why
            reader_own               | patient:7 owner:other | OWN      | does not own patient 7
            reader_assigned          | patient:7 @downtown   | ASSIGNED | is not assigned to patient 7
            reader_location@downtown | patient:7             | LOCATION | holds it only at downtown and patient 7 names no location
            reader_location@downtown | patient:7 @mars       | LOCATION | mars is not a location of this tenant
            reader_location@downtown | patient:7 @north      | LOCATION | north is not within downtown, where the role is held
            """)
        void aScopeMissSaysWhatIsMissing(String role, String resource, Scope held, String why) {
            Decision decision = table.decide(role, "patients.read", resource);

            assertThat(decision.reason()).isEqualTo(new Reason.ScopeMiss("patients.read", held,
                    role.split("@")[0].strip(), why.strip()));
        }

        @Test
        void anExpiredAssignmentIsNamedWithTheTimeAsked() {
            Assignment expired = Assignment.tenantWide("last-month", "reader_tenant")
                    .during(NOW.minus(Duration.ofDays(60)), NOW.minus(Duration.ofDays(30)));
            Profile profile = compile(TestSubjects.me().with(expired));

            assertThat(acme.check(profile, "patients.read", null, NOW).reason())
                    .isEqualTo(new Reason.OutsideValidity("patients.read", expired, NOW));
        }

        @Test
        void noGrantAtAllNamesThePermission() {
            Profile profile = compile(TestSubjects.me().holding("biller"));

            assertThat(acme.check(profile, "patients.read", null, NOW).reason())
                    .isEqualTo(new Reason.NoMatchingGrant("patients.read"));
        }

        @Test
        void anUnknownPermissionIsNamed() {
            Profile profile = compile(TestSubjects.me().holding("owner"));

            assertThat(acme.check(profile, "patients.archive", null, NOW).reason())
                    .isEqualTo(new Reason.UnknownPermission("patients.archive"));
        }

        @Test
        void anInactiveSubjectIsNamedWithItsStateAndLockout() {
            Instant later = NOW.plus(Duration.ofMinutes(15));
            Profile locked = compile(TestSubjects.me().holding("owner").lockedUntil(later));
            Profile disabled = compile(TestSubjects.me().holding("owner").status(SubjectStatus.DISABLED));

            assertThat(acme.check(locked, "patients.read", null, NOW).reason())
                    .isEqualTo(new Reason.InactiveSubject(SubjectStatus.ACTIVE, later));
            assertThat(acme.check(disabled, "patients.read", null, NOW).reason())
                    .isEqualTo(new Reason.InactiveSubject(SubjectStatus.DISABLED, null));
        }

        @Test
        void anExpiredAccountIsNamedWithItsEndUnlessItsStateSaysMore() {
            Instant ended = NOW.minus(Duration.ofDays(1));
            Profile expired = compile(TestSubjects.me().holding("owner").accountExpires(ended));
            Profile disabledToo = compile(TestSubjects.me().holding("owner").accountExpires(ended)
                    .status(SubjectStatus.DISABLED));

            assertThat(acme.check(expired, "patients.read", null, NOW).reason())
                    .isEqualTo(new Reason.ExpiredSubject(ended));
            assertThat(acme.check(disabledToo, "patients.read", null, NOW).reason())
                    .isEqualTo(new Reason.InactiveSubject(SubjectStatus.DISABLED, null));
            assertThat(acme.effectivePermissions(expired, NOW, null)).isEmpty();
        }

        @Test
        void aProfileOfAnotherTenantIsForeignEvenWithTheSameIds() {
            TenantPolicy other = TestPolicies.tenant("other-clinic").build();
            Profile ours = compile(TestSubjects.me().holding("owner"));

            Decision decision = other.check(ours, "patients.read", null, NOW);

            assertThat(decision.allowed()).isFalse();
            assertThat(decision.reason()).isEqualTo(new Reason.ForeignProfile("other-clinic", TestPolicies.ACME));
        }
    }

    @Nested
    class PolicyChanges {

        @Test
        void aStaleProfileIsAnsweredWithTheCurrentPolicy() {
            Profile compiledBefore = compile(TestSubjects.me().holding("reader_own"));
            // access-model "Role": editing a role changes what every holder may do, at once.
            TenantPolicy edited = TestPolicies.acmeWith(
                    TestPolicies.role("reader_own", Grant.of("patients.read", Scope.TENANT))).build();
            Resource someoneElses = Resource.of("patient", "7").ownedBy("other");

            assertThat(acme.check(compiledBefore, "patients.read", someoneElses, NOW).allowed()).isFalse();
            Decision decision = edited.check(compiledBefore, "patients.read", someoneElses, NOW);
            assertThat(decision.allowed()).as(decision.explain()).isTrue();
            assertThat(((Reason.GrantedBy) decision.reason()).grant()).isEqualTo(Grant.of("patients.read", Scope.TENANT));
        }

        @Test
        void aStaleProfileLosesWhatTheCurrentPolicyNoLongerGrants() {
            Profile compiledBefore = compile(TestSubjects.me().holding("patient_admin"));
            TenantPolicy narrowed = TestPolicies.acmeWith(
                    TestPolicies.role("patient_admin", Grant.of("patients.read"))).build();

            assertThat(narrowed.check(compiledBefore, "patients.delete", null, NOW).reason())
                    .isEqualTo(new Reason.NoMatchingGrant("patients.delete"));
            assertThat(narrowed.check(compiledBefore, "patients.read", null, NOW).allowed()).isTrue();
        }

        @Test
        void aStaleProfileWhoseRoleWasRemovedIsDeniedNotThrown() {
            Profile compiledBefore = compile(TestSubjects.me().holding("dashboard_viewer").holding("reader_tenant"));
            TenantPolicy withoutDashboards = TestPolicies.acmeWithout("dashboard_viewer").build();

            assertThatCode(() -> withoutDashboards.check(compiledBefore, "widgets.dashboard.billing", null, NOW))
                    .doesNotThrowAnyException();
            assertThat(withoutDashboards.check(compiledBefore, "widgets.dashboard.billing", null, NOW).allowed())
                    .isFalse();
            assertThat(withoutDashboards.check(compiledBefore, "patients.read", null, NOW).allowed()).isTrue();
        }
    }

    @Test
    void anAllowForTheSameAssignmentAndPermissionIsTheSameDecision() {
        Profile profile = compile(TestSubjects.me().holding("reader_location", "north").holding("owner"));

        Decision first = acme.check(profile, "patients.read", Resource.of("patient", "7").locatedAt("downtown"), NOW);
        Decision second = acme.check(profile, "patients.read", Resource.of("patient", "8").locatedAt("room-1"), NOW);
        Decision anywhere = acme.check(profile, "patients.read", null, NOW.plus(Duration.ofDays(3)));
        Decision otherPermission = acme.check(profile, "patients.edit", null, NOW);

        assertThat(second).isSameAs(first);
        assertThat(anywhere).isSameAs(first);
        assertThat(otherPermission).isNotSameAs(first);
        assertThat(((Reason.GrantedBy) otherPermission.reason()).role()).isEqualTo("owner");
        assertThat(acme.check(profile, "patients.edit", null, NOW)).isSameAs(otherPermission);
    }

    @Nested
    class EffectivePermissions {

        private EffectivePermission find(List<EffectivePermission> permissions, String key) {
            return permissions.stream().filter(p -> p.permission().equals(key)).findFirst()
                    .orElseThrow(() -> new AssertionError(key + " is not among " + permissions));
        }

        @Test
        void listsEachPermissionHeldWithItsWidestScopeAndWhere() {
            Profile profile = compile(TestSubjects.me().holding("clinician", "downtown").holding("reader_own"));

            List<EffectivePermission> held = acme.effectivePermissions(profile, NOW, null);

            assertThat(held).containsExactly(
                    new EffectivePermission("patients.read", Scope.LOCATION, false, List.of("downtown"),
                            List.of("clinician", "reader_own"), List.of(), false),
                    new EffectivePermission("records.read", Scope.ASSIGNED, false, List.of(), List.of("clinician"),
                            List.of(), false));
        }

        @Test
        void atALocationBelowWhereTheRoleIsHeldTheLocationScopeHolds() {
            Profile profile = compile(TestSubjects.me().holding("clinician", "downtown"));

            EffectivePermission read = find(acme.effectivePermissions(profile, NOW, "room-1"), "patients.read");

            assertThat(read.scope()).isEqualTo(Scope.LOCATION);
            assertThat(read.locations()).containsExactly("downtown");
        }

        @Test
        void elsewhereALocationGrantReachesOnlyOwnAndAssignedResources() {
            Profile profile = compile(TestSubjects.me().holding("clinician", "downtown"));

            for (String elsewhere : List.of("uptown", "north", "harbor")) {
                EffectivePermission read = find(acme.effectivePermissions(profile, NOW, elsewhere), "patients.read");
                assertThat(read.scope()).as(elsewhere).isEqualTo(Scope.ASSIGNED);
                assertThat(read.everywhere()).as(elsewhere).isFalse();
                assertThat(read.locations()).as(elsewhere).isEmpty();
            }
        }

        @Test
        void aTenantWideOrTenantScopedGrantHoldsEverywhere() {
            Profile profile = compile(TestSubjects.me().holding("reader_location").holding("biller", "uptown")
                    .holding("base", "harbor"));

            List<EffectivePermission> held = acme.effectivePermissions(profile, NOW, null);

            assertThat(find(held, "patients.read").everywhere()).isTrue();
            assertThat(find(held, "patients.read").locations()).isEmpty();
            assertThat(find(held, "reports.view")).isEqualTo(new EffectivePermission("reports.view", Scope.TENANT, true,
                    List.of(), List.of("base"), List.of(), false));
            assertThat(find(held, "invoices.read").everywhere()).isFalse();
            assertThat(find(held, "invoices.read").locations()).containsExactly("uptown");
        }

        @Test
        void anOwnerHoldsTheWholeCatalogTenantWide() {
            Profile profile = compile(TestSubjects.me().holding("owner", "harbor"));

            List<EffectivePermission> held = acme.effectivePermissions(profile, NOW, "downtown");

            assertThat(held).extracting(EffectivePermission::permission)
                    .containsExactlyElementsOf(TestPolicies.catalog().permissions().stream().map(Permission::key).toList());
            assertThat(held).allSatisfy(p -> {
                assertThat(p.scope()).isEqualTo(Scope.TENANT);
                assertThat(p.everywhere()).isTrue();
                assertThat(p.via()).containsExactly("owner");
            });
        }

        @Test
        void aConditionalGrantIsListedWithItsCondition() {
            Profile profile = compile(TestSubjects.me().holding("approver"));

            assertThat(find(acme.effectivePermissions(profile, NOW, null), "invoices.approve").conditions())
                    .containsExactly("resource.amount < 500");
        }

        @Test
        void onlyAssignmentsInForceCount() {
            Profile profile = compile(TestSubjects.me().holding("owner").from(NOW.plus(Duration.ofDays(1)))
                    .holding("reader_own").until(NOW.plus(Duration.ofSeconds(1))));

            assertThat(acme.effectivePermissions(profile, NOW, null)).extracting(EffectivePermission::permission)
                    .containsExactly("patients.read");
            assertThat(acme.effectivePermissions(profile, NOW.plus(Duration.ofDays(1)), null)).hasSize(
                    TestPolicies.catalog().size());
        }

        @Test
        void anInactiveSubjectAForeignProfileOrAnUnknownLocationHoldNothing() {
            Profile disabled = compile(TestSubjects.me().holding("owner").status(SubjectStatus.DISABLED));
            Profile owner = compile(TestSubjects.me().holding("owner"));

            assertThat(acme.effectivePermissions(disabled, NOW, null)).isEmpty();
            assertThat(TestPolicies.tenant("other-clinic").build().effectivePermissions(owner, NOW, null)).isEmpty();
            assertThat(acme.effectivePermissions(owner, NOW, "mars")).isEmpty();
            assertThat(TestPolicies.acme().active(false).build().effectivePermissions(owner, NOW, null)).isEmpty();
        }
    }

    @Nested
    class WhoCan {

        private final Map<String, Profile> staff = Map.of(
                "ana", acme.compile(TestSubjects.subject("ana").holding("reader_location", "downtown").build()),
                "ben", acme.compile(TestSubjects.subject("ben").holding("reader_location", "north").build()),
                "cleo", acme.compile(TestSubjects.subject("cleo").holding("reader_tenant", "harbor").build()),
                "dan", acme.compile(TestSubjects.subject("dan").holding("reader_own").build()),
                "eve", acme.compile(TestSubjects.subject("eve").holding("owner").status(SubjectStatus.DISABLED).build()),
                "fay", acme.compile(TestSubjects.subject("fay").holding("biller").build()),
                "gus", TestPolicies.tenant("other-clinic").build()
                        .compile(TestSubjects.subject("gus").holding("owner").build()));

        private List<String> whoCan(String permission, String location) {
            return acme.whoCan(staff.values(), permission, location, NOW).stream().map(Permitted::subjectId).sorted()
                    .toList();
        }

        @Test
        void atALocationListsThoseWhoseGrantsReachIt() {
            assertThat(whoCan("patients.read", "room-1")).containsExactly("ana", "ben", "cleo");
            assertThat(whoCan("patients.read", "uptown")).containsExactly("ben", "cleo");
            assertThat(whoCan("patients.read", "harbor")).containsExactly("cleo");
        }

        @Test
        void anywhereListsEveryoneWhoHoldsThePermissionWithAnyScope() {
            assertThat(whoCan("patients.read", null)).containsExactly("ana", "ben", "cleo", "dan");
            assertThat(whoCan("invoices.read", null)).containsExactly("fay");
        }

        @Test
        void eachAnswerCarriesTheAllowingDecision() {
            List<Permitted> permitted = acme.whoCan(List.of(staff.get("ben")), "patients.read", "uptown", NOW);

            assertThat(permitted).singleElement().satisfies(p -> {
                assertThat(p.subjectId()).isEqualTo("ben");
                assertThat(p.decision().reason()).isInstanceOfSatisfying(Reason.GrantedBy.class,
                        granted -> assertThat(granted.assignment().location()).isEqualTo("north"));
            });
        }
    }
}
