package dev.gatehouse.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionView;
import dev.gatehouse.engine.FieldDecisions;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Reason;
import dev.gatehouse.engine.RelationPath;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.SubjectStatus;
import dev.gatehouse.server.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lean path's hand-written answer ({@link DecisionJson}) is byte for byte what the application's
 * mapper writes — the one MVC answers the full stack's checks with — for every reason, allow and
 * deny, with and without fields, and for any text the answer may carry.
 */
class DecisionJsonIT extends IntegrationTest {

    private static final Instant START = Instant.parse("2026-01-31T09:00:00Z");
    private static final Instant END = Instant.parse("2026-03-01T17:30:00.123456789Z");

    @Autowired
    private JsonMapper json;

    private void assertSameAsMapper(DecisionView view) {
        byte[] written = DecisionJson.write(view);
        assertThat(written).as("hand-written").isNotNull();
        assertThat(new String(written, StandardCharsets.UTF_8))
                .isEqualTo(new String(json.writeValueAsBytes(view), StandardCharsets.UTF_8));
    }

    private static Assignment assignment(String role, String location, Instant startsAt, Instant expiresAt) {
        return new Assignment("a-1", role, location, startsAt, expiresAt, AssignmentSource.DIRECT, null);
    }

    private static List<Reason> everyReason(String text) {
        Assignment plain = assignment("manager", null, null, null);
        Assignment bounded = assignment(text, "loc-" + text, START, END);
        Grant conditional = new Grant("patients.read", Scope.LOCATION, new Condition("resource.amount < 500"));
        return List.of(
                new Reason.GrantedBy(text, plain, Grant.of("patients.read", Scope.TENANT), "manager"),
                new Reason.GrantedBy("provider", bounded, conditional, text),
                new Reason.GrantedBy("provider", plain, Grant.of("patients.read", Scope.ASSIGNED), "provider",
                        new RelationPath(RelationPath.Kind.CARE_TEAM, "care_team", "patient", text, "ct-1",
                                text, END)),
                new Reason.GrantedBy("provider", plain, Grant.of("patients.read", Scope.ASSIGNED), "provider",
                        new RelationPath(RelationPath.Kind.ASSIGNED, "assigned_provider", "patient", "p-1", null,
                                null, null)),
                new Reason.NoMatchingGrant(text),
                new Reason.UnknownPermission(text),
                new Reason.BeyondCredential("patients.read", text),
                new Reason.ScopeMiss("patients.read", Scope.OWN, "front_desk", text),
                new Reason.ConditionFailed("billing.refund", "billing", new Condition("resource.amount < " + text),
                        text),
                new Reason.OutsideValidity("patients.read", bounded, START),
                new Reason.InactiveSubject(SubjectStatus.LOCKED, END),
                new Reason.InactiveSubject(SubjectStatus.DISABLED, null),
                new Reason.ExpiredSubject(START),
                new Reason.InactiveTenant(text),
                new Reason.ForeignProfile(text, "other"),
                new Reason.Covers("caller", text, false),
                new Reason.Uncovered(text, "users.update", Scope.LOCATION, "loc-1", null, "manager", Scope.LOCATION,
                        List.of("loc-2"), false),
                new Reason.Uncovered(text, "users.update", Scope.TENANT, null, null, "manager", null, List.of(),
                        false));
    }

    private static Decision decision(Reason reason) {
        return switch (reason) {
            case Reason.GrantedBy granted -> Decision.allow(granted);
            case Reason.Covers covers -> Decision.allow(covers);
            default -> Decision.deny(reason);
        };
    }

    @Test
    void everyReasonIsWrittenAsTheMapperWritesIt() {
        for (Reason reason : everyReason("plain")) {
            assertSameAsMapper(DecisionView.of(decision(reason)));
        }
    }

    @Test
    void aCheckThatNamedFieldsCarriesThemAsTheMapperWritesThem() {
        List<Reason> reasons = everyReason("ssn");
        Map<String, Decision> fields = new LinkedHashMap<>();
        fields.put("insurance", decision(reasons.get(0)));
        fields.put("ssn", decision(reasons.get(4)));
        fields.put("notes", decision(reasons.get(7)));
        assertSameAsMapper(DecisionView.of(new FieldDecisions(decision(reasons.get(0)), fields)));
        assertSameAsMapper(DecisionView.of(new FieldDecisions(decision(reasons.get(4)), Map.of())));
    }

    @Test
    void anyTextIsEscapedAsTheMapperEscapesIt() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x800; c++) {
            every.append(c);
        }
        every.append("\u2028\u2029\uFFFF\uFEFF\u00E9\u4E2D\"\\/");
        for (Reason reason : everyReason(every.toString())) {
            assertSameAsMapper(DecisionView.of(decision(reason)));
        }
        Random random = new Random(12);
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int j = random.nextInt(12); j > 0; j--) {
                text.append(random.nextBoolean() ? (char) random.nextInt(0x80) : (char) random.nextInt(0xD800));
            }
            Reason reason = everyReason(text.toString()).get(random.nextInt(everyReason("").size()));
            assertSameAsMapper(DecisionView.of(decision(reason)));
        }
    }

    @Test
    void whatItDoesNotWriteIsLeftToTheMapper() {
        // Outside the Basic Multilingual Plane, and a lone surrogate.
        assertThat(DecisionJson.write(DecisionView.of(Decision.deny(new Reason.NoMatchingGrant("\uD83D\uDE00")))))
                .isNull();
        assertThat(DecisionJson.write(DecisionView.of(Decision.deny(new Reason.NoMatchingGrant("\uD83D"))))).isNull();
        Map<String, Object> reason = new LinkedHashMap<>();
        reason.put("code", "NO_MATCHING_GRANT");
        reason.put("count", 3);
        assertThat(DecisionJson.write(new DecisionView(false, reason, null, null))).isNull();
        List<Object> nulls = new ArrayList<>();
        nulls.add(null);
        reason.put("count", nulls);
        assertThat(DecisionJson.write(new DecisionView(false, reason, null, null))).isNull();
        reason.remove("count");
        reason.put("missing", null);
        assertThat(DecisionJson.write(new DecisionView(false, reason, null, null))).isNull();
    }
}
