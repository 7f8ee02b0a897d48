package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.database.StreamBudget;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17, the roster of a large tenant: search matches the text literally through an index
 * ({@code like} with {@code % _ \} escaped), a list counts at most 10,001 rows and says when its
 * total is a lower bound, and the export streams from a cursor within the budget of long-running work.
 */
class RosterAtScaleIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    PlatformTransactionManager transactions;

    @Autowired
    StreamBudget budget;

    SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    /** {@code count} active service accounts {@code <prefix>-<n>} written at once, as an import would. */
    private void generated(String prefix, int count) {
        fixture(() -> jdbc.sql("""
                        insert into users (tenant_id, id, username, username_normalized, first_name, last_name, kind, status)
                        select cast(:tenant as uuid), gen_random_uuid(), :prefix || '-' || n, :prefix || '-' || n,
                               'Generated', 'Number ' || n, 'SERVICE', 'ACTIVE'
                        from generate_series(1, :count) as n""")
                .param("tenant", UUID.fromString(clinic.id())).param("prefix", prefix).param("count", count).update());
    }

    /**
     * Writes a fixture in one transaction that the server's statement timeout does not bound: the bulk SQL
     * that builds the roster is set-up, not what is measured, and on a slow, shared CI machine it once took
     * longer than the timeout meant for requests.
     */
    private void fixture(Runnable writes) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            jdbc.sql("set local statement_timeout = '300s'").update();
            writes.run();
        });
    }

    private String person(String username, String firstName, String lastName) {
        Response created = api.post(clinic.path("/users"), clinic.adminToken(), json("username", username,
                "firstName", firstName, "lastName", lastName));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/id");
    }

    private List<String> found(String text) {
        Response list = api.get(clinic.path("/users?hidden=any&q=" + URLEncoder.encode(text, StandardCharsets.UTF_8)),
                clinic.adminToken());
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode item : list.body().at("/items")) {
            names.add(item.at("/username").asString());
        }
        return names;
    }

    @Test
    void searchMatchesTheTextLiterallyPercentUnderscoreAndBackslashIncluded() {
        person("amy_desk", "Amy", "Desk");
        person("amyxdesk", "Amy", "Xdesk");
        person("full.percent", "Full", "100% Sure");
        person("full.digits", "Full", "1000 Sure");
        person("back.slash", "Back", "Slash\\Line");
        person("back.plain", "Back", "SlashxLine");

        assertThat(found("y_d")).as("_ is a character, not any one").containsExactly("amy_desk");
        assertThat(found("100%")).as("%% is a character, not any run").containsExactly("full.percent");
        assertThat(found("h\\l")).as("\\ is a character, not an escape").containsExactly("back.slash");
        assertThat(found("AMY")).as("ignoring case").containsExactly("amy_desk", "amyxdesk");
        assertThat(found("full 1000")).as("first and last name together").containsExactly("full.digits");
        assertThat(found("%")).containsExactly("full.percent");
        assertThat(found("_")).containsExactly("amy_desk");
    }

    @Test
    void aListCountsNoFurtherThanTenThousandAndOneAndSaysTheTotalIsALowerBound() {
        generated("svc", Roster.COUNTED_AT_MOST + 5);
        person("zoe.person", "Zoe", "Person");

        Response everyone = api.get(clinic.path("/users?size=10"), clinic.adminToken());
        assertThat(everyone.status()).as(everyone.raw()).isEqualTo(200);
        assertThat(everyone.body().at("/total").asLong()).isEqualTo(Roster.COUNTED_AT_MOST + 1);
        assertThat(everyone.body().at("/totalIsLowerBound").asBoolean()).isTrue();
        assertThat(everyone.body().at("/items").size()).isEqualTo(10);

        Response people = api.get(clinic.path("/users?kind=HUMAN"), clinic.adminToken());
        assertThat(people.body().at("/total").asLong()).as("counted to the end below the cap").isEqualTo(2);
        assertThat(people.body().at("/totalIsLowerBound").asBoolean()).isFalse();
    }

    @Test
    void theExportStreamsEveryRowPastOneCursorFetchAndRecordsHowMany() {
        generated("svc", 1_234);

        Response export = api.get(clinic.path("/users/export"), clinic.adminToken());

        assertThat(export.status()).as(export.raw()).isEqualTo(200);
        List<String> lines = export.raw().lines().toList();
        assertThat(lines.getFirst()).startsWith("id,username,");
        assertThat(lines).hasSize(1 + 1_234 + 1);
        assertThat(lines.get(1)).contains(",admin,");
        assertThat(lines.get(2)).contains(",svc-1,Generated,Number 1,,,SERVICE,ACTIVE,false,,");
        Response recorded = api.get(clinic.path("/audit?action=USERS_EXPORTED"), clinic.adminToken());
        assertThat(recorded.body().at("/items/0/details/rows").asInt()).isEqualTo(1_235);
    }

    @Test
    void anExportFindingEverySlotForLongRunningWorkTakenIsRefusedWith503AndLeavesNoTrace() {
        List<StreamBudget.Lease> taken = new ArrayList<>();
        try {
            while (true) {
                taken.add(budget.take());
            }
        } catch (RuntimeException everySlotTaken) {
            // the budget is exhausted
        }
        try {
            Response refused = api.get(clinic.path("/users/export"), clinic.adminToken());
            assertThat(refused.status()).as(refused.raw()).isEqualTo(503);
            assertThat(refused.http().headers().firstValue("Retry-After")).isPresent();
        } finally {
            taken.forEach(StreamBudget.Lease::close);
        }
        assertThat(api.get(clinic.path("/audit?action=USERS_EXPORTED"), clinic.adminToken()).body().at("/items")
                .isEmpty()).isTrue();
        assertThat(api.get(clinic.path("/users/export"), clinic.adminToken()).status()).isEqualTo(200);
    }

    /** The usernames of one page of the list at {@code location} (everything below it included). */
    private List<String> pageAt(String location, int page) {
        Response list = api.get(clinic.path("/users?size=50&page=" + page + "&location=" + location),
                clinic.adminToken());
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode item : list.body().at("/items")) {
            names.add(item.at("/username").asString());
        }
        return names;
    }

    /** What the list at these locations must hold, by the plain statement of the rule. */
    private List<String> expectedAt(List<String> subtree, int page) {
        return jdbc.sql("""
                        select u.username from users u where u.tenant_id = :tenant and not u.hidden
                        and exists (select 1 from assignments a where a.tenant_id = u.tenant_id and a.user_id = u.id
                                    and a.location_id = any (cast(:subtree as uuid[])))
                        order by u.username_normalized, u.id limit 50 offset :offset""")
                .param("tenant", UUID.fromString(clinic.id())).param("subtree", subtree.toArray(String[]::new))
                .param("offset", page * 50).query(String.class).list();
    }

    private long assignmentsAt(List<String> subtree) {
        return jdbc.sql("select count(*) from assignments where tenant_id = :tenant"
                        + " and location_id = any (cast(:subtree as uuid[]))")
                .param("tenant", UUID.fromString(clinic.id())).param("subtree", subtree.toArray(String[]::new))
                .query(Long.class).single();
    }

    @Test
    void aLocationListFindsTheSameUsersFromAFewHoldersAsByWalkingTheRosterPastManyHolders() {
        String north = TestTenants.location(api, clinic, "North", null);
        String clinicA = TestTenants.location(api, clinic, "Clinic A", north);
        String clinicB = TestTenants.location(api, clinic, "Clinic B", north);
        String south = TestTenants.location(api, clinic, "South", null);
        generated("gen", 8_000);
        // Nine users in ten hold a role at North, Clinic A and Clinic B (three assignments in North's subtree,
        // listed once); the tenth only at South; one in seven is hidden (not listed by default).
        fixture(() -> jdbc.sql("""
                        insert into assignments (tenant_id, id, user_id, role_key, location_id, source)
                        select u.tenant_id, gen_random_uuid(), u.id, 'front_desk', place, 'DIRECT'
                        from users u, unnest(case when split_part(u.username, '-', 2)::int % 10 = 0
                                                  then array[cast(:south as uuid)]
                                                  else array[cast(:north as uuid), cast(:a as uuid), cast(:b as uuid)] end)
                                      as place
                        where u.tenant_id = :tenant and u.username like 'gen-%'""")
                .param("tenant", UUID.fromString(clinic.id())).param("south", UUID.fromString(south))
                .param("north", UUID.fromString(north)).param("a", UUID.fromString(clinicA))
                .param("b", UUID.fromString(clinicB)).update());
        jdbc.sql("update users set hidden = true where tenant_id = :tenant and username like 'gen-%'"
                        + " and split_part(username, '-', 2)::int % 7 = 0")
                .param("tenant", UUID.fromString(clinic.id())).update();
        List<String> underNorth = List.of(north, clinicA, clinicB);
        assertThat(assignmentsAt(underNorth)).as("North's users found by walking the roster")
                .isGreaterThanOrEqualTo(UserStore.HOLDERS_FIRST_BELOW);
        assertThat(assignmentsAt(List.of(clinicA))).as("Clinic A's found from its holders")
                .isLessThan(UserStore.HOLDERS_FIRST_BELOW);

        for (int page : List.of(0, 1, 77, 123, 124)) {
            assertThat(pageAt(north, page)).as("North, page " + page).isEqualTo(expectedAt(underNorth, page));
            assertThat(pageAt(clinicA, page)).as("Clinic A, page " + page).isEqualTo(expectedAt(List.of(clinicA), page));
        }
        assertThat(pageAt(north, 0)).hasSize(50).doesNotContain("gen-10", "gen-7");
        assertThat(pageAt(south, 0)).hasSize(50).allMatch(name -> name.startsWith("gen-"));
        long listed = 8_000 - 800 - (8_000 / 7) + 8_000 / 70; // neither at South only nor hidden
        Response north0 = api.get(clinic.path("/users?size=50&location=" + north), clinic.adminToken());
        assertThat(north0.body().at("/total").asLong()).isEqualTo(listed);
        assertThat(north0.body().at("/totalIsLowerBound").asBoolean()).isFalse();
        Response a0 = api.get(clinic.path("/users?size=50&location=" + clinicA), clinic.adminToken());
        assertThat(a0.body().at("/total").asLong()).isEqualTo(listed);
    }
}
