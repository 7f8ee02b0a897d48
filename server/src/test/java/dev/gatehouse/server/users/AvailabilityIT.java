package dev.gatehouse.server.users;

import static dev.gatehouse.server.users.UserFixtures.role;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.TestMembers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A provider's weekly hours and breaks over HTTP (seed 000, "Provider Scheduling"). */
class AvailabilityIT extends IntegrationTest {

    private static final String CLINIC_WEEK = """
            {"timezone": "America/New_York", "days": {
              "MONDAY": {"hours": [{"from": "09:00", "to": "17:00"}], "breaks": [{"from": "12:00", "to": "12:30"}]},
              "FRIDAY": {"hours": [{"from": "13:00", "to": "17:00"}, {"from": "08:00", "to": "12:00"}]},
              "SATURDAY": {"hours": [{"from": "10:00", "to": "14:00"}]},
              "SUNDAY": {"hours": []}}}
            """;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    UserFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
    }

    @Test
    void anAdminSetsAProvidersWeekAndReadsItBackWithTheChangeAudited() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String provider = fixtures.user(clinic, "drlee", "[" + role("provider") + "]");

        Response unset = api.get(clinic.user(provider) + "/availability", clinic.owner());
        assertThat(unset.status()).as(unset.raw()).isEqualTo(200);
        assertThat(unset.text("/timezone")).isEqualTo("UTC");
        assertThat(unset.body().at("/days").isEmpty()).isTrue();

        Response put = api.put(clinic.user(provider) + "/availability", clinic.owner(), CLINIC_WEEK);
        assertThat(put.status()).as(put.raw()).isEqualTo(200);

        Response read = api.get(clinic.user(provider) + "/availability", clinic.owner());
        assertThat(read.text("/timezone")).isEqualTo("America/New_York");
        assertThat(read.body().at("/days/MONDAY/hours/0/from").asString()).isEqualTo("09:00");
        assertThat(read.body().at("/days/MONDAY/breaks/0/to").asString()).isEqualTo("12:30");
        // Ranges come back in the order of the day; a day with no hours is a day off and is left out.
        assertThat(read.body().at("/days/FRIDAY/hours/0/from").asString()).isEqualTo("08:00");
        assertThat(read.body().at("/days/SATURDAY/hours/0/to").asString()).isEqualTo("14:00");
        assertThat(read.body().at("/days").propertyNames()).containsExactly("MONDAY", "FRIDAY", "SATURDAY");

        List<RecordedAudit.Event> events = RecordedAudit.of(jdbc, clinic.id(), "USER_AVAILABILITY_CHANGED");
        assertThat(events).hasSize(1);
        assertThat(events.getFirst().targetId()).isEqualTo(provider);
        assertThat(events.getFirst().details().at("/before/days").isEmpty()).isTrue();
        assertThat(events.getFirst().details().at("/after/days/MONDAY/breaks/0/from").asString()).isEqualTo("12:00");

        Response again = api.put(clinic.user(provider) + "/availability", clinic.owner(),
                "{\"days\": {\"TUESDAY\": {\"hours\": [{\"from\": \"07:30\", \"to\": \"15:00\"}]}}}");
        assertThat(again.status()).as(again.raw()).isEqualTo(200);
        List<RecordedAudit.Event> both = RecordedAudit.of(jdbc, clinic.id(), "USER_AVAILABILITY_CHANGED");
        assertThat(both).hasSize(2);
        RecordedAudit.Event second = both.stream()
                .filter(e -> e.details().at("/after/days/TUESDAY").isObject()).findFirst().orElseThrow();
        assertThat(second.details().at("/before/days/MONDAY/hours/0/to").asString()).isEqualTo("17:00");
        assertThat(second.details().at("/after/timezone").asString()).isEqualTo("UTC");
        assertThat(second.details().at("/after/days").propertyNames()).containsExactly("TUESDAY");
    }

    @Test
    void eachBrokenRuleIsA400NamingItsFieldAndSavesNothing() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String provider = fixtures.user(clinic, "drkim", "[" + role("provider") + "]");
        Map<String, String> cases = Map.of(
                "{\"days\": {\"MONDAY\": {\"hours\": [{\"from\": \"09:00\", \"to\": \"5pm\"}]}}}",
                "days.MONDAY.hours[0].to",
                "{\"days\": {\"MONDAY\": {\"hours\": [{\"from\": \"17:00\", \"to\": \"09:00\"}]}}}",
                "days.MONDAY.hours[0].to",
                "{\"days\": {\"TUESDAY\": {\"hours\": [{\"from\": \"09:00\", \"to\": \"13:00\"},"
                        + " {\"from\": \"12:00\", \"to\": \"17:00\"}]}}}",
                "days.TUESDAY.hours[1]",
                "{\"days\": {\"MONDAY\": {\"hours\": [{\"from\": \"09:00\", \"to\": \"12:00\"}],"
                        + " \"breaks\": [{\"from\": \"11:30\", \"to\": \"12:30\"}]}}}",
                "days.MONDAY.breaks[0]",
                "{\"days\": {\"FUNDAY\": {\"hours\": [{\"from\": \"09:00\", \"to\": \"17:00\"}]}}}",
                "days.FUNDAY",
                "{\"days\": {\"MONDAY\": {\"hours\": [{\"from\": \"01:00\", \"to\": \"02:00\"}, {\"from\": \"03:00\","
                        + " \"to\": \"04:00\"}, {\"from\": \"05:00\", \"to\": \"06:00\"}, {\"from\": \"07:00\","
                        + " \"to\": \"08:00\"}, {\"from\": \"09:00\", \"to\": \"10:00\"}]}}}",
                "days.MONDAY.hours",
                "{\"timezone\": \"Mars/Olympus_Mons\"}",
                "timezone");
        cases.forEach((body, field) -> {
            Response refused = api.put(clinic.user(provider) + "/availability", clinic.owner(), body);
            assertThat(refused.status()).as(body + " -> " + refused.raw()).isEqualTo(400);
            assertThat(refused.body().at("/errors").findValuesAsString("field")).as(body).contains(field);
        });
        assertThat(api.get(clinic.user(provider) + "/availability", clinic.owner()).body().at("/days").isEmpty()).isTrue();
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "USER_AVAILABILITY_CHANGED")).isEmpty();
    }

    @Test
    void frontDeskReadsButCannotSetAndAManagerSetsOnlyTheirOwnLocationsStaff() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        String uptown = fixtures.location(clinic, "Uptown");
        String week = "{\"days\": {\"MONDAY\": {\"hours\": [{\"from\": \"09:00\", \"to\": \"17:00\"}]}}}";
        String here = fixtures.user(clinic, "drhere", "[" + roleAt("provider", downtown) + "]");
        String there = fixtures.user(clinic, "drthere", "[" + roleAt("provider", uptown) + "]");
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + role("front_desk") + "]");
        TestMembers.Member manager = fixtures.member(clinic, "manny", "[" + roleAt("manager", downtown) + "]");

        Response deskPut = api.put(clinic.user(here) + "/availability", desk.token(), week);
        assertThat(deskPut.status()).as(deskPut.raw()).isEqualTo(403);

        assertThat(api.put(clinic.user(here) + "/availability", manager.token(), week).status()).isEqualTo(200);
        Response elsewhere = api.put(clinic.user(there) + "/availability", manager.token(), week);
        assertThat(elsewhere.status()).as(elsewhere.raw()).isEqualTo(403);
        assertThat(elsewhere.text("/detail")).contains("users.edit");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "USER_AVAILABILITY_CHANGED")).hasSize(1);
    }

    @Test
    void anotherTenantsUserIsNotFound() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        UserFixtures.Tenant other = fixtures.clinic();
        String stranger = fixtures.user(other, "drfar", "[" + role("provider") + "]");
        String week = "{\"days\": {\"MONDAY\": {\"hours\": [{\"from\": \"09:00\", \"to\": \"17:00\"}]}}}";

        assertThat(api.get(clinic.user(stranger) + "/availability", clinic.owner()).status()).isEqualTo(404);
        assertThat(api.put(clinic.user(stranger) + "/availability", clinic.owner(), week).status()).isEqualTo(404);
        assertThat(api.get(other.user(stranger) + "/availability", other.owner()).body().at("/days").isEmpty()).isTrue();
    }
}
