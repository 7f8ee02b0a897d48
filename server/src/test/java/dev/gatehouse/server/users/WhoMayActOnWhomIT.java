package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.users.UserFixtures.roleAt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
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
        UserFixtures.Member attacker = fixtures.member(clinic, "helpdesk", "[" + json("role", "helpdesk") + "]");
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
        UserFixtures.Member manager = fixtures.member(clinic, "manager", "[" + roleAt("manager", downtown) + "]");
        UserFixtures.Member desk = fixtures.member(clinic, "desk", "[" + roleAt("front_desk", downtown) + "]");
        UserFixtures.Member provider = fixtures.member(clinic, "doc", "[" + roleAt("provider", downtown) + "]");
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
        fixtures.customRole(clinic, "lead", "LOCATION", "users.read", "users.edit", "roles.assign", "roles.read",
                "patients.*", "medical_notes.read", "appointments.*", "payments.read", "payments.create",
                "payments.process", "refunds.approve", "billing.read", "invoices.read", "reports.read",
                "reports.create", "reports.export", "analytics.read", "time_tracking.*", "inventory.*", "products.*",
                "orders.read", "orders.create", "orders.edit", "calls.read", "calls.edit", "transcriptions.read",
                "users.create", "locations.read");
        fixtures.customRole(clinic, "reader", "TENANT", "roles.read");
        UserFixtures.Member lead = fixtures.member(clinic, "lead",
                "[" + roleAt("lead", downtown) + "," + json("role", "reader") + "]");
        UserFixtures.Member desk = fixtures.member(clinic, "desk", "[" + roleAt("front_desk", uptown) + "]");
        // seed 000: "Manager can manage Location A but is only Front Desk at Location B".
        UserFixtures.Member both = fixtures.member(clinic, "both",
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
        UserFixtures.Member manager = fixtures.member(clinic, "manager", "[" + roleAt("manager", downtown) + "]");
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
