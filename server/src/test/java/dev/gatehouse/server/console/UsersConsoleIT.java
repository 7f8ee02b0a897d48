package dev.gatehouse.server.console;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The users screens over plain HTTP: who may open them, what a location manager sees, that a
 * refused form comes back with the service's field errors next to the fields and the values kept,
 * ending one session of a user, and their own latest actions on their page.
 */
class UsersConsoleIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    private SignedInTenant tenant;
    private ConsoleClient admin;

    @BeforeEach
    void tenant() {
        tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        admin = new ConsoleClient(port());
        admin.signIn(tenant.slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
    }

    @Test
    void aRefusedNewUserComesBackWithTheFieldErrorsAndTheValuesTyped() {
        admin.get("/console/users/new");
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", "");
        fields.put("firstName", "Ivy");
        fields.put("lastName", "Green");
        fields.put("profile.npi", "12");
        fields.put("roles[0].role", "no-such-role");
        fields.put("roles[0].expiresAt", "soon");
        fields.put("passwordChoice", "invite");

        HttpResponse<String> refused = admin.post("/console/users/new", fields);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body())
                .contains("id=\"roles[0].expiresAt-error\"")
                .contains("value=\"Ivy\"").contains("value=\"Green\"").contains("value=\"12\"");
        fields.put("roles[0].expiresAt", "2030-01-01");
        HttpResponse<String> again = admin.post("/console/users/new", fields);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("aria-invalid=\"true\"").contains("aria-describedby=\"username-error\"")
                .contains("id=\"profile.npi-error\"").contains("id=\"roles[0].role-error\"").contains("unknown role");
        assertThat(api.get(tenant.path("/users?q=Ivy"), tenant.adminToken()).text("/total")).isEqualTo("0");
    }

    @Test
    void anInvitedUserIsCreatedAndTheLinkIsShownOnce() {
        admin.get("/console/users/new");
        HttpResponse<String> created = admin.post("/console/users/new", Map.of("username", "ivy", "firstName", "Ivy",
                "lastName", "Green", "email", "ivy@example.com", "passwordChoice", "invite", "kind", "HUMAN",
                "roles[0].role", "front_desk"));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(created.body()).contains("/console/invitation?token=").contains("Copy link");
        HttpResponse<String> roster = admin.get("/console/users?q=ivy");
        assertThat(roster.body()).contains(">ivy</a>").contains("Front Desk/Receptionist @ all locations").contains(">Invited<");
    }

    @Test
    void aGeneratedPasswordIsShownOnceAndMustBeChangedAtFirstSignIn() {
        admin.get("/console/users/new");
        HttpResponse<String> created = admin.post("/console/users/new", Map.of("username", "gus", "firstName", "Gus",
                "lastName", "Grey", "passwordChoice", "generate", "password", "ignored when generating", "kind", "HUMAN",
                "roles[0].role", "front_desk"));

        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        Matcher shown = Pattern.compile("id=\"generated-password\" value=\"([^\"]+)\"").matcher(created.body());
        assertThat(shown.find()).as(created.body()).isTrue();
        String generated = shown.group(1);
        assertThat(generated).hasSize(32).isNotEqualTo("ignored when generating");

        Response signIn = api.post("/api/v1/auth/login", null, json("tenant", tenant.slug(), "username", "gus",
                "password", generated));
        assertThat(signIn.status()).as(signIn.raw()).isEqualTo(200);
        assertThat(signIn.body().at("/requiredActions").toString()).contains("CHANGE_PASSWORD");
        assertThat(admin.get("/console/users/new").body()).doesNotContain(generated);
    }

    @Test
    void aLocationManagerSeesOnlyTheUsersOfTheirLocationAndCannotAssignRoles() {
        String east = api.post(tenant.path("/locations"), tenant.adminToken(), json("name", "East")).text("/id");
        String west = api.post(tenant.path("/locations"), tenant.adminToken(), json("name", "West")).text("/id");
        TestMembers.member("eastmanager").holding("manager").at(east).create(api, tenant);
        UUID eastDesk = UUID.fromString(
                TestMembers.member("eastdesk").holding("front_desk").at(east).create(api, tenant).id());
        TestMembers.member("westdesk").holding("front_desk").at(west).create(api, tenant);
        ConsoleClient manager = new ConsoleClient(port());
        manager.signIn(tenant.slug(), "eastmanager", TestMembers.PASSWORD);

        HttpResponse<String> roster = manager.get("/console/users");

        assertThat(roster.statusCode()).isEqualTo(200);
        assertThat(roster.body()).contains(">eastdesk</a>").doesNotContain("westdesk").doesNotContain(">admin</a>");
        HttpResponse<String> page = manager.get("/console/users/" + eastDesk);
        assertThat(page.body()).contains("Save details").contains(">Lock<").doesNotContain("Assign role");
    }

    @Test
    void withoutUsersReadTheScreenIsTheForbiddenPageAndDeletingSomeoneWithHistoryOffersTheLock() {
        UUID desk = UUID.fromString(TestMembers.member("frontdesk").holding("front_desk").create(api, tenant).id());
        ConsoleClient frontDesk = new ConsoleClient(port());
        frontDesk.signIn(tenant.slug(), "frontdesk", TestMembers.PASSWORD);

        HttpResponse<String> forbidden = frontDesk.get("/console/users");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(forbidden.body()).contains("<code class=\"missing-permission\">users.read</code>");

        admin.get("/console/users/" + desk + "/delete");
        HttpResponse<String> refused = admin.post("/console/users/" + desk + "/delete", Map.of());
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("lock the account instead").contains("Lock instead");
        assertThat(admin.get("/console/users/not-a-user").statusCode()).isEqualTo(404);
    }

    @Test
    void anAdminEndsOneSessionOfAUserFromTheirPage() {
        UUID desk = UUID.fromString(TestMembers.member("desk").holding("front_desk").signedOutAfterFirstSignIn()
                .create(api, tenant).id());
        String laptop = api.login(tenant.slug(), "desk", TestMembers.PASSWORD);
        String phone = api.login(tenant.slug(), "desk", TestMembers.PASSWORD);
        String laptopSession = api.get("/api/v1/me/sessions", laptop).body().at("/items").valueStream()
                .filter(session -> session.at("/current").asBoolean()).findFirst().orElseThrow().at("/id").asString();
        String end = "/console/users/" + desk + "/sessions/" + laptopSession + "/end";

        HttpResponse<String> page = admin.get("/console/users/" + desk);
        assertThat(page.body()).contains("action=\"" + end + "\"").contains("hx-confirm=\"End the session of desk started ");
        HttpResponse<String> ended = admin.post(end, Map.of());

        assertThat(ConsoleSignInIT.location(ended)).isEqualTo("/console/users/" + desk + "?sessionEnded");
        assertThat(api.get("/api/v1/me", laptop).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/me", phone).status()).as("their other device").isEqualTo(200);
        assertThat(admin.get("/console/users/" + desk + "?sessionEnded").body()).contains("The session ended.")
                .doesNotContain(end);
        assertThat(RecordedAudit.of(jdbc, tenant.id(), "SESSION_REVOKED")).singleElement().satisfies(event -> {
            assertThat(event.actor()).isEqualTo(SignedInTenant.ADMIN);
            assertThat(event.targetId()).isEqualTo(laptopSession);
            assertThat(event.details().at("/by").asString()).isEqualTo("admin");
        });
        assertThat(admin.post(end, Map.of()).statusCode()).as("an ended session").isEqualTo(404);
        String adminSession = api.get("/api/v1/me/sessions", tenant.adminToken()).body().at("/items/0/id").asString();
        admin.get("/console/users/" + desk);
        assertThat(admin.post("/console/users/" + desk + "/sessions/" + adminSession + "/end", Map.of()).statusCode())
                .as("someone else's session under this user").isEqualTo(404);
        assertThat(api.get("/api/v1/me", tenant.adminToken()).status()).isEqualTo(200);
    }

    @Test
    void theUserPageShowsTheirOwnLatestTenActionsOnlyToThoseWhoMayReadTheTrail() {
        UUID desk = UUID.fromString(TestMembers.member("desk").holding("front_desk").create(api, tenant).id());
        for (int i = 0; i < 11; i++) {
            api.login(tenant.slug(), "desk", TestMembers.PASSWORD);
        }
        assertThat(api.post(tenant.path("/users/" + desk + "/lock"), tenant.adminToken(), "{}").status()).isEqualTo(200);

        String page = admin.get("/console/users/" + desk).body();
        assertThat(page).contains("id=\"recent-activity\"").contains("href=\"/console/activity?actor=desk\"");
        String recent = page.substring(page.indexOf("id=\"recent-activity\""));
        recent = recent.substring(0, recent.indexOf("</table>"));
        assertThat(recent.split("class=\"event\"", -1)).as("ten rows").hasSize(UserPage.RECENT_ACTIVITY + 1);
        assertThat(recent).contains(">LOGIN_SUCCEEDED<").as("the admin's lock is not their action")
                .doesNotContain("USER_LOCKED");

        TestMembers.member("boss").holding("manager").create(api, tenant);
        ConsoleClient manager = new ConsoleClient(port());
        manager.signIn(tenant.slug(), "boss", TestMembers.PASSWORD);
        HttpResponse<String> withoutAuditRead = manager.get("/console/users/" + desk);
        assertThat(withoutAuditRead.statusCode()).isEqualTo(200);
        assertThat(withoutAuditRead.body()).contains("Sessions (").doesNotContain("id=\"activity-heading\"")
                .doesNotContain("LOGIN_SUCCEEDED");
    }
}
