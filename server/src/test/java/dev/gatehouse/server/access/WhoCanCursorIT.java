package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17, keyset paging of who-can: {@code GET …/who-can?cursor=} from a page's {@code next} or
 * {@code previous} goes on from the holder the page ended or began at, so a walk neither repeats nor skips
 * anyone while holders are added between its requests; a cursor opens only for the tenant and the question
 * that gave it; and an offset page's holders before it are placed in SQL, the certain ones never decided.
 */
class WhoCanCursorIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessCache cache;

    @Autowired
    Access access;

    @Autowired
    Clock clock;

    SignedInTenant clinic;
    String downtown;

    /**
     * A clinic whose holders of patients.read at Downtown mix the three kinds who-can tells apart: owners
     * (certain: a tenant-wide unconditional grant), conditional readers there (decided, allowed) and never
     * readers (decided, refused), and users holding nothing.
     */
    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        downtown = TestTenants.location(api, clinic, "Downtown", null);
        role("conditional_reader", """
                [{"permission": "patients.read", "scope": "LOCATION", "condition": "request.time.hour >= 0"}]""");
        role("never_reader", """
                [{"permission": "patients.*", "scope": "TENANT", "condition": "request.time.hour < 0"}]""");
    }

    private void role(String key, String grants) {
        Response created = api.post(clinic.path("/roles"), clinic.adminToken(),
                json("key", key, "name", key, "inherits", raw("[]"), "grants", raw(grants)));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
    }

    /**
     * Service accounts {@code <prefix><n>} for each n, every third an owner, every third a conditional reader at
     * Downtown, every third a never reader, written at once as an import would.
     */
    private void holders(String prefix, int from, int to) {
        UUID tenant = UUID.fromString(clinic.id());
        jdbc.sql("""
                        insert into users (tenant_id, id, username, username_normalized, first_name, last_name, kind, status)
                        select cast(:tenant as uuid), gen_random_uuid(), :prefix || lpad(n::text, 4, '0'),
                               :prefix || lpad(n::text, 4, '0'), 'Generated', 'Number ' || n, 'SERVICE', 'ACTIVE'
                        from generate_series(:from, :to) as n""")
                .param("tenant", tenant).param("prefix", prefix).param("from", from).param("to", to).update();
        jdbc.sql("""
                        insert into assignments (tenant_id, id, user_id, role_key, location_id, source)
                        select u.tenant_id, gen_random_uuid(), u.id,
                               (array['owner', 'conditional_reader', 'never_reader'])[n % 3 + 1],
                               case when n % 3 = 1 then cast(:downtown as uuid) end, 'DIRECT'
                        from users u, generate_series(:from, :to) as n
                        where u.tenant_id = :tenant and u.username_normalized = :prefix || lpad(n::text, 4, '0')""")
                .param("tenant", tenant).param("prefix", prefix).param("from", from).param("to", to)
                .param("downtown", UUID.fromString(downtown)).update();
    }

    private Response whoCan(SignedInTenant tenant, String query) {
        return api.get(tenant.path("/who-can?" + query), tenant.adminToken());
    }

    private Response whoCan(String query) {
        return whoCan(clinic, "permission=patients.read&location=" + downtown + "&" + query);
    }

    private static List<String> names(Response page) {
        assertThat(page.status()).as(page.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode item : page.body().at("/items")) {
            assertThat(item.at("/via/role").isMissingNode()).as("each holder says how: " + item).isFalse();
            names.add(item.at("/user/username").asString());
        }
        return names;
    }

    private static String cursor(Response page, String which) {
        JsonNode cursor = page.body().get(which);
        assertThat(cursor).as(which + " of " + page.raw()).isNotNull();
        return URLEncoder.encode(cursor.asString(), StandardCharsets.UTF_8);
    }

    /** Who may, every one, as one page of the largest size answers them now. */
    private List<String> everyone() {
        Response all = whoCan("size=200");
        assertThat(all.body().at("/totalIsLowerBound").asBoolean()).isFalse();
        return names(all);
    }

    @Test
    void aWalkByNextNeitherRepeatsNorSkipsAnyHolderWhileHoldersAreAddedAndPreviousLeadsBack() {
        holders("m-", 1, 60);
        List<String> atTheStart = everyone();
        assertThat(atTheStart).as("owners and conditional readers, not never readers").hasSize(41)
                .contains("admin", "m-0001", "m-0003").doesNotContain("m-0002");
        List<String> walked = new ArrayList<>();
        Response page = whoCan("size=6");
        assertThat(page.body().at("/page").asInt()).isZero();
        assertThat(page.body().has("previous")).as("the first page has none before it").isFalse();
        walked.addAll(names(page));
        int requests = 1;
        while (page.body().has("next")) {
            // Between pages: holders ordered before the walk's place (not to be seen), ahead of it (to be seen).
            holders("a-", 3 * requests, 3 * requests + 2);
            holders("m-", 1000 + 3 * requests, 1000 + 3 * requests + 2);
            page = whoCan("size=6&cursor=" + cursor(page, "next"));
            assertThat(page.body().has("page")).as("a cursor's page has no number").isFalse();
            assertThat(page.body().has("previous")).isTrue();
            assertThat(page.body().at("/total").asLong()).as("the whole list's count").isGreaterThan(41);
            walked.addAll(names(page));
            requests++;
            assertThat(requests).as("the walk ends").isLessThan(40);
        }

        assertThat(walked).as("no holder twice").doesNotHaveDuplicates();
        assertThat(walked).as("in the list's order").isSortedAccordingTo(String::compareTo);
        List<String> ahead = everyone().stream().filter(name -> name.startsWith("m-1")).toList();
        assertThat(ahead).isNotEmpty();
        assertThat(walked).as("no holder of the start skipped, and those added ahead of the walk met")
                .containsAll(atTheStart).containsAll(ahead).noneMatch(name -> name.startsWith("a-"))
                .noneMatch(WhoCanCursorIT::neverReader);

        // And back: previous from the last page leads page by page to the first, the list as it now is.
        List<String> now = everyone();
        List<String> back = new ArrayList<>(names(page));
        int steps = 0;
        while (page.body().has("previous")) {
            page = whoCan("size=6&cursor=" + cursor(page, "previous"));
            assertThat(page.body().has("next")).isTrue();
            back.addAll(0, names(page));
            assertThat(++steps).isLessThan(40);
        }
        assertThat(back).isEqualTo(now);
    }

    /** Whether {@code name} is one of {@link #holders}' never readers, whom who-can must not list. */
    private static boolean neverReader(String name) {
        return name.startsWith("m-") && Integer.parseInt(name.substring(2)) % 3 == 2;
    }

    @Test
    void anOffsetPageIsTheSliceOfTheListAndItsCursorsLeadToThePagesBesideIt() {
        holders("m-", 1, 60);
        List<String> all = everyone();
        for (int page = 0; page * 5 <= all.size() + 5; page++) {
            Response answer = whoCan("size=5&page=" + page);
            List<String> slice = all.subList(Math.min(page * 5, all.size()), Math.min(page * 5 + 5, all.size()));
            assertThat(names(answer)).as("page " + page).isEqualTo(slice);
            assertThat(answer.body().at("/total").asLong()).isEqualTo(all.size());
            assertThat(answer.body().has("next")).as("page " + page).isEqualTo(page * 5 + 5 < all.size());
            if (!slice.isEmpty() && page > 0) {
                assertThat(names(whoCan("size=5&cursor=" + cursor(answer, "previous"))))
                        .isEqualTo(all.subList(page * 5 - 5, page * 5));
            }
            if (answer.body().has("next")) {
                assertThat(names(whoCan("size=5&cursor=" + cursor(answer, "next"))))
                        .isEqualTo(all.subList(page * 5 + 5, Math.min(page * 5 + 10, all.size())));
            }
        }
        Response last = whoCan("size=5&cursor=" + cursor(whoCan("size=5&page=7"), "next"));
        assertThat(names(last)).isEqualTo(all.subList(40, 41));
        assertThat(last.body().has("next")).as("the end").isFalse();
    }

    @Test
    void aDeepOffsetPageDecidesNoCertainHolderBeforeItAndNoUncertainOneBeyondTheNextCertain() {
        holders("m-", 1, 60);
        TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
        List<String> all = everyone();
        cache.evictAll();

        // Page 2 of 5: after the first 10 holders (admin, m-0001, m-0003, m-0004 … m-0013); counted to 3 only.
        Access.HolderPage deep = access.holders(tenant, "patients.read", downtown, clock.instant(), 2, 5, 3);

        assertThat(deep.items()).extracting(Access.Holder::username).isEqualTo(all.subList(10, 15));
        assertThat(deep.total()).isEqualTo(16);
        assertThat(deep.totalIsLowerBound()).isTrue();
        // The owners before the page (m-0003, m-0006 …) are placed in SQL, never loaded; the conditional and never
        // readers before it are decided, but only up to the 11th owner (m-0030): the page starts before it.
        assertThat(List.of("m-0003", "m-0006", "m-0030", "m-0060")).noneMatch(name -> profileCached(tenant, name));
        assertThat(List.of("m-0001", "m-0002", "m-0028", "m-0029")).allMatch(name -> profileCached(tenant, name));
        assertThat(List.of("m-0031", "m-0032")).noneMatch(name -> profileCached(tenant, name));
    }

    private boolean profileCached(TenantId tenant, String username) {
        UUID user = jdbc.sql("select id from users where tenant_id = :tenant and username_normalized = :name")
                .param("tenant", tenant.value()).param("name", username).query(UUID.class).single();
        return cache.tenant(tenant, id -> Optional.empty())
                .map(held -> held.profiles().getIfPresent(user) != null).orElse(false);
    }

    @Test
    void aCursorOfAnotherQuestionOrTenantOrAlteredIsRefusedNamingTheField() {
        holders("m-", 1, 12);
        String uptown = TestTenants.location(api, clinic, "Uptown", null);
        String given = whoCan("size=2").body().get("next").asString();
        String encoded = URLEncoder.encode(given, StandardCharsets.UTF_8);
        assertThat(names(whoCan("size=2&cursor=" + encoded))).hasSize(2);

        // The same place asked of another question: another permission, another place, anywhere.
        List<String> otherQuestions = List.of("permission=patients.contact&location=" + downtown,
                "permission=patients.read&location=" + uptown, "permission=patients.read");
        for (String question : otherQuestions) {
            refusedNaming(whoCan(clinic, question + "&size=2&cursor=" + encoded), "cursor", question);
        }
        // Another tenant's, and the users list's own cursors.
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.member("other-owner").holding("owner").createWithoutSignIn(api, other);
        String theirs = cursor(whoCan(other, "permission=patients.read&size=1"), "next");
        refusedNaming(whoCan("size=2&cursor=" + theirs), "cursor", "another tenant's");
        String roster = cursor(api.get(clinic.path("/users?size=2"), clinic.adminToken()), "next");
        refusedNaming(whoCan("size=2&cursor=" + roster), "cursor", "the users list's");

        byte[] sealed = Base64.getUrlDecoder().decode(given);
        sealed[sealed.length / 2] ^= 1;
        String altered = Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);
        for (String cursor : List.of(altered, "not a cursor", "AAAA", "x".repeat(5_000))) {
            refusedNaming(whoCan("size=2&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)), "cursor",
                    cursor);
        }
        refusedNaming(whoCan("size=2&page=1&cursor=" + encoded), "page", "a page number beside a cursor");
        assertThat(whoCan("size=2&cursor=").status()).as("an empty cursor is none").isEqualTo(200);
    }

    private static void refusedNaming(Response refused, String field, @Nullable String what) {
        assertThat(refused.status()).as(what + ": " + refused.raw()).isEqualTo(400);
        assertThat(refused.body().at("/errors/0/field").asString()).as(what).isEqualTo(field);
    }
}
