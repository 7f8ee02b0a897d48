package dev.gatehouse.server.scim;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestServiceAccounts;
import dev.gatehouse.server.testing.TestTenants;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * SCIM 2.0 at {@code /scim/v2/{tenant}} (issue 15; docs/security.md, "SCIM provisioning"), driven
 * with the requests Microsoft Entra ID and Okta document sending ("Tutorial: Develop and plan
 * provisioning for a SCIM endpoint in Microsoft Entra ID"; Okta's "SCIM 2.0 protocol reference").
 */
class ScimIT extends IntegrationTest {

    private static final String PATCH_OP = "\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]";

    private ApiClient.Response scim(String method, String path, @Nullable String key, @Nullable String body,
            String... headers) {
        return api.send(path, key, request -> {
            HttpRequest.Builder shaped = request.header("Accept", "application/scim+json");
            for (int i = 0; i < headers.length; i += 2) {
                shaped = shaped.header(headers[i], headers[i + 1]);
            }
            if (body == null) {
                return shaped.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return shaped.header("Content-Type", "application/scim+json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        });
    }

    private static String scimPath(SignedInTenant tenant, String rest) {
        return "/scim/v2/" + tenant.slug() + rest;
    }

    private static String filter(String filter) {
        return "?filter=" + URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private String key(SignedInTenant tenant, String token, String scopes) {
        ApiClient.Response created = api.post(tenant.path("/api-keys"), token, json("name", "SCIM " + scopes,
                "scopes", raw(scopes)));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        return created.text("/key");
    }

    private static void assertScimError(ApiClient.Response response, int status, @Nullable String scimType) {
        assertThat(response.status()).as(response.raw()).isEqualTo(status);
        assertThat(response.http().headers().firstValue("Content-Type").orElse("")).startsWith("application/scim+json");
        assertThat(response.body().path("schemas").get(0).asString()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(response.text("/status")).isEqualTo(Integer.toString(status));
        if (scimType != null) {
            assertThat(response.text("/scimType")).isEqualTo(scimType);
        }
    }

    /** Entra ID's "Create User" request, as the tutorial shows it. */
    private static String entraUser(String userName, String email) {
        return """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                             "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
                 "userName": "%s",
                 "active": true,
                 "emails": [{"primary": true, "type": "work", "value": "%s"}],
                 "meta": {"resourceType": "User"},
                 "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
                 "roles": []}
                """.formatted(userName, email);
    }

    @Test
    void entraCreatesFindsUpdatesAndDisablesAUser() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        String userName = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1";
        ApiClient.Response created = scim("POST", scimPath(clinic, "/Users"), key,
                entraUser(userName, "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.http().headers().firstValue("Content-Type").orElse("")).startsWith("application/scim+json");
        String id = created.text("/id");
        assertThat(created.text("/userName")).isEqualTo(userName);
        assertThat(created.text("/externalId")).isEqualTo("0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef");
        assertThat(created.text("/name/givenName")).isEqualTo("givenName");
        assertThat(created.text("/name/formatted")).isEqualTo("givenName familyName");
        assertThat(created.body().path("active").booleanValue()).isTrue();
        assertThat(created.text("/emails/0/value")).isEqualTo("Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com");
        assertThat(created.text("/meta/resourceType")).isEqualTo("User");
        assertThat(created.text("/meta/location")).endsWith("/scim/v2/" + clinic.slug() + "/Users/" + id);
        assertThat(created.text("/meta/version")).startsWith("W/\"");
        assertThat(created.http().headers().firstValue("ETag")).contains(created.text("/meta/version"));
        assertThat(created.http().headers().firstValue("Location").orElse("")).endsWith("/Users/" + id);

        // The account is Gatehouse's: active, no password, no invitation; created as the key's owner, source SCIM.
        ApiClient.Response account = api.get(clinic.path("/users/" + id), clinic.adminToken());
        assertThat(account.text("/status")).isEqualTo("ACTIVE");
        assertThat(account.text("/email")).isEqualTo("Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com");
        ApiClient.Response trail = api.get(clinic.path("/audit?action=USER_CREATED"), clinic.adminToken());
        assertThat(trail.raw()).contains(userName).contains("\"source\":\"SCIM\"").contains("\"apiKey\"");

        // "Get User by query": found by userName, and an empty list for nobody.
        ApiClient.Response found = scim("GET", scimPath(clinic, "/Users" + filter("userName eq \"" + userName + "\"")), key,
                null);
        assertThat(found.status()).as(found.raw()).isEqualTo(200);
        assertThat(found.text("/schemas/0")).isEqualTo("urn:ietf:params:scim:api:messages:2.0:ListResponse");
        assertThat(found.text("/totalResults")).isEqualTo("1");
        assertThat(found.text("/Resources/0/id")).isEqualTo(id);
        ApiClient.Response none = scim("GET", scimPath(clinic, "/Users" + filter("userName eq \"non-existent user\"")), key,
                null);
        assertThat(none.text("/totalResults")).isEqualTo("0");
        assertThat(none.body().path("Resources")).isEmpty();

        // "Update User [Multi-valued properties]" and "[Single-valued properties]".
        ApiClient.Response patched = scim("PATCH", scimPath(clinic, "/Users/" + id), key, """
                {%s, "Operations": [
                  {"op": "Replace", "path": "emails[type eq \\"work\\"].value", "value": "updatedEmail@microsoft.com"},
                  {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}]}
                """.formatted(PATCH_OP));
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.text("/emails/0/value")).isEqualTo("updatedEmail@microsoft.com");
        assertThat(patched.text("/name/familyName")).isEqualTo("updatedFamilyName");
        ApiClient.Response renamed = scim("PATCH", scimPath(clinic, "/Users/" + id), key, """
                {%s, "Operations": [{"op": "Replace", "path": "userName", "value": "5b50642d-79fc@testuser.com"}]}
                """.formatted(PATCH_OP));
        assertThat(renamed.text("/userName")).isEqualTo("5b50642d-79fc@testuser.com");
        account = api.get(clinic.path("/users/" + id), clinic.adminToken());
        assertThat(account.text("/email")).isEqualTo("updatedEmail@microsoft.com");
        assertThat(account.text("/lastName")).isEqualTo("updatedFamilyName");
        assertThat(account.text("/username")).isEqualTo("5b50642d-79fc@testuser.com");

        // "Disable User": Entra's string "False" disables; true enables again.
        ApiClient.Response disabled = scim("PATCH", scimPath(clinic, "/Users/" + id), key, """
                {%s, "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}
                """.formatted(PATCH_OP));
        assertThat(disabled.status()).as(disabled.raw()).isEqualTo(200);
        assertThat(disabled.body().path("active").booleanValue()).isFalse();
        assertThat(api.get(clinic.path("/users/" + id), clinic.adminToken()).text("/status")).isEqualTo("DISABLED");
        ApiClient.Response enabled = scim("PATCH", scimPath(clinic, "/Users/" + id), key, """
                {%s, "Operations": [{"op": "Replace", "path": "active", "value": true}]}
                """.formatted(PATCH_OP));
        assertThat(enabled.body().path("active").booleanValue()).isTrue();
        assertThat(api.get(clinic.path("/users/" + id), clinic.adminToken()).text("/status")).isEqualTo("ACTIVE");
        assertThat(api.get(clinic.path("/audit?action=USER_DISABLED"), clinic.adminToken()).raw())
                .contains("\"source\":\"SCIM\"");

        // A taken userName: 409 uniqueness, and nothing written.
        assertScimError(scim("POST", scimPath(clinic, "/Users"), key, entraUser("5b50642d-79fc@testuser.com",
                "other@testuser.com")), 409, "uniqueness");
        assertThat(scim("GET", scimPath(clinic, "/Users" + filter("emails.value eq \"other@testuser.com\"")), key, null)
                .text("/totalResults")).isEqualTo("0");
    }

    @Test
    void disablingThroughScimEndsThePersonsSessions() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        TestMembers.Member nina = TestMembers.member("nina").holding("front_desk").create(api, clinic);
        assertThat(api.get("/api/v1/me", nina.token()).status()).isEqualTo(200);
        ApiClient.Response okta = scim("PATCH", scimPath(clinic, "/Users/" + nina.id()), key, """
                {%s, "Operations": [{"op": "replace", "value": {"active": false}}]}
                """.formatted(PATCH_OP));
        assertThat(okta.status()).as(okta.raw()).isEqualTo(200);
        assertThat(okta.body().path("active").booleanValue()).isFalse();
        assertThat(api.get("/api/v1/me", nina.token()).status()).as("her session ended").isEqualTo(401);
    }

    @Test
    void oktaCreatesFiltersReplacesAndDeactivates() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        // Okta's "Create the user" request: it sends a password, which Gatehouse does not keep.
        ApiClient.Response created = scim("POST", scimPath(clinic, "/Users"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                 "userName": "test.user@okta.local",
                 "name": {"givenName": "Test", "familyName": "User"},
                 "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
                 "displayName": "Test User",
                 "locale": "en-US",
                 "externalId": "00ujl29u0le5T6Aj10h7",
                 "groups": [],
                 "password": "1mz050nq",
                 "active": true}
                """);
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.body().has("password")).isFalse();
        assertThat(created.text("/locale")).isEqualTo("en-US");
        assertThat(created.text("/displayName")).isEqualTo("Test User");
        String id = created.text("/id");
        ApiClient.Response signIn = api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username",
                "test.user@okta.local", "password", "1mz050nq"));
        assertThat(signIn.status()).as("the password Okta sent is not kept").isEqualTo(401);

        // "Check if the user exists": Okta's query with its paging parameters.
        ApiClient.Response found = scim("GET", scimPath(clinic, "/Users" + filter("userName eq \"test.user@okta.local\"")
                + "&startIndex=1&count=100"), key, null);
        assertThat(found.text("/totalResults")).isEqualTo("1");
        assertThat(found.text("/startIndex")).isEqualTo("1");
        assertThat(found.text("/itemsPerPage")).isEqualTo("1");

        // "Update a specific user (PUT)".
        ApiClient.Response replaced = scim("PUT", scimPath(clinic, "/Users/" + id), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                 "id": "%s",
                 "userName": "test.user@okta.local",
                 "name": {"givenName": "Another", "middleName": "Middle", "familyName": "User"},
                 "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
                 "displayName": "Another User",
                 "locale": "en-US",
                 "externalId": "00ujl29u0le5T6Aj10h7",
                 "groups": [],
                 "active": true,
                 "meta": {"resourceType": "User"}}
                """.formatted(id));
        assertThat(replaced.status()).as(replaced.raw()).isEqualTo(200);
        assertThat(replaced.text("/name/givenName")).isEqualTo("Another");
        assertThat(replaced.text("/name/middleName")).isEqualTo("Middle");
        assertThat(api.get(clinic.path("/users/" + id), clinic.adminToken()).text("/firstName")).isEqualTo("Another");

        // "Update a specific user (PATCH)": deactivation.
        ApiClient.Response deactivated = scim("PATCH", scimPath(clinic, "/Users/" + id), key, """
                {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations": [{"op": "replace", "value": {"active": false}}]}
                """);
        assertThat(deactivated.status()).as(deactivated.raw()).isEqualTo(200);
        assertThat(deactivated.body().path("active").booleanValue()).isFalse();
        assertThat(api.get(clinic.path("/users/" + id), clinic.adminToken()).text("/status")).isEqualTo("DISABLED");

        // An id in the body that is not the resource's: mutability.
        assertScimError(scim("PUT", scimPath(clinic, "/Users/" + id), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": "another",
                 "userName": "test.user@okta.local", "name": {"givenName": "A", "familyName": "B"}}
                """), 400, "mutability");
    }

    @Test
    void filtersSortsAndPages() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        List<String> ids = new ArrayList<>();
        for (String[] person : List.of(new String[] {"amy", "Adams", "amy@north.example"},
                new String[] {"bob", "Baker", "bob@south.example"}, new String[] {"cat", "Carter", "cat@north.example"},
                new String[] {"dan", "Dunn", "dan@south.example"}, new String[] {"eve", "Evans", "eve@north.example"})) {
            ApiClient.Response created = scim("POST", scimPath(clinic, "/Users"), key, """
                    {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "%s", "externalId": "ext-%s",
                     "name": {"givenName": "%s", "familyName": "%s"}, "emails": [{"value": "%s", "type": "work"}],
                     "title": %s}
                    """.formatted(person[0], person[0], person[0], person[1], person[2],
                    person[0].equals("cat") ? "\"Nurse\"" : "null"));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            ids.add(created.text("/id"));
        }
        String users = scimPath(clinic, "/Users");
        assertThat(names(scim("GET", users + filter("emails.value co \"north\"") + "&sortBy=userName", key, null)))
                .containsExactly("amy", "cat", "eve");
        assertThat(names(scim("GET", users + filter("name.familyName sw \"D\" or name.familyName sw \"b\"")
                + "&sortBy=userName", key, null))).containsExactly("bob", "dan");
        assertThat(names(scim("GET", users + filter("emails.value co \"north\" and not (userName eq \"amy\")")
                + "&sortBy=userName", key, null))).containsExactly("cat", "eve");
        assertThat(names(scim("GET", users + filter("title pr"), key, null))).containsExactly("cat");
        assertThat(names(scim("GET", users + filter("externalId eq \"ext-dan\""), key, null))).containsExactly("dan");
        assertThat(names(scim("GET", users + filter("id eq \"" + ids.get(1) + "\""), key, null))).containsExactly("bob");

        ApiClient.Response page = scim("GET", users + filter("userName ne \"admin\"")
                + "&sortBy=name.familyName&sortOrder=descending&startIndex=2&count=2", key, null);
        assertThat(page.text("/totalResults")).isEqualTo("5");
        assertThat(page.text("/startIndex")).isEqualTo("2");
        assertThat(page.text("/itemsPerPage")).isEqualTo("2");
        assertThat(names(page)).containsExactly("dan", "cat");
        ApiClient.Response counted = scim("GET", users + "?count=0", key, null);
        assertThat(counted.text("/totalResults")).as("five and the admin").isEqualTo("6");
        assertThat(counted.body().path("Resources")).isEmpty();
        ApiClient.Response slim = scim("GET", users + filter("userName eq \"amy\"") + "&attributes=userName", key, null);
        assertThat(slim.body().path("Resources").get(0).has("emails")).isFalse();
        assertThat(slim.text("/Resources/0/userName")).isEqualTo("amy");

        assertScimError(scim("GET", users + filter("userName eq"), key, null), 400, "invalidFilter");
        assertScimError(scim("GET", users + filter("userName regex \"a\""), key, null), 400, "invalidFilter");
        assertScimError(scim("GET", users + "?sortBy=userName&sortOrder=sideways", key, null), 400, "invalidValue");
    }

    private static List<String> names(ApiClient.Response list) {
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        list.body().path("Resources").forEach(user -> names.add(user.path("userName").asString()));
        return names;
    }

    @Test
    void ifMatchOnAnOldVersionIs412() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        ApiClient.Response created = scim("POST", scimPath(clinic, "/Users"), key, entraUser("etag.user", "etag@x.example"));
        String id = created.text("/id");
        String first = created.text("/meta/version");
        ApiClient.Response read = scim("GET", scimPath(clinic, "/Users/" + id), key, null);
        assertThat(read.http().headers().firstValue("ETag")).contains(first);

        String rename = "{" + PATCH_OP + ", \"Operations\": [{\"op\": \"replace\", \"path\": \"title\", \"value\": \"Nurse\"}]}";
        ApiClient.Response changed = scim("PATCH", scimPath(clinic, "/Users/" + id), key, rename, "If-Match", first);
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        String second = changed.text("/meta/version");
        assertThat(second).isNotEqualTo(first);

        assertScimError(scim("PATCH", scimPath(clinic, "/Users/" + id), key, rename, "If-Match", first), 412, null);
        assertScimError(scim("PUT", scimPath(clinic, "/Users/" + id), key, entraUser("etag.user", "etag@x.example"),
                "If-Match", first), 412, null);
        assertScimError(scim("DELETE", scimPath(clinic, "/Users/" + id), key, null, "If-Match", first), 412, null);
        // A change made outside SCIM changes the version too.
        api.patch(clinic.path("/users/" + id), clinic.adminToken(), json("firstName", "Changed"));
        assertScimError(scim("PATCH", scimPath(clinic, "/Users/" + id), key, rename, "If-Match", second), 412, null);
        String third = scim("GET", scimPath(clinic, "/Users/" + id), key, null).text("/meta/version");
        assertThat(scim("PATCH", scimPath(clinic, "/Users/" + id), key, rename, "If-Match", third).status()).isEqualTo(200);
    }

    @Test
    void onlyAnApiKeyOfTheTenantHoldingScimProvisionGetsIn() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        String users = scimPath(clinic, "/Users");
        assertScimError(scim("GET", users, null, null), 401, null);
        assertScimError(scim("GET", users, "ghk_nonsense_0123456789012345678901234567890123", null), 401, null);
        assertScimError(scim("GET", users, clinic.adminToken(), null), 401, null);
        assertScimError(scim("GET", users, key(other, other.adminToken(), "[\"*\"]"), null), 401, null);
        String withoutScim = key(clinic, clinic.adminToken(), "[\"users.*\", \"roles.assign\"]");
        assertScimError(scim("GET", users, withoutScim, null), 403, null);
        assertThat(api.get(clinic.path("/audit?action=PERMISSION_DENIED"), clinic.adminToken()).raw())
                .contains("scim.provision");
        // A manager holds no scim.provision, whatever their key's scopes.
        TestMembers.Member manager = TestMembers.member("mia").holding("manager").create(api, clinic);
        assertScimError(scim("GET", users, key(clinic, manager.token(), "[\"*\"]"), null), 403, null);
        assertThat(scim("GET", users, key(clinic, clinic.adminToken(), "[\"*\"]"), null).status()).isEqualTo(200);

        // SCIM sees the whole tenant: one who reads users only at a location may not provision.
        String downtown = TestTenants.location(api, clinic, "Downtown", null);
        ApiClient.Response role = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "site_it", "name",
                "Site IT", "description", "reads the staff of its site", "grants", raw("[{\"permission\": \"scim.provision\"},"
                        + " {\"permission\": \"users.read\", \"scope\": \"LOCATION\"}]")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        TestMembers.Member site = TestMembers.member("siteit").holding("site_it").at(downtown).create(api, clinic);
        ApiClient.Response refused = scim("GET", users, key(clinic, site.token(), "[\"*\"]"), null);
        assertScimError(refused, 403, null);
        assertThat(refused.text("/detail")).contains("tenant-wide");
    }

    @Test
    void aKeyOverItsRateLimitIsTold429WithRetryAfter() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ApiClient.Response created = api.post(clinic.path("/api-keys"), clinic.adminToken(), json("name", "Entra",
                "scopes", raw("[\"*\"]"), "rateLimit", raw("{\"requests\": 2, \"perSeconds\": 3600}")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String key = created.text("/key");
        String users = scimPath(clinic, "/Users");
        assertThat(scim("GET", users, key, null).status()).isEqualTo(200);
        assertThat(scim("GET", users, key, null).status()).isEqualTo(200);
        ApiClient.Response flooded = scim("GET", users, key, null);
        assertScimError(flooded, 429, null);
        assertThat(flooded.http().headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void aServiceAccountsKeyProvisionsAndTheAccountIsNoScimUser() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String robot = TestServiceAccounts.serviceAccount("entra-provisioning").holding("owner").create(api, clinic);
        ApiClient.Response created = api.post(clinic.path("/api-keys"), clinic.adminToken(), json("name", "Entra",
                "scopes", raw("[\"*\"]"), "serviceAccount", robot));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String key = created.text("/key");
        assertThat(names(scim("GET", scimPath(clinic, "/Users"), key, null))).containsExactly(SignedInTenant.ADMIN);
        assertScimError(scim("GET", scimPath(clinic, "/Users/" + robot), key, null), 404, null);
        ApiClient.Response group = scim("POST", scimPath(clinic, "/Groups"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "billing",
                 "members": [{"value": "%s"}]}
                """.formatted(clinic.adminId()));
        assertThat(group.status()).as("the tenant admin is a member like anyone: " + group.raw()).isEqualTo(201);
        assertThat(roles(clinic, clinic.adminId())).contains("billing:SCIM");
        assertScimError(scim("POST", scimPath(clinic, "/Groups"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "provider",
                 "members": [{"value": "%s"}]}
                """.formatted(robot)), 400, "invalidValue");
    }

    @Test
    void aGroupIsReplacedWholeByPut() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        TestMembers.Member ann = TestMembers.member("ann").create(api, clinic);
        TestMembers.Member ben = TestMembers.member("ben").create(api, clinic);
        ApiClient.Response group = scim("POST", scimPath(clinic, "/Groups"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "billing",
                 "members": [{"value": "%s"}]}
                """.formatted(ann.id()));
        assertThat(group.status()).as(group.raw()).isEqualTo(201);
        assertThat(roles(clinic, ann.id())).containsExactly("billing:SCIM");
        String id = group.text("/id");
        ApiClient.Response replaced = scim("PUT", scimPath(clinic, "/Groups/" + id), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "id": "%s", "displayName": "Provider",
                 "externalId": "okta-00g1", "members": [{"value": "%s", "display": "ben"}]}
                """.formatted(id, ben.id()), "If-Match", group.text("/meta/version"));
        assertThat(replaced.status()).as(replaced.raw()).isEqualTo(200);
        assertThat(replaced.text("/displayName")).isEqualTo("Provider");
        assertThat(replaced.text("/externalId")).isEqualTo("okta-00g1");
        assertThat(replaced.text("/members/0/display")).isEqualTo("ben");
        assertThat(roles(clinic, ann.id())).isEmpty();
        assertThat(roles(clinic, ben.id())).containsExactly("provider:SCIM");
        // Okta renames with a value object; the name now names no role, so its member loses the role.
        ApiClient.Response renamed = scim("PATCH", scimPath(clinic, "/Groups/" + id), key, """
                {%s, "Operations": [{"op": "replace", "value": {"id": "%s", "displayName": "Test SCIMv2"}}]}
                """.formatted(PATCH_OP, id));
        assertThat(renamed.status()).as(renamed.raw()).isEqualTo(200);
        assertThat(roles(clinic, ben.id())).isEmpty();
        assertScimError(scim("POST", scimPath(clinic, "/Groups"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "test scimv2"}
                """), 409, "uniqueness");
        assertThat(api.get(clinic.path("/scim/groups"), clinic.adminToken()).raw()).contains("Test SCIMv2")
                .contains("BY_NAME");
    }

    @Test
    void groupsGiveTheirRolesWithSourceScimAndTakeOnlyThoseAway() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        TestMembers.Member ann = TestMembers.member("ann").holding("billing").create(api, clinic);
        TestMembers.Member ben = TestMembers.member("ben").create(api, clinic);

        // Entra's "Create Group", named as a role: it gives that role.
        ApiClient.Response group = scim("POST", scimPath(clinic, "/Groups"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group",
                             "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
                 "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
                 "displayName": "front_desk",
                 "meta": {"resourceType": "Group"}}
                """);
        assertThat(group.status()).as(group.raw()).isEqualTo(201);
        String id = group.text("/id");
        assertThat(group.body().path("members")).isEmpty();

        // Entra's "Add Member".
        ApiClient.Response added = scim("PATCH", scimPath(clinic, "/Groups/" + id), key, """
                {%s, "Operations": [{"op": "Add", "path": "members",
                  "value": [{"$ref": null, "value": "%s"}, {"$ref": null, "value": "%s"}]}]}
                """.formatted(PATCH_OP, ann.id(), ben.id()));
        assertThat(added.status()).as(added.raw()).isEqualTo(200);
        assertThat(added.body().path("members")).hasSize(2);
        assertThat(roles(clinic, ann.id())).containsExactlyInAnyOrder("billing:DIRECT", "front_desk:SCIM");
        assertThat(roles(clinic, ben.id())).containsExactly("front_desk:SCIM");
        ApiClient.Response member = scim("GET", scimPath(clinic, "/Groups" + filter("displayName eq \"front_desk\" and"
                + " members eq \"" + ann.id() + "\"") + "&excludedAttributes=members"), key, null);
        assertThat(member.text("/totalResults")).isEqualTo("1");
        assertThat(member.body().path("Resources").get(0).has("members")).isFalse();

        // Entra's "Remove Member": only the SCIM assignment goes; the DIRECT one stays.
        ApiClient.Response removed = scim("PATCH", scimPath(clinic, "/Groups/" + id), key, """
                {%s, "Operations": [{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "%s"}]}]}
                """.formatted(PATCH_OP, ann.id()));
        assertThat(removed.status()).as(removed.raw()).isEqualTo(200);
        assertThat(roles(clinic, ann.id())).containsExactly("billing:DIRECT");
        assertThat(api.get(clinic.path("/audit?action=ROLE_REVOKED"), clinic.adminToken()).raw())
                .contains("\"source\":\"SCIM\"");

        // The administrator maps the group to another role at a location: its members move at once.
        String downtown = TestTenants.location(api, clinic, "Downtown", null);
        ApiClient.Response mapped = api.patch(clinic.path("/scim/groups/" + id), clinic.adminToken(),
                json("roles", raw("[{\"role\": \"provider\", \"location\": \"" + downtown + "\"}]")));
        assertThat(mapped.status()).as(mapped.raw()).isEqualTo(200);
        assertThat(mapped.text("/mapping")).isEqualTo("SET");
        assertThat(roles(clinic, ben.id())).containsExactly("provider@" + downtown + ":SCIM");
        ApiClient.Response badRole = api.patch(clinic.path("/scim/groups/" + id), clinic.adminToken(),
                json("roles", raw("[{\"role\": \"surgeon\"}]")));
        assertThat(badRole.status()).isEqualTo(400);
        assertThat(badRole.raw()).contains("roles[0].role");
        assertThat(api.patch(clinic.path("/scim/groups/" + id), ann.token(), json("roles", raw("[]"))).status())
                .as("identity-providers.manage is the admins'").isEqualTo(403);
        assertThat(api.get(clinic.path("/scim/groups/" + id), clinic.adminToken()).text("/roles/0/role"))
                .isEqualTo("provider");

        // Okta removes a member by a filtered path; deleting the group takes what it gave.
        ApiClient.Response okta = scim("PATCH", scimPath(clinic, "/Groups/" + id), key, """
                {%s, "Operations": [{"op": "remove", "path": "members[value eq \\"%s\\"]"}]}
                """.formatted(PATCH_OP, ben.id()));
        assertThat(okta.status()).as(okta.raw()).isEqualTo(200);
        assertThat(roles(clinic, ben.id())).isEmpty();
        scim("PATCH", scimPath(clinic, "/Groups/" + id), key, """
                {%s, "Operations": [{"op": "add", "path": "members", "value": [{"value": "%s"}]}]}
                """.formatted(PATCH_OP, ben.id()));
        assertThat(roles(clinic, ben.id())).hasSize(1);
        assertThat(scim("DELETE", scimPath(clinic, "/Groups/" + id), key, null).status()).isEqualTo(204);
        assertThat(roles(clinic, ben.id())).isEmpty();
        assertScimError(scim("GET", scimPath(clinic, "/Groups/" + id), key, null), 404, null);

        // A member that is not one of the tenant's users: invalidValue, nothing written.
        assertScimError(scim("POST", scimPath(clinic, "/Groups"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Nurses",
                 "members": [{"value": "%s"}]}
                """.formatted(clinic.id())), 400, "invalidValue");
        assertThat(scim("GET", scimPath(clinic, "/Groups"), key, null).text("/totalResults")).isEqualTo("0");
    }

    private List<String> roles(SignedInTenant tenant, String user) {
        ApiClient.Response held = api.get(tenant.path("/users/" + user + "/roles"), tenant.adminToken());
        assertThat(held.status()).as(held.raw()).isEqualTo(200);
        List<String> roles = new ArrayList<>();
        for (JsonNode assignment : held.body().path("items")) {
            roles.add(assignment.path("role").asString() + (assignment.path("location").isString()
                    ? "@" + assignment.path("location").asString() : "") + ":" + assignment.path("source").asString());
        }
        return roles;
    }

    @Test
    void aKeyWhoseOwnerLacksARoleCannotGrantItThroughAGroup() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        ApiClient.Response role = api.post(clinic.path("/roles"), clinic.adminToken(), json("key", "provisioner", "name",
                "Provisioner", "description", "provisions staff through SCIM", "inherits", raw("[\"front_desk\"]"),
                "grants", raw("[{\"permission\": \"scim.provision\"}, {\"permission\": \"users.read\"},"
                        + " {\"permission\": \"users.create\"}, {\"permission\": \"users.edit\"},"
                        + " {\"permission\": \"roles.assign\"}]")));
        assertThat(role.status()).as(role.raw()).isEqualTo(201);
        TestMembers.Member it = TestMembers.member("itops").holding("provisioner").create(api, clinic);
        String key = key(clinic, it.token(), "[\"*\"]");
        TestMembers.Member zoe = TestMembers.member("zoe").create(api, clinic);

        ApiClient.Response frontDesk = scim("POST", scimPath(clinic, "/Groups"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Front Desk/Receptionist",
                 "members": [{"value": "%s"}]}
                """.formatted(zoe.id()));
        assertThat(frontDesk.status()).as("a role the owner holds, named by its name: " + frontDesk.raw()).isEqualTo(201);
        assertThat(roles(clinic, zoe.id())).containsExactly("front_desk:SCIM");

        ApiClient.Response owners = scim("POST", scimPath(clinic, "/Groups"), key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "owner",
                 "members": [{"value": "%s"}]}
                """.formatted(zoe.id()));
        assertScimError(owners, 403, null);
        assertThat(owners.text("/detail")).contains("owner");
        assertThat(roles(clinic, zoe.id())).containsExactly("front_desk:SCIM");
        assertThat(scim("GET", scimPath(clinic, "/Groups" + filter("displayName eq \"owner\"")), key, null)
                .text("/totalResults")).as("the refused group was not made").isEqualTo("0");

        // Nor can the key disable someone who holds more than its owner: the tenant's admin.
        assertScimError(scim("PATCH", scimPath(clinic, "/Users/" + clinic.adminId()), key, """
                {%s, "Operations": [{"op": "replace", "path": "active", "value": false}]}
                """.formatted(PATCH_OP)), 403, null);
        assertThat(api.get("/api/v1/me", clinic.adminToken()).status()).isEqualTo(200);
    }

    @Test
    void deleteRemovesAnUnusedAccountAndDisablesOneWithHistory() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        String fresh = scim("POST", scimPath(clinic, "/Users"), key, entraUser("fresh.user", "fresh@x.example"))
                .text("/id");
        assertThat(scim("DELETE", scimPath(clinic, "/Users/" + fresh), key, null).status()).isEqualTo(204);
        assertScimError(scim("GET", scimPath(clinic, "/Users/" + fresh), key, null), 404, null);
        assertThat(api.get(clinic.path("/users/" + fresh), clinic.adminToken()).status()).isEqualTo(404);

        TestMembers.Member sam = TestMembers.member("sam").holding("front_desk").create(api, clinic);
        String session = sam.token();
        assertThat(scim("DELETE", scimPath(clinic, "/Users/" + sam.id()), key, null).status()).isEqualTo(204);
        assertScimError(scim("GET", scimPath(clinic, "/Users/" + sam.id()), key, null), 404, null);
        assertThat(names(scim("GET", scimPath(clinic, "/Users" + filter("userName eq \"sam\"")), key, null))).isEmpty();
        ApiClient.Response kept = api.get(clinic.path("/users/" + sam.id()), clinic.adminToken());
        assertThat(kept.text("/status")).as("signed in once: kept for the trail, disabled").isEqualTo("DISABLED");
        assertThat(api.get("/api/v1/me", session).status()).isEqualTo(401);
    }

    @Test
    void badRequestsAreRefusedInTheScimErrorSchema() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        String users = scimPath(clinic, "/Users");
        assertScimError(scim("POST", users, key, "{\"schemas\": ["), 400, "invalidSyntax");
        assertScimError(scim("POST", users, key, "{\"userName\": \"x1\"}"), 400, "invalidSyntax");
        assertScimError(scim("POST", users, key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x1", "shoeSize": 44,
                 "name": {"givenName": "A", "familyName": "B"}}
                """), 400, "invalidValue");
        assertScimError(scim("POST", users, key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x1",
                 "name": {"givenName": "A"}}
                """), 400, "invalidValue");
        assertScimError(scim("POST", users, key, """
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "x1", "active": "maybe",
                 "name": {"givenName": "A", "familyName": "B"}}
                """), 400, "invalidValue");
        assertScimError(scim("GET", users + "/not-an-id", key, null), 404, null);
        assertScimError(scim("GET", users + "/" + other.adminId(), key, null), 404, null);
        assertScimError(scim("PATCH", users + "/" + clinic.adminId(), key, "{\"Operations\": []}"), 400, "invalidSyntax");
        assertScimError(scim("GET", users + "?startIndex=first", key, null), 400, "invalidValue");
    }

    @Test
    void discoveryDocumentsSayWhatIsSupported() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String key = key(clinic, clinic.adminToken(), "[\"*\"]");
        ApiClient.Response config = scim("GET", scimPath(clinic, "/ServiceProviderConfig"), key, null);
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.body().at("/patch/supported").booleanValue()).isTrue();
        assertThat(config.body().at("/filter/supported").booleanValue()).isTrue();
        assertThat(config.body().at("/filter/maxResults").asInt()).isEqualTo(200);
        assertThat(config.body().at("/sort/supported").booleanValue()).isTrue();
        assertThat(config.body().at("/etag/supported").booleanValue()).isTrue();
        assertThat(config.body().at("/bulk/supported").booleanValue()).isFalse();
        assertThat(config.body().at("/changePassword/supported").booleanValue()).isFalse();
        assertThat(config.text("/authenticationSchemes/0/type")).isEqualTo("oauthbearertoken");
        ApiClient.Response types = scim("GET", scimPath(clinic, "/ResourceTypes"), key, null);
        assertThat(types.text("/totalResults")).isEqualTo("2");
        assertThat(types.text("/Resources/0/endpoint")).isEqualTo("/Users");
        assertThat(types.text("/Resources/0/schemaExtensions/0/schema"))
                .isEqualTo("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User");
        ApiClient.Response schemas = scim("GET", scimPath(clinic, "/Schemas"), key, null);
        assertThat(schemas.text("/totalResults")).isEqualTo("3");
        ApiClient.Response user = scim("GET", scimPath(clinic, "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User"), key,
                null);
        assertThat(user.status()).as(user.raw()).isEqualTo(200);
        assertThat(user.raw()).contains("\"userName\"").contains("\"emails\"");
        assertScimError(scim("GET", scimPath(clinic, "/Schemas/urn:nothing"), key, null), 404, null);
    }
}
