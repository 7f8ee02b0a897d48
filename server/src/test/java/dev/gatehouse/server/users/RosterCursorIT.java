package dev.gatehouse.server.users;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17, keyset paging of the roster: {@code GET …/users?cursor=} from a page's {@code next} or
 * {@code previous} goes on from the user the page ended or began at, so a walk neither repeats nor skips
 * anyone while users are added between its requests, and a cursor opens only in the tenant whose list gave it.
 */
class RosterCursorIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    /** Service accounts {@code <prefix><n>} for each n, written at once as an import would. */
    private void generated(SignedInTenant tenant, String prefix, int from, int to) {
        jdbc.sql("""
                        insert into users (tenant_id, id, username, username_normalized, first_name, last_name, kind, status)
                        select cast(:tenant as uuid), gen_random_uuid(), :prefix || lpad(n::text, 4, '0'),
                               :prefix || lpad(n::text, 4, '0'), 'Generated', 'Number ' || n, 'SERVICE', 'ACTIVE'
                        from generate_series(:from, :to) as n""")
                .param("tenant", UUID.fromString(tenant.id())).param("prefix", prefix).param("from", from)
                .param("to", to).update();
    }

    private Response list(SignedInTenant tenant, String query) {
        return api.get(tenant.path("/users?" + query), tenant.adminToken());
    }

    private static List<String> names(Response page) {
        assertThat(page.status()).as(page.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode item : page.body().at("/items")) {
            names.add(item.at("/username").asString());
        }
        return names;
    }

    private static String cursor(Response page, String which) {
        JsonNode cursor = page.body().get(which);
        assertThat(cursor).as(which + " of " + page.raw()).isNotNull();
        return URLEncoder.encode(cursor.asString(), StandardCharsets.UTF_8);
    }

    @Test
    void aWalkByCursorsNeitherRepeatsNorSkipsAnyoneWhileUsersAreAddedBetweenPages() {
        generated(clinic, "m-", 1, 100);
        List<String> walked = new ArrayList<>();
        Response page = list(clinic, "size=15");
        assertThat(page.body().at("/page").asInt()).isZero();
        assertThat(page.body().has("previous")).as("the first page has none before it").isFalse();
        walked.addAll(names(page));
        int requests = 1;
        while (page.body().has("next")) {
            // Between pages: one user ordered before the walk's place (not to be seen), one ahead of it (to be seen).
            generated(clinic, "a-", requests, requests);
            generated(clinic, "m-", 1000 + requests, 1000 + requests);
            page = list(clinic, "size=15&cursor=" + cursor(page, "next"));
            assertThat(page.body().has("page")).as("a cursor's page has no number").isFalse();
            assertThat(page.body().has("previous")).isTrue();
            walked.addAll(names(page));
            requests++;
            assertThat(requests).as("the walk ends").isLessThan(50);
        }

        List<String> ahead = new ArrayList<>();
        for (int n = 1001; n < 1000 + requests; n++) {
            ahead.add("m-" + n);
        }
        List<String> everyoneAtTheStart = new ArrayList<>(List.of("admin"));
        for (int n = 1; n <= 100; n++) {
            everyoneAtTheStart.add("m-" + String.format("%04d", n));
        }
        assertThat(walked).as("no user twice").doesNotHaveDuplicates();
        assertThat(walked).as("in the list's order").isSortedAccordingTo(String::compareTo);
        assertThat(walked).as("no user of the start skipped, and those added ahead of the walk met")
                .containsAll(everyoneAtTheStart).containsAll(ahead).noneMatch(name -> name.startsWith("a-"));

        // And back: previous from the last page leads page by page to the first, the same users in the same order.
        List<String> now = names(list(clinic, "size=200"));
        List<String> back = new ArrayList<>(names(page));
        int steps = 0;
        while (page.body().has("previous")) {
            page = list(clinic, "size=15&cursor=" + cursor(page, "previous"));
            assertThat(page.body().has("next")).isTrue();
            back.addAll(0, names(page));
            assertThat(++steps).isLessThan(50);
        }
        assertThat(back).isEqualTo(now);
    }

    @Test
    void aCursorPagesTheFilteredListAndAnOffsetPageGivesTheCursorsBesideIt() {
        String north = TestTenants.location(api, clinic, "North", null);
        generated(clinic, "n-", 1, 40);
        jdbc.sql("""
                        insert into assignments (tenant_id, id, user_id, role_key, location_id, source)
                        select tenant_id, gen_random_uuid(), id, 'front_desk', cast(:north as uuid), 'DIRECT'
                        from users where tenant_id = :tenant and username_normalized like 'n-%'
                          and right(username_normalized, 1) in ('0', '5')""")
                .param("tenant", UUID.fromString(clinic.id())).param("north", UUID.fromString(north)).update();

        Response second = list(clinic, "size=3&page=1&location=" + north);
        assertThat(names(second)).containsExactly("n-0020", "n-0025", "n-0030");
        assertThat(names(list(clinic, "size=3&location=" + north + "&cursor=" + cursor(second, "previous"))))
                .containsExactly("n-0005", "n-0010", "n-0015");
        Response last = list(clinic, "size=3&location=" + north + "&cursor=" + cursor(second, "next"));
        assertThat(names(last)).containsExactly("n-0035", "n-0040");
        assertThat(last.body().has("next")).as("the end").isFalse();
        assertThat(last.body().at("/total").asLong()).isEqualTo(8);
    }

    @Test
    void anotherTenantsCursorIsRefusedNamingTheField() {
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        generated(other, "o-", 1, 5);
        String theirs = cursor(list(other, "size=2"), "next");

        Response refused = list(clinic, "size=2&cursor=" + theirs);

        assertThat(refused.status()).as(refused.raw()).isEqualTo(400);
        assertThat(refused.body().at("/errors/0/field").asString()).isEqualTo("cursor");
        assertThat(names(list(other, "size=2&cursor=" + theirs))).containsExactly("o-0002", "o-0003");
    }

    @Test
    void anAlteredOrMadeUpCursorIsRefusedNamingTheField() {
        generated(clinic, "t-", 1, 5);
        String given = list(clinic, "size=2").body().get("next").asString();
        byte[] sealed = Base64.getUrlDecoder().decode(given);
        sealed[sealed.length / 2] ^= 1;
        String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);

        for (String cursor : List.of(altered, "not a cursor", "", "AAAA", "x".repeat(5_000))) {
            Response refused = list(clinic, "size=2&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            if (cursor.isEmpty()) {
                assertThat(refused.status()).as("an empty cursor is none").isEqualTo(200);
                continue;
            }
            assertThat(refused.status()).as(cursor + ": " + refused.raw()).isEqualTo(400);
            assertThat(refused.body().at("/errors/0/field").asString()).isEqualTo("cursor");
        }
        Response both = list(clinic, "size=2&page=1&cursor=" + URLEncoder.encode(given, StandardCharsets.UTF_8));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.body().at("/errors/0/field").asString()).isEqualTo("page");
    }
}
