package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpRequest;
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

/** {@code POST …/users/import} (docs/api.md, "Bulk import"; docs/user-import.md). */
class UserImportIT extends IntegrationTest {

    static final String HEADER = "username,firstName,lastName,email,phone,kind,roles\n";

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    @Autowired
    PlatformTransactionManager transactionManager;

    UserFixtures fixtures;
    UserFixtures.Tenant clinic;

    TransactionTemplate transactions;

    @BeforeEach
    void fixtures() {
        transactions = new TransactionTemplate(transactionManager);
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
        clinic = fixtures.clinic();
    }

    private Response upload(String token, String contentType, String body) {
        return api.send(clinic.users() + "/import", token, request -> request.header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private long count(String sql) {
        return jdbc.sql(sql).param("t", UUID.fromString(clinic.id())).query(Long.class).single();
    }

    private long importedEvents() {
        return count("select count(*) from audit_events where tenant_id = :t and action = 'USER_CREATED'"
                + " and details ->> 'imported' = 'true'");
    }

    private void assertTrailVerifies() {
        Response verify = api.get("/api/v1/tenants/" + clinic.slug() + "/audit/verify", clinic.owner());
        assertThat(verify.status()).as(verify.raw()).isEqualTo(200);
        assertThat(verify.body().at("/ok").asBoolean()).as(verify.raw()).isTrue();
    }

    private static List<Long> lines(JsonNode failed) {
        List<Long> lines = new ArrayList<>();
        failed.forEach(entry -> lines.add(entry.at("/line").asLong()));
        return lines;
    }

    @Test
    void aCsvImportCreatesInvitedUsersWithTheirRolesAndOneEventEachWithoutMailingAnyone() {
        String downtown = fixtures.location(clinic, "Downtown");
        String uptown = fixtures.location(clinic, "Uptown");
        long mailsBefore = count("select count(*) from mail_outbox where tenant_id = :t");
        Response imported = upload(clinic.owner(), "text/csv", HEADER
                + "ana,Ana,Alves,ana@example.com,+1 555 0100,,provider@" + downtown + ";front_desk@" + uptown + "\n"
                + "\"bo,b\",\"Bob \"\"Bobby\"\"\",Brown,,,HUMAN,billing\r\n"
                + "\n"
                + "robot,Robot,Service,,,SERVICE,\n");
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().at("/imported").asLong()).isEqualTo(3);
        assertThat(imported.body().at("/batches").asLong()).isEqualTo(1);
        assertThat(imported.body().at("/failed").size()).isZero();

        JsonNode ana = api.get(clinic.users() + "?q=ana", clinic.owner()).body().at("/items/0");
        assertThat(ana.at("/status").asString()).isEqualTo("INVITED");
        assertThat(ana.at("/email").asString()).isEqualTo("ana@example.com");
        Response roles = api.get(clinic.user(ana.at("/id").asString()) + "/roles", clinic.owner());
        assertThat(roles.raw()).contains("provider").contains(downtown).contains("front_desk").contains(uptown);
        JsonNode bob = api.get(clinic.users() + "?q=bo,b", clinic.owner()).body().at("/items/0");
        assertThat(bob.at("/firstName").asString()).isEqualTo("Bob \"Bobby\"");
        JsonNode robot = api.get(clinic.users() + "?q=robot&kind=SERVICE", clinic.owner()).body().at("/items/0");
        assertThat(robot.at("/status").asString()).isEqualTo("ACTIVE");

        assertThat(importedEvents()).isEqualTo(3);
        assertThat(count("select count(*) from mail_outbox where tenant_id = :t")).as("nobody mailed").isEqualTo(mailsBefore);
        assertThat(count("select count(*) from user_tokens where tenant_id = :t and purpose = 'INVITATION'"
                + " and user_id in (select id from users where tenant_id = :t and username in ('ana', 'bo,b'))"))
                .isZero();
        // An invitation is sent when asked for, one user at a time.
        Response invited = api.post(clinic.user(ana.at("/id").asString()) + "/invitation", clinic.owner(), "");
        assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
        assertTrailVerifies();
    }

    @Test
    void anNdjsonImportTakesTheUserObjectOfPostUsers() {
        String downtown = fixtures.location(clinic, "Downtown");
        Response imported = upload(clinic.owner(), "application/x-ndjson",
                json("username", "cyd", "firstName", "Cyd", "lastName", "C", "email", "cy@example.com", "roles",
                        dev.gatehouse.server.testing.ApiClient.raw("[" + roleAt("provider", downtown) + "]"),
                        "profile", dev.gatehouse.server.testing.ApiClient.raw(json("npi", "1234567893"))) + "\n"
                + json("username", "dee", "firstName", "Dee", "lastName", "D", "status", "INACTIVE") + "\n");
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().at("/imported").asLong()).as(imported.raw()).isEqualTo(2);
        JsonNode cy = api.get(clinic.users() + "?q=cyd", clinic.owner()).body().at("/items/0");
        assertThat(api.get(clinic.user(cy.at("/id").asString()), clinic.owner()).text("/profile/npi"))
                .isEqualTo("1234567893");
        assertThat(api.get(clinic.users() + "?q=dee", clinic.owner()).body().at("/items/0/status").asString())
                .isEqualTo("DISABLED");
        assertThat(importedEvents()).isEqualTo(2);
    }

    @Test
    void aBatchWithOneBadLineWritesNothingAndTheOthersAreWritten() {
        StringBuilder body = new StringBuilder(HEADER);
        for (int line = 1; line <= 2500; line++) {
            body.append(line == 1500 ? "x" : "user" + line).append(",First,Last,,,,\n");
        }
        Response imported = upload(clinic.owner(), "text/csv", body.toString());
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().at("/imported").asLong()).isEqualTo(1500);
        assertThat(imported.body().at("/batches").asLong()).isEqualTo(2);
        JsonNode failed = imported.body().at("/failed");
        assertThat(lines(failed)).hasSize(1000).first().isEqualTo(1001L);
        assertThat(lines(failed)).last().isEqualTo(2000L);
        assertThat(failed.get(499).at("/line").asLong()).isEqualTo(1500);
        assertThat(failed.get(499).at("/errors/0/field").asString()).isEqualTo("username");
        assertThat(failed.get(0).at("/errors/0/field").asString()).isEqualTo("batch");
        assertThat(failed.get(0).at("/errors/0/message").asString()).contains("1500");

        assertThat(count("select count(*) from users where tenant_id = :t and username like 'user%'")).isEqualTo(1500);
        assertThat(count("select count(*) from users where tenant_id = :t and username in ('user1000', 'user2001')"))
                .isEqualTo(2);
        assertThat(count("select count(*) from users where tenant_id = :t and username in ('user1001', 'user1999')"))
                .isZero();
        assertThat(importedEvents()).isEqualTo(1500);
        assertTrailVerifies();
    }

    @Test
    void aUserManagerCannotImportSomeoneWithMoreAccessThanTheirOwn() {
        String downtown = fixtures.location(clinic, "Downtown");
        fixtures.customRole(clinic, "user_manager", "TENANT", "users.read", "users.create", "roles.assign",
                "elevation.request", "patients.contact", "appointments.*");
        TestMembers.Member manager = fixtures.member(clinic, "manager", "[" + json("role", "user_manager") + "]");
        Response imported = upload(manager.token(), "text/csv", HEADER
                + "desk1,Desk,One,,,,front_desk@" + downtown + "\n"
                + "boss,Boss,Two,,,,owner\n");
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().at("/imported").asLong()).isZero();
        JsonNode failed = imported.body().at("/failed");
        assertThat(failed.get(1).at("/line").asLong()).isEqualTo(2);
        assertThat(failed.get(1).at("/errors/0/field").asString()).isEqualTo("roles[0].role");
        assertThat(failed.get(1).at("/errors/0/message").asString()).contains("beyond your own access");
        assertThat(count("select count(*) from users where tenant_id = :t and username in ('desk1', 'boss')")).isZero();

        Response alone = upload(manager.token(), "text/csv", HEADER + "desk1,Desk,One,,,,front_desk@" + downtown + "\n");
        assertThat(alone.body().at("/imported").asLong()).as(alone.raw()).isEqualTo(1);
    }

    @Test
    void whatACallerMayGiveAtOnePlaceIsNotTakenForAnotherPlaceOrAnotherCaller() {
        String downtown = fixtures.location(clinic, "Downtown");
        String uptown = fixtures.location(clinic, "Uptown");
        fixtures.customRole(clinic, "assigner", "TENANT", "users.read", "users.create", "roles.assign");
        fixtures.customRole(clinic, "site_reader", "LOCATION", "patients.read");
        TestMembers.Member manager = fixtures.member(clinic, "sitemanager",
                "[" + json("role", "assigner") + "," + roleAt("site_reader", downtown) + "]");
        // One request, one batch: the same role asked at the caller's place, elsewhere, tenant-wide, and there again.
        Response imported = upload(manager.token(), "text/csv", HEADER
                + "here1,Here,One,,,,site_reader@" + downtown + "\n"
                + "there1,There,One,,,,site_reader@" + uptown + "\n"
                + "wide1,Wide,One,,,,site_reader\n"
                + "here2,Here,Two,,,,site_reader@" + downtown + "\n"
                + "there2,There,Two,,,,site_reader@" + uptown + "\n");
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().at("/imported").asLong()).isZero();
        JsonNode failed = imported.body().at("/failed");
        for (int refused : List.of(1, 2, 4)) {
            assertThat(failed.get(refused).at("/errors/0/field").asString()).as(imported.raw()).isEqualTo("roles[0].role");
            assertThat(failed.get(refused).at("/errors/0/message").asString())
                    .contains("you cannot give role site_reader").contains("patients.read beyond your own access");
        }
        for (int fine : List.of(0, 3)) {
            assertThat(failed.get(fine).at("/errors/0/field").asString()).as(imported.raw()).isEqualTo("batch");
        }

        Response here = upload(manager.token(), "text/csv", HEADER
                + "here1,Here,One,,,,site_reader@" + downtown + "\n"
                + "here2,Here,Two,,,,site_reader@" + downtown + "\n");
        assertThat(here.body().at("/imported").asLong()).as(here.raw()).isEqualTo(2);
        // The owner, in a request of their own, may give it anywhere: nothing of the manager's refusals is theirs.
        Response owner = upload(clinic.owner(), "text/csv", HEADER
                + "there1,There,One,,,,site_reader@" + uptown + "\n"
                + "wide1,Wide,One,,,,site_reader\n");
        assertThat(owner.body().at("/imported").asLong()).as(owner.raw()).isEqualTo(2);
        Response again = upload(manager.token(), "text/csv", HEADER + "there2,There,Two,,,,site_reader@" + uptown + "\n");
        assertThat(again.body().at("/imported").asLong()).as(again.raw()).isZero();
        assertThat(importedEvents()).isEqualTo(4);
        assertTrailVerifies();
    }

    @Test
    void anotherTenantsLocationIsAnErrorAndNeverWritten() {
        UserFixtures.Tenant other = fixtures.clinic();
        String theirs = fixtures.location(other, "Theirs");
        Response imported = upload(clinic.owner(), "text/csv", HEADER + "eve,Eve,E,,,,provider@" + theirs + "\n");
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().at("/failed/0/errors/0/field").asString()).isEqualTo("roles[0].location");
        assertThat(imported.body().at("/failed/0/errors/0/message").asString()).isEqualTo("unknown location");
        assertThat(count("select count(*) from assignments where location_id = '" + theirs + "'")).isZero();
    }

    @Test
    void unknownFieldsPasswordsAndDuplicatesAreNamedPerLine() {
        fixtures.user(clinic, "taken", "[]");
        Response imported = upload(clinic.owner(), "application/x-ndjson", String.join("\n",
                json("username", "fay", "firstName", "F", "lastName", "F", "nickname", "effy"),
                json("username", "gus", "firstName", "G", "lastName", "G", "password", "a long secret password"),
                json("username", "hal", "firstName", "H", "lastName", "H", "email", "h@example.com"),
                json("username", "HAL", "firstName", "H", "lastName", "H"),
                json("username", "ida", "firstName", "I", "lastName", "I", "email", "H@example.com"),
                json("username", "Taken", "firstName", "T", "lastName", "T"),
                "not json"));
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        JsonNode failed = imported.body().at("/failed");
        assertThat(failed.size()).isEqualTo(7);
        assertThat(failed.get(0).at("/errors/0/field").asString()).isEqualTo("nickname");
        assertThat(failed.get(1).at("/errors/0/field").asString()).isEqualTo("password");
        assertThat(failed.get(2).at("/errors/0/field").asString()).isEqualTo("batch");
        assertThat(failed.get(3).at("/errors/0/message").asString()).isEqualTo("repeats line 3 of this file");
        assertThat(failed.get(4).at("/errors/0/field").asString()).isEqualTo("email");
        assertThat(failed.get(5).at("/errors/0/message").asString()).isEqualTo("is taken in this tenant");
        assertThat(failed.get(6).at("/errors/0/field").asString()).isEqualTo("line");
        assertThat(imported.raw()).doesNotContain("a long secret password");
        assertThat(count("select count(*) from users where tenant_id = :t and username in ('fay', 'gus', 'hal')"))
                .isZero();
    }

    @Test
    void theWrongContentTypeIs415AndABadHeaderOrLongLineIsRefused() {
        Response plain = upload(clinic.owner(), "text/plain", HEADER);
        assertThat(plain.status()).as(plain.raw()).isEqualTo(415);

        Response header = upload(clinic.owner(), "text/csv", "username,firstName,lastName,nickname\n");
        assertThat(header.status()).as(header.raw()).isEqualTo(400);
        assertThat(header.text("/errors/0/field")).isEqualTo("header");

        Response tooLong = upload(clinic.owner(), "text/csv", HEADER + "ok,Ok,Ok,,,,\n"
                + "long," + "x".repeat(70_000) + ",Last,,,,\n");
        assertThat(tooLong.status()).as(tooLong.raw()).isEqualTo(413);
        assertThat(tooLong.body().at("/imported").asLong()).isZero();

        Response unclosed = upload(clinic.owner(), "text/csv", HEADER + "\"open,Ok,Ok,,,,\n");
        assertThat(unclosed.status()).as(unclosed.raw()).isEqualTo(400);
        assertThat(count("select count(*) from users where tenant_id = :t and username in ('ok', 'long')")).isZero();
    }

    @Test
    void aBrokenCsvStopsTheImportWithTheLineAndKeepsTheBatchesWrittenBefore() {
        StringBuilder body = new StringBuilder(HEADER);
        for (int i = 1; i <= UserImport.BATCH; i++) {
            body.append("early").append(i).append(",Early,Batch,,,,\n");
        }
        Response afterQuote = upload(clinic.owner(), "text/csv", body + "late,\"La\"te,Late,,,,\n");
        assertThat(afterQuote.status()).as(afterQuote.raw()).isEqualTo(400);
        assertThat(afterQuote.body().at("/imported").asLong()).isEqualTo(UserImport.BATCH);
        assertThat(afterQuote.text("/errors/0/field")).isEqualTo("line " + (UserImport.BATCH + 1));
        assertThat(count("select count(*) from users where tenant_id = :t and username like 'early%'"))
                .isEqualTo(UserImport.BATCH);
        assertThat(count("select count(*) from users where tenant_id = :t and username = 'late'")).isZero();

        // Many short fields making one record longer than 64 K are as refused as one long field.
        Response manyFields = upload(clinic.owner(), "text/csv", HEADER + "wide,Wide,Wide,,,," + ",x".repeat(40_000)
                + "\n");
        assertThat(manyFields.status()).as(manyFields.raw()).isEqualTo(413);

        Response latin1 = api.send(clinic.users() + "/import", clinic.owner(), request -> request
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofByteArray(
                        (HEADER + "jos\u00e9,Jos\u00e9,Lat,,,,\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))));
        assertThat(latin1.status()).as(latin1.raw()).isEqualTo(400);
        assertThat(latin1.raw()).contains("UTF-8");
        assertTrailVerifies();
    }

    @Test
    void theEventsOfABatchKeepTextThatCopyMustEscapeAndTheTrailVerifies() {
        // The batch's events go in with COPY's text format: "\\r" and "\\v" there are a backslash and a
        // letter, not a carriage return or a vertical tab (the trail itself turns control characters
        // such as the tab into spaces).
        String agent = "Importer\\v1\tC:\\rosters \"q\"";
        Response imported = api.send(clinic.users() + "/import", clinic.owner(), request -> request
                .header("Content-Type", "text/csv").header("User-Agent", agent)
                .POST(HttpRequest.BodyPublishers.ofString(HEADER + "kim,Kim,K,,,,\nlee,Lee,L,,,,\n")));
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        List<String> agents = jdbc.sql("select user_agent from audit_events where tenant_id = :t"
                        + " and action = 'USER_CREATED' and target_name in ('kim', 'lee')")
                .param("t", UUID.fromString(clinic.id())).query(String.class).list();
        assertThat(agents).containsExactly(agent.replace('\t', ' '), agent.replace('\t', ' '));
        assertTrailVerifies();
    }

    @Test
    void importingNeedsThePermissionToCreateUsers() {
        String downtown = fixtures.location(clinic, "Downtown");
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + roleAt("front_desk", downtown) + "]");
        Response refused = upload(desk.token(), "text/csv", HEADER + "zed,Zed,Z,,,,\n");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(count("select count(*) from users where tenant_id = :t and username = 'zed'")).isZero();
    }

    private long tableNumber(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private long analysesOfUsers() {
        return tableNumber("select analyze_count from pg_stat_user_tables where relid = cast('users' as regclass)");
    }

    private String plan(String sql) {
        return String.join("\n", jdbc.sql(sql).query(String.class).list());
    }

    @Test
    void anImportAnalyzesUsersOnlyWhenTheStatisticsNoLongerDescribeTheTable() {
        // Autovacuum analyzes on its own schedule: off for these two tables, so that only the import's count.
        jdbc.sql("alter table users set (autovacuum_enabled = false)").update();
        jdbc.sql("alter table assignments set (autovacuum_enabled = false)").update();
        try {
            jdbc.sql("analyze users").update();
            long counted = tableNumber("select cast(reltuples as bigint) from pg_class where oid = cast('users' as regclass)");
            long before = analysesOfUsers();

            // Fewer rows than the statistics counted: no ANALYZE (each request ran one before; 0.7 s at 1 M users).
            assertThat(upload(clinic.owner(), "text/csv", HEADER + "few-1,Few,One,,,SERVICE,\n").status())
                    .isEqualTo(200);
            assertThat(analysesOfUsers()).as("one user among " + counted).isEqualTo(before);

            // More rows than the statistics counted, the table more than doubled: analyzed, once its rows are counted.
            StringBuilder many = new StringBuilder(HEADER);
            for (long i = 0; i <= counted; i++) {
                many.append("many-").append(i).append(",Many,Lines,,,SERVICE,\n");
            }
            Response doubled = upload(clinic.owner(), "text/csv", many.toString());
            assertThat(doubled.status()).as(doubled.raw()).isEqualTo(200);
            assertThat(doubled.body().at("/imported").asLong()).isEqualTo(counted + 1);
            assertThat(analysesOfUsers()).as("after " + (counted + 1) + " more users").isEqualTo(before + 1);
        } finally {
            jdbc.sql("alter table users reset (autovacuum_enabled)").update();
            jdbc.sql("alter table assignments reset (autovacuum_enabled)").update();
        }

        // With those statistics the foreign-key check of each imported assignment reads one user by the primary
        // key, as a pooled connection keeps it: PostgreSQL plans it for the values five times, then settles on
        // the generic plan. (Planned for a tenant the statistics have never seen, the first five may walk the
        // tenant's users by username: no more than a batch's worth, five times.)
        String fresh = "'" + UUID.randomUUID() + "', '" + UUID.randomUUID() + "'"; // a tenant never analyzed
        String settled = transactions.execute(status -> {
            jdbc.sql("prepare foreign_key_check(uuid, uuid) as select 1 from only users x where tenant_id = $1"
                    + " and id = $2 for key share of x").update();
            for (int i = 0; i < 5; i++) {
                jdbc.sql("execute foreign_key_check(" + fresh + ")").query().listOfRows();
            }
            String sixth = plan("explain execute foreign_key_check(" + fresh + ")");
            jdbc.sql("deallocate foreign_key_check").update();
            return sixth;
        });
        assertThat(settled).contains("using users_pkey").contains("(tenant_id = $1) AND (id = $2)");
    }
}
