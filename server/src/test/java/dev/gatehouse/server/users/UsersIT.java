package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static dev.gatehouse.server.users.UserFixtures.role;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Creating, listing, reading, editing and deleting users over HTTP (docs/api.md, "Users"). */
class UsersIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    @Autowired
    ApplicationEventMulticaster multicaster;

    UserFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
    }

    private List<String> actions(UserFixtures.Tenant tenant) {
        return jdbc.sql("select action from audit_events where tenant_id = :t order by seq")
                .param("t", UUID.fromString(tenant.id())).query(String.class).list();
    }

    private String lastDetails(UserFixtures.Tenant tenant, String action) {
        return jdbc.sql("select details::text from audit_events where tenant_id = :t and action = :a order by seq desc limit 1")
                .param("t", UUID.fromString(tenant.id())).param("a", action).query(String.class).single();
    }

    @Test
    void invitationAndResetLinksLiveAsLongAsTheTenantSettingsSay() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        Response patched = api.patch("/api/v1/tenants/" + clinic.slug() + "/settings", clinic.owner(),
                json("invitationHours", 24, "resetLinkMinutes", 15));
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.body().at("/invitationHours").asInt()).isEqualTo(24);
        assertThat(api.patch("/api/v1/tenants/" + clinic.slug() + "/settings", clinic.owner(),
                json("invitationHours", 0)).body().at("/errors/0/field").asString()).isEqualTo("invitationHours");

        Response invited = api.post(clinic.users(), clinic.owner(), json("username", "ivy", "firstName", "I",
                "lastName", "V", "email", "ivy@example.com", "invite", true));
        assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
        assertThat(tokenLifetimeMinutes(clinic, invited.text("/id"), "INVITATION")).isEqualTo(24 * 60);

        String active = fixtures.user(clinic, "ana", "[]");
        assertThat(api.post(clinic.user(active) + "/password-reset", clinic.owner(), "").status()).isEqualTo(202);
        assertThat(tokenLifetimeMinutes(clinic, active, "PASSWORD_RESET")).isEqualTo(15);
    }

    // Issue 17: a creation's events are appended in one write at its end; they stay in the order of
    // what was done, consecutive, and only a creation that commits has any.
    @Test
    void aCreationsEventsAreConsecutiveInOrderAndOnlyACommittedCreationHasAny() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        Response created = api.post(clinic.users(), clinic.owner(), json("username", "ivy", "firstName", "I",
                "lastName", "V", "email", "ivy@example.com", "roles", raw("[" + role("front_desk") + "]")));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        List<String> events = jdbc.sql("""
                        select action || ' ' || seq from audit_events
                        where tenant_id = :t and target_id = :u order by seq
                        """)
                .param("t", UUID.fromString(clinic.id())).param("u", created.text("/id")).query(String.class).list();
        assertThat(events).hasSize(3);
        long first = Long.parseLong(events.getFirst().split(" ")[1]);
        assertThat(events).containsExactly("USER_CREATED " + first, "ROLE_ASSIGNED " + (first + 1),
                "INVITATION_SENT " + (first + 2));

        // Refused after its checks (the username is taken): nothing of it is written, no event, no sequence spent.
        long before = jdbc.sql("select last_seq from audit_sequences where tenant_id = :t")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single();
        Response again = api.post(clinic.users(), clinic.owner(), json("username", "ivy", "firstName", "I",
                "lastName", "V", "email", "other@example.com", "roles", raw("[" + role("front_desk") + "]")));
        assertThat(again.status()).as(again.raw()).isEqualTo(409);
        assertThat(jdbc.sql("select last_seq from audit_sequences where tenant_id = :t")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(before);
    }

    // Issue 17: a creation tells the features that the user is new, so that nothing asks what a user created
    // this moment has lent (Delegations): the creating node right after its commit, and every node, this one
    // too, when its NOTIFY arrives. The change log (and so the change streams) keep it a change of the user,
    // and the user's next change is a plain one everywhere.
    @Test
    void aCreationIsANewUserOnTheCreatingNodeAndInTheAnnouncementEveryNodeHears() throws InterruptedException {
        UserFixtures.Tenant clinic = fixtures.clinic();
        List<AccessChanged.Subject> heard = new CopyOnWriteArrayList<>();
        ApplicationListener<ApplicationEvent> listener = event -> {
            if (event instanceof PayloadApplicationEvent<?> payload
                    && payload.getPayload() instanceof AccessChanged.Subject subject) {
                heard.add(subject);
            }
        };
        multicaster.addApplicationListener(listener);
        try {
            Response created = api.post(clinic.users(), clinic.owner(), json("username", "nova", "firstName", "N",
                    "lastName", "V", "email", "nova@example.com", "roles", raw("[" + role("front_desk") + "]")));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            TenantId tenant = new TenantId(UUID.fromString(clinic.id()));
            UUID user = UUID.fromString(created.text("/id"));
            AccessChanged.Subject asNew = new AccessChanged.Subject(tenant, user, true);
            assertThat(heard).as("right after the commit").contains(asNew);
            awaitHeard(heard, asNew, 2);
            assertThat(heard.stream().filter(asNew::equals).count()).as("after the commit, and the NOTIFY").isEqualTo(2);
            assertThat(heard).doesNotContain(new AccessChanged.Subject(tenant, user, false));
            assertThat(jdbc.sql("select kind from access_change_log where tenant_id = :t and user_id = :u")
                    .param("t", tenant.value()).param("u", user).query(String.class).list())
                    .as("the log, which the change streams replay").containsExactly("SUBJECT");

            Response locked = api.post(clinic.user(user.toString()) + "/lock", clinic.owner(), "");
            assertThat(locked.status()).as(locked.raw()).isEqualTo(200);
            AccessChanged.Subject changed = new AccessChanged.Subject(tenant, user, false);
            assertThat(heard).as("a later change, right after its commit").contains(changed);
            awaitHeard(heard, changed, 2);
            assertThat(heard.stream().filter(changed::equals).count()).as("and its NOTIFY").isEqualTo(2);
            assertThat(heard.stream().filter(asNew::equals).count()).isEqualTo(2);
        } finally {
            multicaster.removeApplicationListener(listener);
        }
    }

    private static void awaitHeard(List<AccessChanged.Subject> heard, AccessChanged.Subject change, long times)
            throws InterruptedException {
        Instant giveUp = Instant.now().plus(Duration.ofSeconds(30));
        while (heard.stream().filter(change::equals).count() < times && Instant.now().isBefore(giveUp)) {
            Thread.sleep(50);
        }
    }

    private long tokenLifetimeMinutes(UserFixtures.Tenant tenant, String user, String purpose) {
        return jdbc.sql("""
                        select round(extract(epoch from expires_at - created_at) / 60) from user_tokens
                        where tenant_id = :t and user_id = :u and purpose = :p order by created_at desc limit 1
                        """)
                .param("t", UUID.fromString(tenant.id())).param("u", UUID.fromString(user)).param("p", purpose)
                .query(Long.class).single();
    }

    @Test
    void anAdminCreatesAUserWithRolesAndAProfileWhoMustChangeTheAdminSetPassword() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        Response created = api.post(clinic.users(), clinic.owner(), json("username", "DrNguyen", "firstName", "Linh",
                "lastName", "Nguyen", "email", "linh@example.com", "phone", "+1 555 0100", "password",
                "set by the owner for now", "roles", raw("[" + roleAt("provider", downtown) + "]"), "profile",
                raw(json("npi", "1234567893", "dea", "ab1234563", "stateLicense", "CA-PSY-1234", "nadean", "N-77",
                        "credentials", raw("[\"LCSW\", \"MD\"]"), "specialties", raw("[\"Addiction\"]"), "bio",
                        "Twenty years in practice."))));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        assertThat(created.text("/username")).isEqualTo("DrNguyen");
        assertThat(created.text("/status")).isEqualTo("ACTIVE");
        assertThat(created.body().has("invitationUrl")).isFalse();
        assertThat(created.http().headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/users/" + created.text("/id")));

        Response user = api.get(clinic.user(created.text("/id")), clinic.owner());
        assertThat(user.status()).isEqualTo(200);
        assertThat(user.text("/email")).isEqualTo("linh@example.com");
        assertThat(user.text("/kind")).isEqualTo("HUMAN");
        assertThat(user.body().at("/hidden").asBoolean()).isFalse();
        assertThat(user.body().at("/requiredActions").toString()).isEqualTo("[\"CHANGE_PASSWORD\"]");
        assertThat(user.text("/profile/npi")).isEqualTo("1234567893");
        assertThat(user.text("/profile/dea")).isEqualTo("AB1234563");
        assertThat(user.body().at("/profile/credentials").toString()).isEqualTo("[\"LCSW\",\"MD\"]");
        assertThat(user.text("/createdAt")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(user.raw()).doesNotContainIgnoringCase("hash").doesNotContain("argon");

        Response login = api.post("/api/v1/auth/login", null, json("tenant", clinic.slug(), "username", "drnguyen",
                "password", "set by the owner for now"));
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body().at("/requiredActions").toString()).contains("CHANGE_PASSWORD");

        assertThat(actions(clinic)).containsSubsequence("USER_CREATED", "ROLE_ASSIGNED");
        assertThat(lastDetails(clinic, "USER_CREATED")).contains("provider@" + downtown).contains("\"invited\": false");
    }

    @Test
    void anInvitationFindsATakenUsernameOrAddressAtItsInsertAndWritesNothingElse() {
        // Issue 17: without a password the insert itself meets the unique indexes; the 409 still names which.
        UserFixtures.Tenant clinic = fixtures.clinic();
        Response first = api.post(clinic.users(), clinic.owner(), json("username", "frontdesk", "firstName", "F",
                "lastName", "D", "email", "frontdesk@example.com"));
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        String tenantName = jdbc.sql("select name from tenants where id = :t").param("t", UUID.fromString(clinic.id()))
                .query(String.class).single();
        assertThat(jdbc.sql("select subject from mail_outbox where tenant_id = :t and recipient = 'frontdesk@example.com'")
                .param("t", UUID.fromString(clinic.id())).query(String.class).single())
                .as("signed with the name the tenant's lookup read").isEqualTo("You are invited to " + tenantName);
        // Issue 17: the user, the link and the mail are one statement; each belongs to the others.
        String link = first.text("/invitationUrl");
        QueuedMail outbox = QueuedMail.in(context);
        List<QueuedMail.Message> mails = outbox.where("tenant_id = :t and recipient = 'frontdesk@example.com'",
                Map.of("t", UUID.fromString(clinic.id())));
        assertThat(mails).singleElement().extracting(QueuedMail.Message::body).asString().contains(link);
        // The statement wrote the body sealed: the row holds no live link (nor its token) in clear.
        String token = link.substring(link.indexOf("token=") + "token=".length());
        assertThat(outbox.rawColumns(mails.getFirst().id())).noneSatisfy(column -> assertThat(column).contains(token));
        assertThat(jdbc.sql("""
                        select count(*) from user_tokens k join users u on u.tenant_id = k.tenant_id and u.id = k.user_id
                        where k.tenant_id = :t and u.username_normalized = 'frontdesk' and k.purpose = 'INVITATION'
                          and k.token_hash = sha256(convert_to(:token, 'UTF8'))""")
                .param("t", UUID.fromString(clinic.id()))
                .param("token", link.substring(link.indexOf("token=") + "token=".length()))
                .query(Long.class).single()).as("the mailed link is the new user's").isOne();
        Response noAddress = api.post(clinic.users(), clinic.owner(), json("username", "noaddress", "firstName", "N",
                "lastName", "A"));
        assertThat(noAddress.status()).as(noAddress.raw()).isEqualTo(201);
        assertThat(noAddress.text("/invitationUrl")).as("the admin has the link to pass on").contains("token=");
        assertThat(jdbc.sql("select count(*) from user_tokens where tenant_id = :t and user_id = :u")
                .param("t", UUID.fromString(clinic.id())).param("u", UUID.fromString(noAddress.text("/id")))
                .query(Long.class).single()).as("a link without a mail").isOne();
        List<String> before = actions(clinic);

        Response sameName = api.post(clinic.users(), clinic.owner(), json("username", "FrontDesk", "firstName", "F",
                "lastName", "D", "email", "someone.else@example.com"));
        assertThat(sameName.status()).as(sameName.raw()).isEqualTo(409);
        assertThat(sameName.text("/detail")).contains("username FrontDesk is taken");
        Response sameEmail = api.post(clinic.users(), clinic.owner(), json("username", "other", "firstName", "O",
                "lastName", "T", "email", "FRONTDESK@example.com"));
        assertThat(sameEmail.status()).as(sameEmail.raw()).isEqualTo(409);
        assertThat(sameEmail.text("/detail")).contains("e-mail address FRONTDESK@example.com belongs to another user");

        assertThat(actions(clinic)).as("no event, assignment or invitation of a refused creation").isEqualTo(before);
        assertThat(jdbc.sql("select count(*) from users where tenant_id = :t and username_normalized in ('other', 'frontdesk')")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single()).isOne();
        assertThat(jdbc.sql("""
                        select count(*) from mail_outbox where tenant_id = :t
                        and recipient in ('frontdesk@example.com', 'someone.else@example.com')""")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single())
                .as("one invitation: the first creation's").isOne();
        assertThat(jdbc.sql("select count(*) from user_tokens where tenant_id = :t")
                .param("t", UUID.fromString(clinic.id())).query(Long.class).single())
                .as("two links: the two creations'").isEqualTo(2);
    }

    @Test
    void usernamesAreUniqueIgnoringCaseAndEMailsWhenPresent() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        fixtures.user(clinic, "frontdesk", "[]");
        Response sameName = api.post(clinic.users(), clinic.owner(), json("username", "FrontDesk", "firstName", "F",
                "lastName", "D", "password", "another long password"));
        assertThat(sameName.status()).as(sameName.raw()).isEqualTo(409);
        assertThat(sameName.text("/detail")).contains("username");

        Response sameEmail = api.post(clinic.users(), clinic.owner(), json("username", "other", "firstName", "O",
                "lastName", "T", "email", "FRONTDESK@example.com", "password", "another long password"));
        assertThat(sameEmail.status()).isEqualTo(409);
        assertThat(sameEmail.text("/detail")).contains("e-mail");

        // seed 003: users without e-mail are fine, as many as needed.
        for (String name : List.of("placeholder1", "placeholder2")) {
            Response noEmail = api.post(clinic.users(), clinic.owner(), json("username", name, "firstName", "P",
                    "lastName", "H", "kind", "SERVICE"));
            assertThat(noEmail.status()).as(noEmail.raw()).isEqualTo(201);
        }

        // The same username in another tenant is another account.
        UserFixtures.Tenant other = fixtures.clinic();
        assertThat(fixtures.user(other, "frontdesk", "[]")).isNotBlank();
    }

    @Test
    void badInputIsA400NamingTheField() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        record Case(String body, String field) {}
        List<Case> cases = List.of(
                new Case(json("username", "ab", "firstName", "A", "lastName", "B"), "username"),
                new Case(json("username", "has space", "firstName", "A", "lastName", "B"), "username"),
                new Case(json("username", "abc", "lastName", "B"), "firstName"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "email", "not-an-address"), "email"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "kind", "ROBOT"), "kind"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "password", "short"), "password"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "roles",
                        raw("[" + role("surgeon") + "]")), "roles[0].role"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "roles",
                        raw("[" + role("front_desk") + "," + roleAt("provider", UUID.randomUUID().toString()) + "]")),
                        "roles[1].location"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "roles",
                        raw("[" + roleAt("provider", "downtown") + "]")), "roles[0].location"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "roles", raw("[" + json("role",
                        "provider", "location", downtown, "startsAt", "2030-01-02T00:00:00Z", "expiresAt",
                        "2030-01-01T00:00:00Z") + "]")), "roles[0].expiresAt"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "roles", raw("[" + json("role",
                        "provider", "startsAt", "next tuesday") + "]")), "roles[0].startsAt"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "roles", raw("5")), "roles"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "profile",
                        raw(json("npi", "12345"))), "profile.npi"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "profile",
                        raw(json("credentials", raw("[\"" + "X".repeat(40) + "\"]")))), "profile.credentials[0]"),
                new Case(json("username", "abc", "firstName", "A", "lastName", "B", "password",
                        "a long enough password", "invite", true), "invite"),
                new Case("{\"username\": ", "body"));
        for (Case bad : cases) {
            Response response = api.post(clinic.users(), clinic.owner(), bad.body());
            assertThat(response.status()).as(bad.body() + " → " + response.raw()).isEqualTo(400);
            assertThat(response.raw()).as(bad.body()).contains("\"field\":\"" + bad.field() + "\"")
                    .doesNotContain("Exception");
        }
        assertThat(api.get(clinic.users() + "/not-a-uuid", clinic.owner()).body().at("/errors/0/field").asString())
                .isEqualTo("id");
        assertThat(api.get(clinic.users() + "?size=500", clinic.owner()).status()).isEqualTo(400);
        assertThat(api.get(clinic.users() + "?status=GONE", clinic.owner()).body().at("/errors/0/field").asString())
                .isEqualTo("status");
        assertThat(api.get(clinic.users() + "?role=surgeon", clinic.owner()).body().at("/errors/0/field").asString())
                .isEqualTo("role");
        assertThat(api.get(clinic.users() + "?hidden=maybe", clinic.owner()).body().at("/errors/0/field").asString())
                .isEqualTo("hidden");
        // Nothing of the rejected requests was created.
        assertThat(api.get(clinic.users() + "?q=abc", clinic.owner()).body().at("/total").asLong()).isZero();
    }

    @Test
    void billingCannotAddOrListUsers() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        TestMembers.Member billing = fixtures.member(clinic, "biller", "[" + role("billing") + "]");
        Response create = api.post(clinic.users(), billing.token(), json("username", "newbie", "firstName", "N",
                "lastName", "B", "password", "a long enough password"));
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.text("/detail")).contains("users.create");
        assertThat(api.get(clinic.users(), billing.token()).status()).isEqualTo(403);
        assertThat(api.get(clinic.user(clinic.ownerId()), billing.token()).status()).isEqualTo(403);
        assertThat(api.patch(clinic.user(clinic.ownerId()), billing.token(), json("firstName", "X")).status())
                .isEqualTo(403);
    }

    @Test
    void anotherTenantsUsersAreNotFoundNotEvenForPlatformOperators() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        UserFixtures.Tenant other = fixtures.clinic();
        assertThat(api.get(other.users(), clinic.owner()).status()).isEqualTo(404);
        assertThat(api.get(other.user(other.ownerId()), clinic.owner()).status()).isEqualTo(404);
        assertThat(api.post(other.users(), clinic.owner(), json("username", "intruder", "firstName", "I", "lastName",
                "N")).status()).isEqualTo(404);
        // The other tenant's user through one's own tenant path: no such user here.
        assertThat(api.get(clinic.user(other.ownerId()), clinic.owner()).status()).isEqualTo(404);
        assertThat(api.patch(clinic.user(other.ownerId()), clinic.owner(), json("firstName", "X")).status())
                .isEqualTo(404);
        assertThat(api.delete(clinic.user(other.ownerId()), clinic.owner()).status()).isEqualTo(404);
        String operator = operatorToken();
        assertThat(api.get(clinic.users(), operator).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/platform/users", operator).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tenants/" + clinic.id() + "/users", clinic.owner()).status())
                .as("the tenant by id").isEqualTo(200);
        assertThat(api.get(clinic.user(UUID.randomUUID().toString()), clinic.owner()).status()).isEqualTo(404);
    }

    @Test
    void theListFiltersByTextStatusRoleLocationAndHiddenWithPaging() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        String room = fixtures.location(clinic, "Room 1", downtown);
        String uptown = fixtures.location(clinic, "Uptown");
        fixtures.user(clinic, "amy_desk", "[" + roleAt("front_desk", downtown) + "]");
        fixtures.user(clinic, "ben_desk", "[" + roleAt("front_desk", room) + "]");
        fixtures.user(clinic, "cal_bill", "[" + roleAt("billing", uptown) + "]");
        Response hidden = api.post(clinic.users(), clinic.owner(), json("username", "zed_hidden", "firstName", "Zed",
                "lastName", "Placeholder", "hidden", true));
        assertThat(hidden.status()).isEqualTo(201);
        assertThat(hidden.text("/status")).isEqualTo("INVITED");

        Response all = api.get(clinic.users(), clinic.owner());
        assertThat(all.status()).isEqualTo(200);
        assertThat(usernames(all)).containsExactly("amy_desk", "ben_desk", "cal_bill", "owner");
        assertThat(all.body().at("/total").asLong()).isEqualTo(4);
        assertThat(all.body().at("/items/0").has("passwordHash")).isFalse();

        assertThat(usernames(api.get(clinic.users() + "?q=DESK", clinic.owner()))).containsExactly("amy_desk",
                "ben_desk");
        assertThat(usernames(api.get(clinic.users() + "?q=first%20cal", clinic.owner()))).containsExactly("cal_bill");
        assertThat(usernames(api.get(clinic.users() + "?q=%25", clinic.owner()))).isEmpty();
        assertThat(usernames(api.get(clinic.users() + "?role=front_desk", clinic.owner())))
                .containsExactly("amy_desk", "ben_desk");
        assertThat(usernames(api.get(clinic.users() + "?location=" + downtown, clinic.owner())))
                .as("at downtown or below").containsExactly("amy_desk", "ben_desk");
        assertThat(usernames(api.get(clinic.users() + "?location=" + room, clinic.owner()))).containsExactly("ben_desk");
        assertThat(usernames(api.get(clinic.users() + "?hidden=true", clinic.owner()))).containsExactly("zed_hidden");
        assertThat(usernames(api.get(clinic.users() + "?hidden=any&status=INVITED", clinic.owner())))
                .containsExactly("zed_hidden");
        assertThat(api.get(clinic.users() + "?hidden=any", clinic.owner()).body().at("/total").asLong()).isEqualTo(5);

        Response page = api.get(clinic.users() + "?page=1&size=2", clinic.owner());
        assertThat(usernames(page)).containsExactly("cal_bill", "owner");
        assertThat(page.body().at("/page").asInt()).isEqualTo(1);
        assertThat(page.body().at("/size").asInt()).isEqualTo(2);
        assertThat(page.body().at("/total").asLong()).isEqualTo(4);
    }

    @Test
    void aLocationManagerListsAndReadsOnlyTheStaffOfTheirLocations() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        String room = fixtures.location(clinic, "Room 1", downtown);
        String uptown = fixtures.location(clinic, "Uptown");
        TestMembers.Member manager = fixtures.member(clinic, "manny", "[" + roleAt("manager", downtown) + "]");
        String amy = fixtures.user(clinic, "amy_desk", "[" + roleAt("front_desk", room) + "]");
        String cal = fixtures.user(clinic, "cal_bill", "[" + roleAt("billing", uptown) + "]");
        String both = fixtures.user(clinic, "dee_both", "[" + roleAt("front_desk", downtown) + ","
                + roleAt("front_desk", uptown) + "]");

        // seed 000 (issue 11): a user is seen wherever they hold a role, so also one who works uptown too.
        assertThat(usernames(api.get(clinic.users(), manager.token()))).containsExactly("amy_desk", "dee_both",
                "manny");
        assertThat(api.get(clinic.user(amy), manager.token()).status()).isEqualTo(200);
        assertThat(api.get(clinic.user(cal), manager.token()).status()).isEqualTo(403);
        assertThat(api.get(clinic.user(both), manager.token()).status()).as("also held at uptown").isEqualTo(200);
        assertThat(api.get(clinic.user(clinic.ownerId()), manager.token()).status()).as("tenant-wide owner")
                .isEqualTo(403);
    }

    @Test
    void patchChangesOnlyTheGivenFieldsAndAuditsTheDifference() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String id = fixtures.user(clinic, "casey", "[]");
        fixtures.user(clinic, "jordan", "[]");
        Response patched = api.patch(clinic.user(id), clinic.owner(), json("firstName", "Casey", "phone", null,
                "hidden", true, "profile", raw(json("npi", "1234567893", "credentials", raw("[\"RN\"]")))));
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        assertThat(patched.text("/firstName")).isEqualTo("Casey");
        assertThat(patched.text("/lastName")).isEqualTo("Last");
        assertThat(patched.text("/email")).isEqualTo("casey@example.com");
        assertThat(patched.body().at("/hidden").asBoolean()).isTrue();
        assertThat(patched.text("/profile/npi")).isEqualTo("1234567893");
        assertThat(patched.body().at("/profile/credentials").toString()).isEqualTo("[\"RN\"]");
        String diff = lastDetails(clinic, "USER_UPDATED");
        assertThat(diff).contains("\"firstName\": {\"after\": \"Casey\", \"before\": \"First casey\"}")
                .contains("profile.npi").doesNotContain("lastName").doesNotContain("\"email\"");

        Response renamed = api.patch(clinic.user(id), clinic.owner(), json("username", "Casey.R", "email", null));
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.text("/username")).isEqualTo("Casey.R");
        assertThat(renamed.body().has("email")).isFalse();
        assertThat(api.login(clinic.slug(), "casey.r", UserFixtures.SET_BY_ADMIN + " 12345")).isNotBlank();

        assertThat(api.patch(clinic.user(id), clinic.owner(), json("username", "JORDAN")).status()).isEqualTo(409);
        assertThat(api.patch(clinic.user(id), clinic.owner(), json("email", "Jordan@Example.com")).status())
                .isEqualTo(409);
        Response status = api.patch(clinic.user(id), clinic.owner(), json("status", "ACTIVE", "lastName", ""));
        assertThat(status.status()).isEqualTo(400);
        assertThat(status.raw()).contains("\"field\":\"status\"").contains("\"field\":\"lastName\"");
        assertThat(api.patch(clinic.user(id), clinic.owner(), json("hidden", "yes")).body().at("/errors/0/field")
                .asString()).isEqualTo("hidden");
        assertThat(api.patch(clinic.user(id), clinic.owner(), "[1, 2]").status()).isEqualTo(400);
        assertThat(api.patch(clinic.user(id), clinic.owner(), json("profile", raw(json("dea", "x"))))
                .body().at("/errors/0/field").asString()).isEqualTo("profile.dea");

        int events = actions(clinic).size();
        assertThat(api.patch(clinic.user(id), clinic.owner(), json("lastName", "Last")).status()).isEqualTo(200);
        assertThat(actions(clinic)).as("no change, no event").hasSize(events);
    }

    @Test
    void onlyAFreshUserCanBeDeletedAndOnlyByTheOwner() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String downtown = fixtures.location(clinic, "Downtown");
        TestMembers.Member manager = fixtures.member(clinic, "manny", "[" + role("manager") + "]");
        String fresh = fixtures.user(clinic, "typo_user", "[" + roleAt("front_desk", downtown) + "]");
        TestMembers.Member worked = fixtures.member(clinic, "worked", "[" + roleAt("front_desk", downtown) + "]");

        assertThat(api.delete(clinic.user(fresh), manager.token()).status()).as("seed 000: managers cannot delete staff")
                .isEqualTo(403);
        Response signedIn = api.delete(clinic.user(worked.id()), clinic.owner());
        assertThat(signedIn.status()).isEqualTo(409);
        assertThat(signedIn.text("/detail")).contains("lock");
        Response self = api.delete(clinic.user(clinic.ownerId()), clinic.owner());
        assertThat(self.status()).isEqualTo(403);
        assertThat(self.text("/detail")).contains("yourself");

        assertThat(api.delete(clinic.user(fresh), clinic.owner()).status()).isEqualTo(204);
        assertThat(api.get(clinic.user(fresh), clinic.owner()).status()).isEqualTo(404);
        assertThat(api.delete(clinic.user(fresh), clinic.owner()).status()).isEqualTo(404);
        assertThat(actions(clinic)).contains("USER_DELETED");
        assertThat(lastDetails(clinic, "USER_DELETED")).contains("typo_user").contains("front_desk@" + downtown);
    }

    @Test
    void theApiDescriptionListsTheUsersEndpoints() {
        Response docs = api.apiDescription();
        assertThat(docs.status()).isEqualTo(200);
        assertThat(docs.raw()).contains("/api/v1/tenants/{tenant}/users/{id}/password-reset")
                .contains("/api/v1/tenants/{tenant}/users/{id}/roles/{assignmentId}")
                .contains("/api/v1/auth/tokens/accept");
    }

    private static List<String> usernames(Response list) {
        assertThat(list.status()).as(list.raw()).isEqualTo(200);
        return list.body().at("/items").values().stream().map(item -> item.at("/username").asString()).toList();
    }
}
