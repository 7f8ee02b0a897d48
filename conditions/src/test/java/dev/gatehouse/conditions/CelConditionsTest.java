package dev.gatehouse.conditions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.ConditionEvaluator.Outcome;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.TenantPolicy;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The condition language as a table: what each condition says of one request, and what is refused at save. */
class CelConditionsTest {

    /** A Monday, 16:30 in Berlin (CET, UTC+1). */
    private static final Instant MONDAY_1530_UTC = Instant.parse("2026-12-07T15:30:00Z");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static final TenantPolicy POLICY = TenantPolicy.builder("acme", PermissionCatalog.ofKeys("charges.approve"))
            .role(new Role("billing", "Billing", "", List.of(), List.of(Grant.of("charges.approve"))))
            .build();
    private static final Profile BILLER = POLICY.compile(Subject.active("u-1",
            Assignment.tenantWide("a-1", "billing")));

    @ParameterizedTest
    @CsvSource(delimiterString = " | ", quoteCharacter = '"', useHeadersInDisplayName = true, textBlock = """
            condition                                          | attributes            | ip          | expected    | why
            resource.amount < 500                              | amount=499            |             | HOLDS       | -
            resource.amount < 500                              | amount=500            |             | FAILS       | it is false for resource.amount = 500
            resource.amount < 500                              | amount=499.5          |             | HOLDS       | -
            resource.amount < 500                              |                       |             | UNEVALUABLE | amount
            resource.amount < 500                              | amount=cheap          |             | UNEVALUABLE | overload
            resource.type == 'charge' && resource.amount < 500 | amount=10             |             | HOLDS       | -
            request.time.hour >= 8 && request.time.hour < 18   |                       |             | HOLDS       | -
            request.time.hour >= 8 && request.time.hour < 16   |                       |             | FAILS       | request.time.hour = 16 (Europe/Berlin)
            request.time.dayOfWeek == 1 && request.time.minute == 30 |                       |             | HOLDS       | -
            request.time.day == 7 && request.time.month == 12 && request.time.year == 2026 |                       |             | HOLDS       | -
            request.time.dayOfWeek <= 5                        |                       |             | HOLDS       | -
            request.ip in ['10.0.0.0/8', '192.168.1.0/24']     |                       | 10.1.2.3    | HOLDS       | -
            request.ip in ['10.0.0.0/8', '192.168.1.0/24']     |                       | 172.16.0.1  | FAILS       | request.ip = 172.16.0.1
            ipInRange(request.ip, '2001:db8::/32')             |                       | 2001:db8::1 | HOLDS       | -
            request.ip in ['10.0.0.0/8']                       |                       |             | UNEVALUABLE | context.ip
            'billing' in subject.roles && subject.id == 'u-1'  |                       |             | HOLDS       | -
            'admin' in subject.roles                           |                       |             | FAILS       | -
            has(resource.urgent) || resource.amount < 100      | amount=200            |             | FAILS       | -
            has(resource.urgent) || resource.amount < 100      | amount=200;urgent=yes |             | HOLDS       | -
            resource.tags.exists(t, t == 'vip')                | tags=a,vip            |             | HOLDS       | -
            """)
    void evaluates(String condition, @Nullable String attributes, @Nullable String ip, String expected,
            String why) {
        assertThat(CelConditions.problem(condition)).isNull();
        CompiledConditions conditions = CelConditions.compile(List.of(new Condition(condition)), BERLIN);
        Outcome outcome = conditions.evaluate(new Condition(condition), BILLER,
                Resource.of("charge", "c-1").withAttributes(attributes(attributes)), MONDAY_1530_UTC,
                new RequestContext(ip, Map.of()));
        assertThat(outcome.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT)).isEqualTo(expected);
        if (!why.equals("-")) {
            assertThat(outcome.toString()).contains(why);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " | ", quoteCharacter = '"', useHeadersInDisplayName = true, textBlock = """
            condition                                                        | because
            resource.amount <                                                | not a valid condition
            resource.amount                                                  | true or false
            request.time.hours > 8                                           | not a valid condition
            request.ip in ['10.0.0.0/33']                                    | not an IP address or CIDR range
            ipInRange(request.ip, 'intranet.example.com')                    | not an IP address or CIDR range
            request.foo == 1                                                 | not a valid condition
            resource.name.matches('(')                                       | not a valid pattern
            resource.a.all(x, resource.b.all(y, x == y))                     | loops within loops
            resource.a.map(x, x * 2).size() > 1                              | not a valid condition
            ((((((((((((((((((((((((1 == 1))))))))))))))))))))))))            | not a valid condition
            """)
    void refusesAtSave(String condition, String because) {
        assertThat(CelConditions.problem(condition)).contains(because);
    }

    @org.junit.jupiter.api.Test
    void refusesHugeExpressions() {
        String longList = "resource.n in [" + "1, ".repeat(300) + "1]";
        assertThat(CelConditions.problem(longList)).isNotNull();
        assertThat(CelConditions.problem("resource.a == '" + "x".repeat(1_000) + "'")).contains("at most");
        assertThat(CelConditions.problem("true " + "&& true ".repeat(150))).isNotNull();
        assertThat(CelConditions.problem("resource.name.matches('" + "(abc|def)".repeat(100) + "')"))
                .contains("not a valid pattern");
    }

    @org.junit.jupiter.api.Test
    void aLoopStopsAfterItsIterationCapAndDenies() {
        String loop = "resource.tags.exists(t, t == 'never')";
        CompiledConditions conditions = CelConditions.compile(List.of(new Condition(loop)), BERLIN);
        List<String> tags = java.util.Collections.nCopies(CelConditions.MAX_ITERATIONS + 1, "x");
        Outcome outcome = conditions.evaluate(new Condition(loop), BILLER,
                Resource.of("charge", "c-1").withAttributes(Map.of("tags", tags)), MONDAY_1530_UTC, RequestContext.EMPTY);
        assertThat(outcome).isInstanceOf(Outcome.Unevaluable.class);
        Outcome within = conditions.evaluate(new Condition(loop), BILLER,
                Resource.of("charge", "c-1").withAttributes(Map.of("tags", tags.subList(0, 10))), MONDAY_1530_UTC,
                RequestContext.EMPTY);
        assertThat(within).isInstanceOf(Outcome.Fails.class);
    }

    @org.junit.jupiter.api.Test
    void aPatternFromTheRequestIsCappedAndCannotBacktrack() {
        String condition = "resource.name.matches(resource.pattern)";
        CompiledConditions conditions = CelConditions.compile(List.of(new Condition(condition)), BERLIN);
        Outcome huge = conditions.evaluate(new Condition(condition), BILLER, Resource.of("charge", "c-1")
                .withAttributes(Map.of("name", "abc", "pattern", "(abc|def)".repeat(100))), MONDAY_1530_UTC,
                RequestContext.EMPTY);
        assertThat(huge).isInstanceOf(Outcome.Unevaluable.class);
        // The classic catastrophic-backtracking pattern: RE2 answers in linear time.
        Outcome evil = conditions.evaluate(new Condition(condition), BILLER, Resource.of("charge", "c-1")
                .withAttributes(Map.of("name", "a".repeat(5_000) + "!", "pattern", "^(a+)+$")), MONDAY_1530_UTC,
                RequestContext.EMPTY);
        assertThat(evil).isInstanceOf(Outcome.Fails.class);
    }

    private static Map<String, Object> attributes(@Nullable String text) {
        Map<String, Object> attributes = new HashMap<>();
        if (text == null) {
            return attributes;
        }
        for (String pair : text.split(";")) {
            String[] parts = pair.split("=", 2);
            String value = parts[1];
            if (value.contains(",")) {
                attributes.put(parts[0], List.of(value.split(",")));
            } else if (value.matches("\\d+")) {
                attributes.put(parts[0], Integer.parseInt(value));
            } else if (value.matches("\\d+\\.\\d+")) {
                attributes.put(parts[0], Double.parseDouble(value));
            } else {
                attributes.put(parts[0], value);
            }
        }
        return attributes;
    }
}
