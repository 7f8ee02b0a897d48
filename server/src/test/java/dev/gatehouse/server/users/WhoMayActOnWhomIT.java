package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.TestMembers;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Who may act on whom, over HTTP (docs/security.md): a slice of the engine's matrix
 * (WhoMayActOnWhomTest) where each operation is once allowed and once refused with 403, and a
 * refused call writes nothing — the target's password, e-mail, username, status, sessions and roles
 * stay, no link comes back and no mail is queued. The attacker is issue 11's: a holder of
 * users.edit who is not an admin, trying every takeover of the tenant's owner.
 */
class WhoMayActOnWhomIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    private UserFixtures fixtures;
    private UserFixtures.Tenant clinic;
    private String downtown;

    @BeforeEach
    void clinic() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
        clinic = fixtures.clinic();
        downtown = fixtures.location(clinic, "Downtown");
    }

    @Test
    void aUsersEditHolderWhoIsNotAdminCannotTakeOverTheOwner() {
        fixtures.customRole(clinic, "helpdesk", "TENANT", "users.read", "users.edit");
        TestMembers.Member attacker = fixtures.member(clinic, "helpdesk", "[" + json("role", "helpdesk") + "]");
        String owner = clinic.ownerId();
        Snapshot before = snapshot(owner);

        Map<String, Response> tries = new java.util.LinkedHashMap<>();
        tries.put("reset link", api.post(clinic.user(owner) + "/password-reset", attacker.token(), ""));
        tries.put("temporary password", api.post(clinic.user(owner) + "/password-reset", attacker.token(),
                json("temporaryPassword", "the attacker's own passphrase 42")));
        tries.put("e-mail", api.patch(clinic.user(owner), attacker.token(), json("email", "owner@attacker.example")));
        tries.put("username", api.patch(clinic.user(owner), attacker.token(), json("username", "owned")));
        tries.put("lock", api.post(clinic.user(owner) + "/lock", attacker.token(), ""));
        tries.put("disable", api.post(clinic.user(owner) + "/disable", attacker.token(), ""));
        tries.put("end sessions", api.delete(clinic.user(owner) + "/sessions", attacker.token()));
        tries.put("second factor", api.post(clinic.user(owner) + "/mfa/reset", attacker.token(), ""));
        tries.put("invitation", api.post(clinic.user(owner) + "/invitation", attacker.token(), ""));

        tries.forEach((what, answer) -> {
            assertThat(answer.status()).as(what + ": " + answer.raw()).isEqualTo(403);
            assertThat(answer.raw()).as(what).doesNotContain("token=").doesNotContain("resetUrl")
                    .contains("owner holds").contains("which you do not hold");
        });
        assertThat(snapshot(owner)).isEqualTo(before);
        assertThat(api.get("/api/v1/me", clinic.owner()).status()).as("the owner is still signed in").isEqualTo(200);
        assertThat(api.login(clinic.slug(), "owner", UserFixtures.PASSWORD)).isNotBlank();
        // Non-identity fields stay users.edit's, as before.
        assertThat(api.patch(clinic.user(owner), attacker.token(), json("phone", "+15550100")).status())
                .isEqualTo(200);
    }

    @Test
    void aClinicManagerManagesTheFrontDeskOfHerLocationButNotAProvider() {
        TestMembers.Member manager = fixtures.member(clinic, "manager", "[" + roleAt("manager", downtown) + "]");
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + roleAt("front_desk", downtown) + "]");
        TestMembers.Member provider = fixtures.member(clinic, "doc", "[" + roleAt("provider", downtown) + "]");
        String deskUser = clinic.user(desk.id());

        Response link = api.post(deskUser + "/password-reset", manager.token(), "");
        assertThat(link.status()).as(link.raw()).isEqualTo(202);
        assertThat(link.text("/resetUrl")).contains("token=");
        assertThat(api.post(deskUser + "/password-reset", manager.token(),
                json("temporaryPassword", "a temporary passphrase 4711")).status()).isEqualTo(202);
        assertThat(api.patch(deskUser, manager.token(), json("email", "desk.new@example.com")).status()).isEqualTo(200);
        assertThat(api.patch(deskUser, manager.token(), json("username", "frontdesk")).status()).isEqualTo(200);
        assertThat(api.post(deskUser + "/lock", manager.token(), "").status()).isEqualTo(200);
        assertThat(api.post(deskUser + "/unlock", manager.token(), "").status()).isEqualTo(200);
        assertThat(api.post(deskUser + "/disable", manager.token(), "").status()).isEqualTo(200);
        assertThat(api.post(deskUser + "/enable", manager.token(), "").status()).isEqualTo(200);
        assertThat(api.delete(deskUser + "/sessions", manager.token()).status()).isBetween(200, 204);
        assertThat(api.post(deskUser + "/mfa/reset", manager.token(), "").status())
                .as("past the rule: no second factor to reset").isEqualTo(409);

        String doc = clinic.user(provider.id());
        Snapshot before = snapshot(provider.id());
        Response refused = api.post(doc + "/password-reset", manager.token(), "");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.text("/detail")).contains("doc holds medical_notes.")
                .doesNotContain("token=");
        assertThat(api.patch(doc, manager.token(), json("email", "doc@attacker.example")).status()).isEqualTo(403);
        assertThat(api.post(doc + "/lock", manager.token(), "").status()).isEqualTo(403);
        assertThat(api.post(doc + "/unlock", manager.token(), "").status()).isEqualTo(403);
        assertThat(api.post(doc + "/enable", manager.token(), "").status()).isEqualTo(403);
        assertThat(api.delete(doc + "/sessions", manager.token()).status()).isEqualTo(403);
        assertThat(snapshot(provider.id())).isEqualTo(before);
        assertThat(api.get("/api/v1/me", provider.token()).status()).isEqualTo(200);
    }

    @Test
    void roleChangesAreBoundToTheLocationWhileCredentialsNeedEverything() {
        String uptown = fixtures.location(clinic, "Uptown");
        // A lead who may change roles at downtown and holds what a manager and a front desk hold there.
        fixtures.customRole(clinic, "lead", "LOCATION", "users.read", "users.edit", "roles.assign",
                "elevation.request", "roles.delegate", "care_teams.*", "break_glass.review", "roles.read",
                "patients.*", "medical_notes.read", "appointments.*", "payments.read", "payments.create",
                "payments.process", "refunds.approve", "billing.read", "invoices.read", "reports.read",
                "reports.create", "reports.export", "analytics.read", "time_tracking.*", "inventory.*", "products.*",
                "orders.read", "orders.create", "orders.edit", "calls.read", "calls.edit", "transcriptions.read",
                "users.create", "locations.read");
        fixtures.customRole(clinic, "reader", "TENANT", "roles.read");
        TestMembers.Member lead = fixtures.member(clinic, "lead",
                "[" + roleAt("lead", downtown) + "," + json("role", "reader") + "]");
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + roleAt("front_desk", uptown) + "]");
        // seed 000: "Manager can manage Location A but is only Front Desk at Location B".
        TestMembers.Member both = fixtures.member(clinic, "both",
                "[" + roleAt("manager", downtown) + "," + roleAt("front_desk", uptown) + "]");
        String user = clinic.user(both.id());

        assertThat(api.get(user, lead.token()).status()).as("seen from A").isEqualTo(200);
        assertThat(api.get(user, both.token()).status()).as("their own record").isEqualTo(200);
        assertThat(api.get(clinic.user(desk.id()), desk.token()).status()).as("without users.read").isEqualTo(200);
        assertThat(api.get(user, desk.token()).status()).as("but nobody else's").isEqualTo(403);
        Response given = api.post(user + "/roles", lead.token(), json("role", "front_desk", "location", downtown));
        assertThat(given.status()).as(given.raw()).isEqualTo(201);
        assertThat(api.delete(user + "/roles/" + given.text("/id"), lead.token()).status()).isEqualTo(204);
        String atB = jdbc.sql("select id from assignments where user_id = :u and location_id = :l")
                .param("u", UUID.fromString(both.id())).param("l", UUID.fromString(uptown))
                .query(UUID.class).single().toString();
        assertThat(api.delete(user + "/roles/" + atB, lead.token()).status()).as("B is not the lead's").isEqualTo(403);
        Response reset = api.post(user + "/password-reset", lead.token(), "");
        assertThat(reset.status()).as("credentials need everything, B included").isEqualTo(403);
        assertThat(reset.raw()).doesNotContain("token=");
    }

    @Test
    void anExpiredAssignmentNoLongerNarrowsWhoAdministersTheUser() {
        String uptown = fixtures.location(clinic, "Uptown");
        TestMembers.Member manager = fixtures.member(clinic, "manager", "[" + roleAt("manager", downtown) + "]");
        String desk = fixtures.user(clinic, "desk", "[" + roleAt("front_desk", downtown) + "]");
        jdbc.sql("""
                        insert into assignments (tenant_id, id, user_id, role_key, location_id, starts_at, expires_at, source)
                        values (:tenant, :id, :user, 'front_desk', :location, now() - interval '30 days',
                                now() - interval '1 day', 'DIRECT')
                        """)
                .param("tenant", UUID.fromString(clinic.id())).param("id", UUID.randomUUID())
                .param("user", UUID.fromString(desk)).param("location", UUID.fromString(uptown)).update();
        changes.subjectChanged(new dev.gatehouse.server.shared.TenantId(UUID.fromString(clinic.id())),
                UUID.fromString(desk));

        assertThat(api.post(clinic.user(desk) + "/lock", manager.token(), "").status()).isEqualTo(200);
        assertThat(api.get(clinic.users(), manager.token()).raw()).contains("\"desk\"");
    }

    @Test
    void endingOneSessionResettingASecondFactorReinvitingDeletingAndReRolingAreEachAllowedAndRefused() {
        TestMembers.Member manager = fixtures.member(clinic, "manager", "[" + roleAt("manager", downtown) + "]");
        TestMembers.Member desk = fixtures.member(clinic, "desk", "[" + roleAt("front_desk", downtown) + "]");
        TestMembers.Member doc = fixtures.member(clinic, "doc", "[" + roleAt("provider", downtown) + "]");
        enrolSecondFactor(desk.id());
        enrolSecondFactor(doc.id());
        Snapshot docBefore = snapshot(doc.id());

        // One session: the front desk's is the manager's to end, the provider's is not.
        String deskSession = api.get(clinic.user(desk.id()) + "/sessions", manager.token()).text("/items/0/id");
        assertThat(api.delete(clinic.user(desk.id()) + "/sessions/" + deskSession, manager.token()).status())
                .isEqualTo(204);
        String docSession = api.get(clinic.user(doc.id()) + "/sessions", manager.token()).text("/items/0/id");
        assertThat(api.delete(clinic.user(doc.id()) + "/sessions/" + docSession, manager.token()).status())
                .isEqualTo(403);
        // Second factor.
        assertThat(api.post(clinic.user(desk.id()) + "/mfa/reset", manager.token(), "").status()).isEqualTo(204);
        assertThat(api.post(clinic.user(doc.id()) + "/mfa/reset", manager.token(), "").status()).isEqualTo(403);
        assertThat(totpRows(doc.id())).as("the provider keeps their authenticator").isEqualTo(1);
        // A new invitation link.
        String invitedDesk = api.post(clinic.users(), clinic.owner(), json("username", "newdesk", "firstName", "N",
                "lastName", "D", "email", "newdesk@example.com", "roles",
                dev.gatehouse.server.testing.ApiClient.raw("[" + roleAt("front_desk", downtown) + "]")))
                .text("/id");
        String invitedDoc = api.post(clinic.users(), clinic.owner(), json("username", "newdoc", "firstName", "N",
                "lastName", "P", "email", "newdoc@example.com", "roles",
                dev.gatehouse.server.testing.ApiClient.raw("[" + roleAt("provider", downtown) + "]")))
                .text("/id");
        Response renewed = api.post(clinic.user(invitedDesk) + "/invitation", manager.token(), "");
        assertThat(renewed.status()).as(renewed.raw()).isEqualTo(201);
        assertThat(renewed.text("/invitationUrl")).contains("token=");
        Snapshot invitedDocBefore = snapshot(invitedDoc);
        Response notRenewed = api.post(clinic.user(invitedDoc) + "/invitation", manager.token(), "");
        assertThat(notRenewed.status()).isEqualTo(403);
        assertThat(notRenewed.raw()).doesNotContain("token=");
        assertThat(snapshot(invitedDoc)).isEqualTo(invitedDocBefore);
        // Deleting: users.delete without covering the owner is refused by this rule first.
        fixtures.customRole(clinic, "remover", "TENANT", "users.read", "users.delete");
        TestMembers.Member remover = fixtures.member(clinic, "remover", "[" + json("role", "remover") + "]");
        Response notDeleted = api.delete(clinic.user(clinic.ownerId()), remover.token());
        assertThat(notDeleted.status()).isEqualTo(403);
        assertThat(notDeleted.text("/detail")).contains("owner holds");
        assertThat(api.delete(clinic.user(invitedDesk), clinic.owner()).status()).isEqualTo(204);
        // Re-roling at her location: a lead gives the front desk a role there, not the provider.
        fixtures.customRole(clinic, "lead", "LOCATION", "users.read", "users.edit", "roles.assign",
                "elevation.request", "roles.delegate",
                "patients.contact", "appointments.*");
        TestMembers.Member lead = fixtures.member(clinic, "lead", "[" + roleAt("lead", downtown) + "]");
        assertThat(api.post(clinic.user(desk.id()) + "/roles", lead.token(),
                json("role", "front_desk", "location", fixtures.location(clinic, "Room 1", downtown))).status())
                .isEqualTo(201);
        Response notGiven = api.post(clinic.user(doc.id()) + "/roles", lead.token(),
                json("role", "front_desk", "location", downtown));
        assertThat(notGiven.status()).isEqualTo(403);
        assertThat(notGiven.text("/detail"))
                .containsPattern("doc holds patients.read for what is assigned to them (at [^,]+|, tenant-wide),"
                        + " which you do not hold");
        assertThat(snapshot(doc.id())).as("nothing of the provider's changed")
                .isEqualTo(new Snapshot(docBefore.hash(), docBefore.email(), docBefore.username(), docBefore.status(),
                        docBefore.sessions(), docBefore.roles(), snapshot(doc.id()).mails()));
    }

    /** A confirmed authenticator, written directly: what it is does not matter to a reset. */
    private void enrolSecondFactor(String user) {
        jdbc.sql("""
                        insert into mfa_totp (tenant_id, user_id, secret, confirmed_at)
                        values (:tenant, :user, :secret, now())
                        """)
                .param("tenant", UUID.fromString(clinic.id())).param("user", UUID.fromString(user))
                .param("secret", new byte[20]).update();
    }

    private long totpRows(String user) {
        return jdbc.sql("select count(*) from mfa_totp where tenant_id = :tenant and user_id = :user")
                .param("tenant", UUID.fromString(clinic.id())).param("user", UUID.fromString(user))
                .query(Long.class).single();
    }

    /** What a takeover would change: password hash, e-mail, username, status, live sessions, roles, mail queued. */
    private record Snapshot(String hash, String email, String username, String status, long sessions, long roles,
            long mails) {}

    private Snapshot snapshot(String user) {
        UUID id = UUID.fromString(user);
        UUID tenant = UUID.fromString(clinic.id());
        return jdbc.sql("""
                        select u.password_hash, coalesce(u.email, '') as email, u.username, u.status,
                               (select count(*) from sessions s where s.tenant_id = u.tenant_id and s.user_id = u.id
                                  and s.ended_at is null) as sessions,
                               (select count(*) from assignments a where a.tenant_id = u.tenant_id
                                  and a.user_id = u.id) as roles,
                               (select count(*) from mail_outbox m where m.tenant_id = u.tenant_id) as mails
                        from users u where u.tenant_id = :tenant and u.id = :id
                        """)
                .param("tenant", tenant).param("id", id)
                .query((rs, n) -> new Snapshot(rs.getString("password_hash"), rs.getString("email"),
                        rs.getString("username"), rs.getString("status"), rs.getLong("sessions"), rs.getLong("roles"),
                        rs.getLong("mails")))
                .single();
    }
}
