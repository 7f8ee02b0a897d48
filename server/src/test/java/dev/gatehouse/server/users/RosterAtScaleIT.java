package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.database.StreamBudget;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
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
    StreamBudget budget;

    SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    /** {@code count} active service accounts {@code <prefix>-<n>} written at once, as an import would. */
    private void generated(String prefix, int count) {
        jdbc.sql("""
                        insert into users (tenant_id, id, username, username_normalized, first_name, last_name, kind, status)
                        select cast(:tenant as uuid), gen_random_uuid(), :prefix || '-' || n, :prefix || '-' || n,
                               'Generated', 'Number ' || n, 'SERVICE', 'ACTIVE'
                        from generate_series(1, :count) as n""")
                .param("tenant", UUID.fromString(clinic.id())).param("prefix", prefix).param("count", count).update();
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
}
