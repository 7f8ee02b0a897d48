package dev.gatehouse.server.memberships;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16, one person in several organisations (docs/organisations.md; docs/security.md,
 * "Memberships"): over HTTP, a person of a clinic (A) invited by a booking organisation (B) links the
 * invitation to their own account, switches to B and back, and leaves; B's admins manage the member
 * as a B user but never its credentials nor anything of A; and each attacker's path is refused.
 */
class MembershipsIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    String operator;
    SignedInTenant home;
    SignedInTenant booking;
    TestMembers.Member maria;
    String address;

    @BeforeEach
    void organisations() {
        operator = operatorToken();
        home = SignedInTenant.create(api, operator, "clinic");
        booking = SignedInTenant.create(api, operator, "booking");
        address = "maria-" + UUID.randomUUID().toString().substring(0, 8) + "@people.example";
        maria = TestMembers.member("maria").holding("front_desk").withEmail(address).create(api, home);
    }

    /** B's admin invites an address to B with a role, as today; answers the invitation link's token. */
    private String invite(String username, String email, String role) {
        Response invited = api.post(booking.path("/users"), booking.adminToken(), json("username", username,
                "firstName", "Maria", "lastName", "Lopez", "email", email, "invite", true,
                "roles", raw("[" + json("role", role) + "]")));
        assertThat(invited.status()).as(invited.raw()).isEqualTo(201);
        String url = invited.text("/invitationUrl");
        return url.substring(url.indexOf("token=") + "token=".length());
    }

    private String memberId() {
        return jdbc.sql("select id::text from users where tenant_id = cast(:t as uuid) and home_user_id = cast(:u as uuid)")
                .param("t", booking.id()).param("u", maria.id()).query(String.class).single();
    }

    private Response accept(String token, String invitation) {
        return api.post("/api/v1/me/memberships", token, json("token", invitation));
    }

    private String switchTo(String token, String tenant) {
        Response switched = api.post("/api/v1/me/memberships/" + tenant + "/session", token, "");
        assertThat(switched.status()).as(switched.raw()).isEqualTo(201);
        return switched.text("/token");
    }

    /** A session refused within the session cache's second (SessionCache: ended elsewhere, dead within a second). */
    private void assertEnds(String token) {
        Instant deadline = Instant.now().plusSeconds(5);
        int status = api.get("/api/v1/me", token).status();
        while (status != 401 && Instant.now().isBefore(deadline)) {
            status = api.get("/api/v1/me", token).status();
        }
        assertThat(status).as("the session ended").isEqualTo(401);
    }

    private List<String> outboxTo(String email) {
        return QueuedMail.in(context).where("tenant_id = :t and recipient = :r",
                Map.of("t", UUID.fromString(booking.id()), "r", email)).stream().map(QueuedMail.Message::text).toList();
    }

    @Test
    void theInvitedPersonLinksTheirAccountSwitchesActsInBAndSwitchesBack() {
        String invitation = invite("maria.l", address, "STAFF");

        Response accepted = accept(maria.token(), invitation);

        assertThat(accepted.status()).as(accepted.raw()).isEqualTo(201);
        assertThat(accepted.text("/tenant")).isEqualTo(booking.slug());
        Response listed = api.get("/api/v1/me/memberships", maria.token());
        assertThat(listed.text("/home/tenant")).isEqualTo(home.slug());
        assertThat(listed.body().at("/items").size()).isEqualTo(1);
        assertThat(listed.text("/items/0/tenant")).isEqualTo(booking.slug());
        assertThat(listed.text("/items/0/name")).isEqualTo("Tenant " + booking.slug());

        String inB = switchTo(maria.token(), booking.slug());
        Response me = api.get("/api/v1/me", inB);
        assertThat(me.status()).as(me.raw()).isEqualTo(200);
        assertThat(me.text("/tenant/slug")).isEqualTo(booking.slug());
        assertThat(me.text("/user/id")).isEqualTo(memberId());
        assertThat(me.text("/user/username")).isEqualTo("maria.l");
        // The engine sees a B user holding B's role: STAFF's grant, and none of the clinic's.
        assertThat(me.body().at("/permissions").toString()).contains("organization.access")
                .doesNotContain("patients");
        // From B, the list is the same person's: home and memberships.
        assertThat(api.get("/api/v1/me/memberships", inB).text("/home/tenant")).isEqualTo(home.slug());
        // Back home: the home session is untouched and still the clinic's.
        assertThat(api.get("/api/v1/me", maria.token()).text("/tenant/slug")).isEqualTo(home.slug());

        RecordedAudit.Event inBooking = RecordedAudit.only(jdbc, booking.id(), "MEMBERSHIP_ACCEPTED");
        assertThat(inBooking.actor()).isEqualTo("maria.l");
        assertThat(inBooking.actorRoles()).containsExactly("STAFF");
        RecordedAudit.Event atHome = RecordedAudit.only(jdbc, home.id(), "MEMBERSHIP_ACCEPTED");
        assertThat(atHome.actor()).isEqualTo("maria");
        assertThat(atHome.targetId()).isEqualTo(maria.id());
        assertThat(atHome.details().at("/organisation").asString()).isEqualTo(booking.slug());
        assertThat(RecordedAudit.of(jdbc, booking.id(), "LOGIN_SUCCEEDED")).anySatisfy(event -> {
            assertThat(event.targetId()).isEqualTo(memberId());
            assertThat(event.details().at("/method").asString()).isEqualTo("MEMBERSHIP");
        });
        // B's trail and B's view of the member never name A: not its slug, not its ids.
        String bTrail = String.join("\n", jdbc.sql("select coalesce(details::text, '') || coalesce(actor_username, '')"
                        + " || coalesce(target_id, '') from audit_events where tenant_id = cast(:t as uuid)")
                .param("t", booking.id()).query(String.class).list());
        assertThat(bTrail).doesNotContain(home.slug()).doesNotContain(home.id()).doesNotContain(maria.id());
        Response seen = api.get(booking.path("/users/" + memberId()), booking.adminToken());
        assertThat(seen.body().at("/signsInElsewhere").asBoolean()).isTrue();
        assertThat(seen.raw()).doesNotContain(home.slug()).doesNotContain(home.id()).doesNotContain(maria.id());
    }

    @Test
    void theInvitationAndItsAnswerAreTheSameWhetherOrNotTheAddressHasAnAccountElsewhere() {
        String stranger = "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@people.example";
        Response known = api.post(booking.path("/users"), booking.adminToken(), json("username", "known",
                "firstName", "Maria", "lastName", "Lopez", "email", address, "invite", true));
        Response unknown = api.post(booking.path("/users"), booking.adminToken(), json("username", "unknown",
                "firstName", "Maria", "lastName", "Lopez", "email", stranger, "invite", true));

        assertThat(known.status()).isEqualTo(unknown.status()).isEqualTo(201);
        assertThat(fields(known)).isEqualTo(fields(unknown));
        assertThat(known.text("/status")).isEqualTo(unknown.text("/status")).isEqualTo("INVITED");
        List<String> toKnown = outboxTo(address);
        List<String> toUnknown = outboxTo(stranger);
        assertThat(toKnown).hasSize(1);
        assertThat(toUnknown).hasSize(1);
        assertThat(normalised(toKnown.getFirst(), "known", address))
                .isEqualTo(normalised(toUnknown.getFirst(), "unknown", stranger));
    }

    private static List<String> fields(Response response) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = response.body().propertyNames().iterator(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static String normalised(String mail, String username, String email) {
        return mail.replaceAll("token=[A-Za-z0-9_\\-]+", "token=T").replace(username, "U").replace(email, "E");
    }

    @Test
    void theLinkIsSpentOnceAndOnlyByTheAccountWithTheInvitationsAddress() {
        String invitation = invite("maria.l", address, "STAFF");
        TestMembers.Member eve = TestMembers.member("eve").holding("front_desk").withEmail("eve@people.example")
                .create(api, home);

        Response byEve = accept(eve.token(), invitation);
        assertThat(byEve.status()).as(byEve.raw()).isEqualTo(400);
        assertThat(byEve.raw()).contains("token");
        // Refused, the link was not spent: its owner still accepts it, and then nobody again.
        assertThat(accept(maria.token(), invitation).status()).isEqualTo(201);
        assertThat(accept(maria.token(), invitation).status()).as("a replayed link").isEqualTo(400);
        // Nor does it set a password on the member any more: the row is no longer invited.
        Response redeemed = api.post("/api/v1/auth/tokens/accept", null, json("token", invitation,
                "newPassword", "an attacker's chosen passphrase 9"));
        assertThat(redeemed.status()).isEqualTo(400);
        // An invitation of the person's own organisation is not a membership.
        Response own = api.post(home.path("/users"), home.adminToken(), json("username", "maria2",
                "firstName", "Maria", "lastName", "Two", "email", "maria2@people.example", "invite", true));
        String ownUrl = own.text("/invitationUrl");
        assertThat(accept(maria.token(), ownUrl.substring(ownUrl.indexOf("token=") + 6)).status()).isEqualTo(400);
        assertThat(accept(maria.token(), "").status()).isEqualTo(400);
    }

    @Test
    void theMembersSessionNeverOutlivesTheHomeSessionNorTheHomeAccount() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        String homeSession = maria.signIn();
        String inB = switchTo(homeSession, booking.slug());
        Response homeMe = api.get("/api/v1/me/sessions", homeSession);
        assertThat(homeMe.status()).isEqualTo(200);

        api.post("/api/v1/auth/logout", homeSession, "");
        assertEnds(inB);
        assertThat(api.get("/api/v1/me", maria.token()).status()).as("another home session lives on").isEqualTo(200);

        // Signing out in B signs the person out: the home session it was opened from ends too.
        String secondHome = maria.signIn();
        String signedOutInB = switchTo(secondHome, booking.slug());
        assertThat(api.post("/api/v1/auth/logout", signedOutInB, "").status()).isIn(200, 204);
        assertEnds(signedOutInB);
        assertEnds(secondHome);

        String again = switchTo(maria.token(), booking.slug());
        Response locked = api.post(home.path("/users/" + maria.id() + "/lock"), home.adminToken(), "");
        assertThat(locked.status()).as(locked.raw()).isEqualTo(200);
        assertEnds(again);
    }

    @Test
    void bsSecondFactorRuleHoldsForItsMembers() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        Response patched = api.patch(booking.path("/settings"), booking.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"ALL\"}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);

        // Maria signed in at home with her password only: B, which requires a second factor, refuses her.
        Response refused = api.post("/api/v1/me/memberships/" + booking.slug() + "/session", maria.token(), "");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.text("/title")).isEqualTo("Second factor required");

        Response relaxed = api.patch(booking.path("/settings"), booking.adminToken(),
                "{\"mfaPolicy\": {\"required\": \"OFF\"}}");
        assertThat(relaxed.status()).as(relaxed.raw()).isEqualTo(200);
        switchTo(maria.token(), booking.slug());
    }

    @Test
    void bLocksOrDisablesTheMemberAndOnlyBsSessionsEnd() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        String inB = switchTo(maria.token(), booking.slug());

        Response locked = api.post(booking.path("/users/" + memberId() + "/lock"), booking.adminToken(), "");

        assertThat(locked.status()).as(locked.raw()).isEqualTo(200);
        assertEnds(inB);
        assertThat(api.get("/api/v1/me", maria.token()).status()).as("home is untouched").isEqualTo(200);
        Response refused = api.post("/api/v1/me/memberships/" + booking.slug() + "/session", maria.token(), "");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.raw()).contains("locked");
        // Unlocked, the member is active again (it has no password of its own to need an invitation for).
        Response unlocked = api.post(booking.path("/users/" + memberId() + "/unlock"), booking.adminToken(), "");
        assertThat(unlocked.text("/status")).isEqualTo("ACTIVE");
        assertThat(api.post(booking.path("/users/" + memberId() + "/disable"), booking.adminToken(), "").status())
                .isEqualTo(200);
        assertThat(api.post("/api/v1/me/memberships/" + booking.slug() + "/session", maria.token(), "").status())
                .isEqualTo(403);
    }

    @Test
    void bsAdminCannotReachTheMembersCredentialsNorTheHomeAccount() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        String member = memberId();
        String users = booking.path("/users/");

        for (Response refused : List.of(
                api.post(users + member + "/password-reset", booking.adminToken(), ""),
                api.post(users + member + "/password-reset", booking.adminToken(),
                        json("temporaryPassword", "a temporary passphrase 1234")),
                api.post(users + member + "/mfa/reset", booking.adminToken(), ""),
                api.post(users + member + "/invitation", booking.adminToken(), ""),
                api.patch(users + member, booking.adminToken(), json("email", "attacker@evil.example")))) {
            assertThat(refused.status()).as(refused.raw()).isEqualTo(409);
            assertThat(refused.raw()).contains("signs in at another organisation");
        }
        // Renaming them in B is B's business, and allowed.
        assertThat(api.patch(users + member, booking.adminToken(), json("firstName", "Mary")).status()).isEqualTo(200);
        // A's ids are another tenant's: 404 under B's path and under A's.
        assertThat(api.get(users + maria.id(), booking.adminToken()).status()).isEqualTo(404);
        assertThat(api.post(users + maria.id() + "/password-reset", booking.adminToken(), "").status()).isEqualTo(404);
        assertThat(api.get(home.path("/users/" + maria.id()), booking.adminToken()).status()).isEqualTo(404);
        // Signed in as the member, the person's own credential endpoints send them home.
        String inB = switchTo(maria.token(), booking.slug());
        Response password = api.post("/api/v1/me/password", inB, json("currentPassword", TestMembers.PASSWORD,
                "newPassword", "a new passphrase for booking 7"));
        assertThat(password.status()).as(password.raw()).isEqualTo(409);
        assertThat(api.post("/api/v1/me/mfa/totp", inB, "").status()).isEqualTo(409);
        assertThat(api.post("/api/v1/me/passkeys/options", inB, "").status()).isEqualTo(409);
        // Forgot-password at B for the member's address mails nothing: its password is at home.
        api.post("/api/v1/auth/password/forgot", null, json("tenant", booking.slug(), "username", address));
        assertThat(outboxTo(address)).hasSize(1);
        // And the password of home does not sign in to B: the member has none.
        assertThat(api.post("/api/v1/auth/login", null, json("tenant", booking.slug(), "username", "maria.l",
                "password", TestMembers.PASSWORD)).status()).isEqualTo(401);
    }

    @Test
    void aLowerPrivilegedUserOfBSeesOnlyTheirOwnMemberships() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        TestMembers.Member staff = TestMembers.member("sam").holding("STAFF").withEmail().create(api, booking);

        Response own = api.get("/api/v1/me/memberships", staff.token());
        assertThat(own.text("/home/tenant")).isEqualTo(booking.slug());
        assertThat(own.body().at("/items").size()).isZero();
        assertThat(api.post("/api/v1/me/memberships/" + home.slug() + "/session", staff.token(), "").status())
                .isEqualTo(404);
        assertThat(api.delete("/api/v1/me/memberships/" + home.slug(), staff.token()).status()).isEqualTo(404);
        assertThat(api.get(booking.path("/users/" + memberId() + "/sessions"), staff.token()).status())
                .isIn(403, 404);
        // Nor can maria switch to an organisation she is no member of.
        SignedInTenant other = SignedInTenant.create(api, operator, "booking");
        assertThat(api.post("/api/v1/me/memberships/" + other.slug() + "/session", maria.token(), "").status())
                .isEqualTo(404);
        assertThat(api.post("/api/v1/me/memberships/" + home.slug() + "/session", maria.token(), "").status())
                .isEqualTo(409);
    }

    @Test
    void aSuspendedOrganisationRefusesTheSwitchAndASuspendedHomeEndsEveryMembersSession() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        String inB = switchTo(maria.token(), booking.slug());

        assertThat(api.patch("/api/v1/tenants/" + booking.slug(), operator, json("status", "SUSPENDED", "reason",
                "unpaid invoice")).status()).isEqualTo(200);
        assertEnds(inB);
        Response refused = api.post("/api/v1/me/memberships/" + booking.slug() + "/session", maria.token(), "");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(403);
        assertThat(refused.text("/title")).isEqualTo("Organisation suspended");
        assertThat(api.get("/api/v1/me/memberships", maria.token()).body().at("/items/0/tenantActive").asBoolean())
                .isFalse();

        assertThat(api.patch("/api/v1/tenants/" + booking.slug(), operator, json("status", "ACTIVE")).status())
                .isEqualTo(200);
        String again = switchTo(maria.token(), booking.slug());
        assertThat(api.patch("/api/v1/tenants/" + home.slug(), operator, json("status", "SUSPENDED", "reason",
                "unpaid invoice")).status()).isEqualTo(200);
        assertEnds(again);
    }

    @Test
    void thePersonLeavesAndBothTrailsSaySo() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        String member = memberId();
        String inB = switchTo(maria.token(), booking.slug());

        Response left = api.delete("/api/v1/me/memberships/" + booking.slug(), maria.token());

        assertThat(left.status()).as(left.raw()).isEqualTo(204);
        assertEnds(inB);
        assertThat(api.get("/api/v1/me/memberships", maria.token()).body().at("/items").size()).isZero();
        Response seen = api.get(booking.path("/users/" + member), booking.adminToken());
        assertThat(seen.text("/status")).isEqualTo("DISABLED");
        assertThat(seen.body().at("/signsInElsewhere").asBoolean()).isFalse();
        assertThat(RecordedAudit.only(jdbc, booking.id(), "MEMBERSHIP_ENDED").details().at("/by").asString())
                .isEqualTo("member");
        assertThat(RecordedAudit.only(jdbc, home.id(), "MEMBERSHIP_ENDED").details().at("/organisation").asString())
                .isEqualTo(booking.slug());
        assertThat(api.delete("/api/v1/me/memberships/" + booking.slug(), maria.token()).status()).isEqualTo(404);
    }

    @Test
    void deletingTheHomeOrganisationEndsTheMembershipInBWhereTheMemberRowAndItsHistoryStay() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        String member = memberId();
        String inB = switchTo(maria.token(), booking.slug());
        assertThat(api.patch("/api/v1/tenants/" + home.slug(), operator, json("status", "SUSPENDED", "reason",
                "closing")).status()).isEqualTo(200);

        Response deleted = api.delete("/api/v1/tenants/" + home.slug(), operator);

        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertEnds(inB);
        Response seen = api.get(booking.path("/users/" + member), booking.adminToken());
        assertThat(seen.status()).as("B's row is B's: it stays, with its history").isEqualTo(200);
        assertThat(seen.text("/status")).isEqualTo("DISABLED");
        assertThat(seen.body().at("/signsInElsewhere").asBoolean()).isFalse();
        var ended = RecordedAudit.only(jdbc, booking.id(), "MEMBERSHIP_ENDED");
        assertThat(ended.details().at("/by").asString()).isEqualTo("home organisation");
        assertThat(ended.details().toString()).as("B's trail never names the home organisation")
                .doesNotContain(home.slug());
        assertThat(RecordedAudit.only(jdbc, booking.id(), "MEMBERSHIP_ACCEPTED")).isNotNull();
    }

    @Test
    void deletingTheOrganisationThePersonJoinedIsRecordedInTheirHomeTrail() {
        accept(maria.token(), invite("maria.l", address, "STAFF"));
        assertThat(api.patch("/api/v1/tenants/" + booking.slug(), operator, json("status", "SUSPENDED", "reason",
                "closing")).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/tenants/" + booking.slug(), operator).status()).isEqualTo(200);

        assertThat(api.get("/api/v1/me/memberships", maria.token()).body().at("/items").size()).isZero();
        var ended = RecordedAudit.only(jdbc, home.id(), "MEMBERSHIP_ENDED");
        assertThat(ended.details().at("/organisation").asString()).isEqualTo(booking.slug());
        assertThat(ended.details().at("/by").asString()).isEqualTo("organisation");
        assertThat(api.get("/api/v1/me", maria.token()).status()).as("the home account is untouched").isEqualTo(200);
    }
}
