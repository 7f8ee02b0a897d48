package dev.gatehouse.server.tenancy;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import org.junit.jupiter.api.Test;

class TenantsIT extends IntegrationTest {

    private static final String ADMIN_PASSWORD = "first-admin-password-123";

    private Response createClinic(String token, String slug) {
        return api.post("/api/v1/tenants", token, json("slug", slug, "name", "Downtown Clinic", "pack", "clinic",
                "admin", raw(json("username", "owner", "firstName", "Olive", "lastName", "Owner", "email",
                        "olive@example.com", "password", ADMIN_PASSWORD))));
    }

    @Test
    void operatorCreatesATenantFromAPackAndItsAdminMustChangeThePasswordFirst() {
        String operator = operatorToken();
        String slug = uniqueSlug("clinic");
        Response created = createClinic(operator, slug);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/slug")).isEqualTo(slug);
        assertThat(created.text("/pack")).isEqualTo("clinic");
        assertThat(created.body().at("/admin/id").isString()).isTrue();

        Response login = api.post("/api/v1/auth/login", null, json("tenant", slug, "username", "OWNER", "password",
                ADMIN_PASSWORD));
        assertThat(login.status()).as(login.raw()).isEqualTo(200);
        assertThat(login.body().at("/requiredActions").toString()).contains("CHANGE_PASSWORD");
        String admin = login.text("/token");

        // seed 001: until the admin-set password is changed, the token reaches only its own account.
        assertThat(api.get("/api/v1/tenants/" + slug, admin).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/me", admin).status()).isEqualTo(200);
        Response changed = api.post("/api/v1/me/password", admin, json("currentPassword", ADMIN_PASSWORD,
                "newPassword", "a brand new long passphrase"));
        assertThat(changed.status()).as(changed.raw()).isEqualTo(204);

        String fresh = api.login(slug, "owner", "a brand new long passphrase");
        Response me = api.get("/api/v1/me", fresh);
        assertThat(me.body().at("/requiredActions").size()).isZero();
        assertThat(me.body().at("/permissions").toString()).contains("users.create", "patients.read");
        assertThat(api.get("/api/v1/tenants/" + slug, fresh).status()).isEqualTo(200);
    }

    @Test
    void operatorsListTenantsButTenantAdminsCannotCreateOrListThem() {
        String operator = operatorToken();
        String slug = uniqueSlug("rcm");
        assertThat(api.post("/api/v1/tenants", operator, json("slug", slug, "name", "Billing Co", "pack", "rcm",
                "admin", raw(json("username", "lead", "firstName", "Lee", "lastName", "Lead")))).status()).isEqualTo(201);
        // The shared test database holds every test class's tenants, ordered by slug: walk all pages.
        StringBuilder everyPage = new StringBuilder();
        long total = -1;
        for (int page = 0; total < 0 || (long) page * 200 < total; page++) {
            Response list = api.get("/api/v1/tenants?size=200&page=" + page, operator);
            assertThat(list.status()).isEqualTo(200);
            everyPage.append(list.body().at("/items"));
            total = list.body().at("/total").asLong();
        }
        assertThat(total).isPositive();
        assertThat(everyPage.toString()).contains("\"" + slug + "\"").doesNotContain("\"platform\"");
    }

    @Test
    void anInvitedFirstAdminGetsAOneUseLinkInsteadOfAPassword() {
        Response created = api.post("/api/v1/tenants", operatorToken(), json("slug", uniqueSlug("desk"), "name",
                "Desk", "pack", "service-desk", "admin", raw(json("username", "sam", "firstName", "Sam", "lastName",
                        "Admin", "email", "sam@example.com"))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/admin/invitationUrl")).contains("/console/invitation?token=");
    }

    @Test
    void rejectsBadInputWithA400NamingTheField() {
        String operator = operatorToken();
        Response badPack = api.post("/api/v1/tenants", operator, json("slug", uniqueSlug("x"), "name", "X", "pack",
                "hospital", "admin", raw(json("username", "abc", "firstName", "A", "lastName", "B"))));
        assertThat(badPack.status()).isEqualTo(400);
        assertThat(badPack.body().at("/errors/0/field").asString()).isEqualTo("pack");

        Response badSlug = api.post("/api/v1/tenants", operator, json("slug", "Not A Slug", "name", "X", "pack",
                "clinic", "admin", raw(json("username", "abc", "firstName", "A", "lastName", "B"))));
        assertThat(badSlug.status()).as(badSlug.raw()).isEqualTo(400);
        assertThat(badSlug.raw()).as(badSlug.raw()).contains("errors");
        assertThat(badSlug.body().at("/errors/0/field").asString()).isEqualTo("slug");

        Response shortUsername = api.post("/api/v1/tenants", operator, json("slug", uniqueSlug("x"), "name", "X",
                "pack", "clinic", "admin", raw(json("username", "ab", "firstName", "A", "lastName", "B"))));
        assertThat(shortUsername.status()).isEqualTo(400);
        assertThat(shortUsername.body().at("/errors/0/field").asString()).isEqualTo("admin.username");

        Response malformed = api.post("/api/v1/tenants", operator, "{\"slug\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.body().at("/status").asInt()).isEqualTo(400);

        Response wrongType = api.post("/api/v1/tenants", operator, "{\"slug\": \"x-1\", \"admin\": 5}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.raw()).doesNotContain("Exception");

        String slug = uniqueSlug("dup");
        assertThat(createClinic(operator, slug).status()).isEqualTo(201);
        assertThat(createClinic(operator, slug).status()).isEqualTo(409);
    }

    @Test
    void signInFailuresLookAlikeWhetherOrNotTheUserExists() {
        Response unknown = api.post("/api/v1/auth/login", null, json("tenant", "platform", "username", "nobody",
                "password", "whatever-it-is"));
        Response wrong = api.post("/api/v1/auth/login", null, json("tenant", "platform", "username", OPERATOR,
                "password", "not the password"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(unknown.body().at("/detail")).isEqualTo(wrong.body().at("/detail"));
        assertThat(api.get("/api/v1/me", "made-up-token").status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", null).status()).isEqualTo(401);
    }

    @Test
    void logoutKillsTheToken() {
        String token = operatorToken();
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/auth/logout", token, "").status()).isEqualTo(204);
        assertThat(api.get("/api/v1/me", token).status()).isEqualTo(401);
    }
}
