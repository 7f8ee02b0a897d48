package dev.gatehouse.server.audittrail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.audittrail.AuditFixtures.Clinic;
import dev.gatehouse.server.testing.TestMembers.Member;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** GET /api/v1/tenants/{tenant}/audit/export: CSV and JSON Lines, oldest first, with the filters. */
class AuditExportIT extends IntegrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private AuditFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new AuditFixtures(api, operatorToken());
    }

    private Response export(Clinic clinic, String token, String... query) {
        return api.get(clinic.path("/audit/export" + AuditFixtures.query(query)), token);
    }

    /** Splits RFC 4180 CSV into rows of cells. */
    private static List<List<String>> csv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        assertThat(cell).as("the export ends with CRLF").isEmpty();
        return rows;
    }

    @Test
    void csvHasAHeaderAndTheMatchingEventsOldestFirst() {
        Clinic clinic = fixtures.clinic();
        List<String> roster = List.of(fixtures.user(clinic, "amy", "provider"), fixtures.user(clinic, "ben", "billing"));

        Response response = export(clinic, clinic.owner(), "format", "csv", "action", "USER_CREATED");

        assertThat(response.status()).as(response.raw()).isEqualTo(200);
        assertThat(response.http().headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(response.http().headers().firstValue("Content-Disposition").orElse("")).contains("attachment");
        List<List<String>> rows = csv(response.raw());
        assertThat(rows.getFirst()).containsExactly("seq", "at", "action", "actor_id", "actor_username",
                "actor_roles", "target_type", "target_id", "target_name", "ip", "user_agent", "details", "prevHash",
                "hash");
        List<List<String>> events = rows.subList(1, rows.size());
        assertThat(events).hasSize(3).allSatisfy(r -> assertThat(r).hasSize(14).element(2).isEqualTo("USER_CREATED"));
        assertThat(events).allSatisfy(r -> assertThat(r.get(13)).matches("[0-9a-f]{64}"));
        assertThat(events.stream().map(r -> Long.parseLong(r.get(0))).toList()).isSorted();
        assertThat(events.stream().map(r -> r.get(7)).toList()).containsExactly(clinic.ownerId(), roster.get(0),
                roster.get(1));
        assertThat(events.get(1).get(4)).isEqualTo("owner");
        assertThat(events.get(1).get(5)).isEqualTo("owner");
        assertThat(JSON.readTree(events.get(1).get(11)).isObject()).isTrue();
    }

    @Test
    void theWholeTrailExportsAsAnUnbrokenChainAnAuditorCanFollow() {
        Clinic clinic = fixtures.clinic();
        fixtures.user(clinic, "amy", "provider");

        List<List<String>> events = csv(export(clinic, clinic.owner(), "format", "csv").raw());
        events = events.subList(1, events.size());
        assertThat(events.getFirst().get(12)).as("the first event follows the zero hash").matches("0{64}");
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).get(12)).as("prevHash of seq %s", events.get(i).get(0))
                    .isEqualTo(events.get(i - 1).get(13));
        }
    }

    @Test
    void csvQuotesPerRfc4180AndDefusesSpreadsheetFormulas() {
        Clinic clinic = fixtures.clinic();
        String doc = fixtures.user(clinic, "doc", "provider");
        for (String id : List.of("=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "a,b \"c\"\nd", "plain")) {
            Response recorded = api.post(clinic.path("/audit/events"), clinic.owner(), json("action",
                    "PATIENT_RECORD_VIEWED", "user", doc, "resource", raw(json("type", "patient", "id", id))));
            assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        }

        Response response = export(clinic, clinic.owner(), "format", "csv", "action", "PATIENT_RECORD_VIEWED");

        assertThat(response.status()).isEqualTo(200);
        List<String> ids = csv(response.raw()).stream().skip(1).map(r -> r.get(7)).toList();
        // The trail stores a line break as a space (log injection, docs/audit.md); commas and quotes stay.
        assertThat(ids).containsExactly("'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "a,b \"c\" d",
                "plain");
        assertThat(response.raw()).contains("\"'=HYPERLINK(\"\"http://evil\"\")\"");
        assertThat(AuditExport.csvCell("\tcmd")).isEqualTo("'\tcmd");
        assertThat(AuditExport.csvCell("")).isEmpty();
    }

    @Test
    void jsonLinesCarryOneEventPerLineWithTheSameFilters() {
        Clinic clinic = fixtures.clinic();
        Member desk = fixtures.member(clinic, "desk", "front_desk");

        Response response = export(clinic, clinic.owner(), "format", "jsonl", "actor", "desk");

        assertThat(response.status()).as(response.raw()).isEqualTo(200);
        assertThat(response.http().headers().firstValue("Content-Type").orElse("")).startsWith("application/jsonl");
        List<JsonNode> lines = Arrays.stream(response.raw().split("\n")).map(JSON::readTree).toList();
        List<JsonNode> searched = fixtures.all(clinic, "actor", "desk");
        assertThat(lines).hasSameSizeAs(searched).isNotEmpty();
        assertThat(lines.stream().map(l -> l.get("seq").asLong()).toList())
                .containsExactlyElementsOf(searched.reversed().stream().map(e -> e.get("seq").asLong()).toList());
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.at("/actor/id").asString()).isEqualTo(desk.id());
            assertThat(l.at("/actor/username").asString()).isEqualTo("desk");
            assertThat(l.has("at")).isTrue();
            assertThat(l.get("details").isObject()).isTrue();
        });
    }

    @Test
    void anExportIsItselfAuditedWithItsFilters() {
        Clinic clinic = fixtures.clinic();

        Response response = export(clinic, clinic.owner(), "format", "jsonl", "action", "USER_CREATED", "ip",
                "10.0.0.0/8");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.raw()).isEmpty();
        List<JsonNode> exported = fixtures.all(clinic, "action", "AUDIT_EXPORTED");
        assertThat(exported).hasSize(1);
        JsonNode event = exported.getFirst();
        assertThat(event.at("/actor/username").asString()).isEqualTo("owner");
        assertThat(event.at("/details/format").asString()).isEqualTo("jsonl");
        assertThat(event.at("/details/filters/action").asString()).isEqualTo("USER_CREATED");
        assertThat(event.at("/details/filters/ip").asString()).isEqualTo("10.0.0.0/8");
        // The export is the trail before its own event: exporting again shows the first export.
        assertThat(export(clinic, clinic.owner(), "format", "jsonl", "action", "AUDIT_EXPORTED").raw().lines())
                .hasSize(1);
    }

    @Test
    void badExportsAnswer400NamingTheFieldAndAreNotAudited() {
        Clinic clinic = fixtures.clinic();
        String[][] cases = {{"format", "xlsx"}, {"ip", "300.1.1.1"}, {"from", "last week"}, {"action", "bad action"}};
        for (String[] bad : cases) {
            Response response = export(clinic, clinic.owner(), bad[0], bad[1]);
            assertThat(response.status()).as(bad[0] + ": " + response.raw()).isEqualTo(400);
            assertThat(response.text("/errors/0/field")).isEqualTo(bad[0]);
        }
        assertThat(fixtures.all(clinic, "action", "AUDIT_EXPORTED")).isEmpty();
    }

    @Test
    void exportingNeedsAuditExportAndTheOwnTenant() {
        Clinic clinic = fixtures.clinic();
        Clinic other = fixtures.clinic();
        Member desk = fixtures.member(clinic, "desk", "front_desk");

        Response denied = export(clinic, desk.token(), "format", "csv");
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.raw()).contains("audit.export");
        assertThat(export(clinic, other.owner(), "format", "csv").status()).isEqualTo(404);
        assertThat(export(clinic, operatorToken(), "format", "csv").status()).isEqualTo(404);
        assertThat(fixtures.all(clinic, "action", "AUDIT_EXPORTED")).isEmpty();
    }
}
