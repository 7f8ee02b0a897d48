package dev.gatehouse.server.signup;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Issue 16, seed 002 and 003 over HTTP: a tenant's open registration (with and without approval),
 * domain mappings into the tenant or a child, the approval queue, provider role requests, and what an
 * attacker tries (foreign targets, other tenants' queues, approving oneself, floods, enumeration).
 */
class SignupIT extends IntegrationTest {

    private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]+)");

    @Autowired
    private JdbcClient jdbc;

    @Test
    void anOpenBookingTenantTakesAnyoneWithThePacksDefaultRoleAndAClosedOneNobody() {
        SignedInTenant booking = TestTenants.tenant("booking").create(api, operatorToken());
        SignedInTenant closed = TestTenants.tenant("booking").create(api, operatorToken());
        Response opened = api.patch(booking.path("/settings"), booking.adminToken(),
                json("registration", raw("{\"open\": true}")));
        assertThat(opened.status()).isEqualTo(200);
        assertThat(opened.text("/registration/open")).isEqualTo("true");
        assertThat(opened.body().at("/registration/defaultRole").isNull()).isTrue();

        Response answer = register("pat.patient", "pat@anywhere.example.net", booking.slug());
        Response toClosed = register("pat.patient", "pat@anywhere.example.net", closed.slug());
        Response toNobody = register("pat.patient", "pat@anywhere.example.net", "no-such-" + UUID.randomUUID());

        assertThat(answer.status()).isEqualTo(202);
        assertThat(List.of(toClosed.raw(), toNobody.raw())).containsOnly(answer.raw());
        assertThat(status(booking, "pat.patient")).isEqualTo("INVITED");
        assertThat(roles(booking, "pat.patient")).containsExactly("USER");
        assertThat(status(closed, "pat.patient")).isNull();
        String link = onlyMail(booking, "pat@anywhere.example.net", "INVITATION");
        assertThat(api.post("/api/v1/auth/tokens/accept", null, json("token", token(link), "newPassword",
                "a patient's own long passphrase")).status()).isEqualTo(204);
        assertThat(api.login(booking.slug(), "pat.patient", "a patient's own long passphrase")).isNotBlank();
        assertThat(audit(booking, "USER_CREATED", "via")).contains("open-registration");

        // The tenant's own choice of role, checked against its roles.
        Response unknownRole = api.patch(booking.path("/settings"), booking.adminToken(),
                json("registration", raw("{\"defaultRole\": \"PILOT\"}")));
        assertThat(unknownRole.status()).isEqualTo(400);
        assertThat(unknownRole.text("/errors/0/field")).isEqualTo("registration.defaultRole");
        assertThat(api.patch(booking.path("/settings"), booking.adminToken(),
                json("registration", raw("{\"defaultRole\": \"STAFF\"}"))).status()).isEqualTo(200);
        register("sam.staff", "sam@anywhere.example.net", booking.slug());
        assertThat(roles(booking, "sam.staff")).containsExactly("STAFF");
    }

    @Test
    void withApprovalARegistrationWaitsWithoutAnAccountUntilAnAdminApprovesOrRejectsIt() {
        SignedInTenant booking = TestTenants.tenant("booking").create(api, operatorToken());
        api.patch(booking.path("/settings"), booking.adminToken(),
                json("registration", raw("{\"open\": true, \"approval\": true}")));

        Response answer = register("wendy.waits", "wendy@example.net", booking.slug());
        Response again = register("wendy.waits", "wendy@example.net", booking.slug());
        assertThat(answer.status()).isEqualTo(202);
        assertThat(again.raw()).isEqualTo(answer.raw());
        assertThat(status(booking, "wendy.waits")).as("no account until approved").isNull();
        assertThat(onlyMail(booking, "wendy@example.net", "NOTICE")).contains("approves new accounts there first");
        assertThat(api.post("/api/v1/auth/login", null, json("tenant", booking.slug(), "username", "wendy.waits",
                "password", "anything at all 123")).status()).isEqualTo(401);

        assertThat(audit(booking, "REGISTRATION_REQUESTED", "via")).containsExactly("open-registration");
        Response queue = api.get(booking.path("/registrations?status=PENDING"), booking.adminToken());
        assertThat(queue.status()).isEqualTo(200);
        assertThat(queue.text("/total")).isEqualTo("1");
        assertThat(queue.text("/items/0/kind")).isEqualTo("REGISTRATION");
        assertThat(queue.text("/items/0/role")).isEqualTo("USER");
        String id = queue.text("/items/0/id");
        assertThat(context.getBean(Approvals.class).pendingCount(new dev.gatehouse.server.shared.TenantId(
                UUID.fromString(booking.id())))).isEqualTo(1);

        // Someone without registrations.approve, and another tenant's admin, cannot decide it.
        TestMembers.Member user = TestMembers.member("ursula").holding("USER").withEmail().create(api, booking);
        assertThat(api.post(booking.path("/registrations/" + id + "/approve"), user.token(), "{}").status())
                .isEqualTo(403);
        assertThat(api.get(booking.path("/registrations"), user.token()).status()).isEqualTo(403);
        SignedInTenant other = TestTenants.tenant("booking").create(api, operatorToken());
        assertThat(api.post(other.path("/registrations/" + id + "/approve"), other.adminToken(), "{}").status())
                .isEqualTo(404);
        assertThat(api.post(booking.path("/registrations/" + id + "/approve"), other.adminToken(), "{}").status())
                .isEqualTo(404);

        Response unknown = api.post(booking.path("/registrations/" + id + "/approve"), booking.adminToken(),
                json("note", "welcome", "role", "OWNER"));
        assertThat(unknown.status()).as("no field but note").isEqualTo(400);
        assertThat(unknown.raw()).contains("role");
        Response approved = api.post(booking.path("/registrations/" + id + "/approve"), booking.adminToken(),
                json("note", "welcome"));
        assertThat(approved.status()).isEqualTo(200);
        assertThat(approved.text("/status")).isEqualTo("APPROVED");
        assertThat(approved.text("/decidedBy")).isEqualTo("admin");
        assertThat(status(booking, "wendy.waits")).isEqualTo("INVITED");
        assertThat(roles(booking, "wendy.waits")).containsExactly("USER");
        assertThat(audit(booking, "REGISTRATION_APPROVED", "kind")).containsExactly("REGISTRATION");
        assertThat(audit(booking, "USER_CREATED", "via")).contains("open-registration");
        assertThat(mails(booking, "wendy@example.net", "INVITATION")).hasSize(1);
        assertThat(api.post(booking.path("/registrations/" + id + "/reject"), booking.adminToken(), "{}").status())
                .as("decided already").isEqualTo(409);

        register("rex.rejected", "rex@example.net", booking.slug());
        String rex = api.get(booking.path("/registrations?status=PENDING"), booking.adminToken()).text("/items/0/id");
        Response rejected = api.post(booking.path("/registrations/" + rex + "/reject"), booking.adminToken(),
                json("note", "we do not know you"));
        assertThat(rejected.text("/status")).isEqualTo("REJECTED");
        assertThat(status(booking, "rex.rejected")).isNull();
        assertThat(mails(booking, "rex@example.net", "NOTICE")).anyMatch(body -> body.contains("was not approved")
                && body.contains("we do not know you"));
        assertThat(audit(booking, "REGISTRATION_REJECTED", "kind")).containsExactly("REGISTRATION");
        assertThat(api.get(booking.path("/registrations?status=MAYBE"), booking.adminToken()).text("/errors/0/field"))
                .isEqualTo("status");
    }

    @Test
    void domainMappingsAreCheckedAndPlaceAnAddressInTheTenantOrAChildWithTheirRoleAndLocation() {
        SignedInTenant parent = TestTenants.tenant("clinic").create(api, operatorToken());
        SignedInTenant child = TestTenants.tenant("clinic").create(api, operatorToken());
        SignedInTenant stranger = TestTenants.tenant("clinic").create(api, operatorToken());
        jdbc.sql("update tenants set parent_id = :parent where id = :child")
                .param("parent", UUID.fromString(parent.id())).param("child", UUID.fromString(child.id())).update();
        String north = TestTenants.location(api, child, "North", null);
        String domain = parent.slug() + ".example.org";

        assertThat(api.get(parent.path("/domain-mappings"), parent.adminToken()).raw()).isEqualTo("[]");
        Response bad = api.post(parent.path("/domain-mappings"), parent.adminToken(), json("pattern", "*.com",
                "priority", 5000, "mode", "SOMETIMES", "targetTenant", stranger.slug()));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(List.of(bad.text("/errors/0/field"), bad.text("/errors/1/field"), bad.text("/errors/2/field"),
                bad.text("/errors/3/field"))).containsExactly("pattern", "priority", "mode", "targetTenant");
        Response foreignById = api.post(parent.path("/domain-mappings"), parent.adminToken(),
                json("pattern", domain, "targetTenant", stranger.id()));
        assertThat(foreignById.status()).isEqualTo(400);
        assertThat(foreignById.text("/errors/0/field")).isEqualTo("targetTenant");
        Response unknownField = api.post(parent.path("/domain-mappings"), parent.adminToken(),
                json("pattern", domain, "target", child.slug()));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.raw()).contains("target");
        Response badRole = api.post(parent.path("/domain-mappings"), parent.adminToken(),
                json("pattern", domain, "targetTenant", child.slug(), "defaultRole", "captain", "targetLocation",
                        UUID.randomUUID().toString()));
        assertThat(List.of(badRole.text("/errors/0/field"), badRole.text("/errors/1/field")))
                .containsExactly("targetLocation", "defaultRole");

        Response toChild = api.post(parent.path("/domain-mappings"), parent.adminToken(), json("pattern",
                "*." + domain, "priority", 10, "targetTenant", child.slug(), "targetLocation", north,
                "defaultRole", "provider"));
        assertThat(toChild.status()).isEqualTo(201);
        assertThat(toChild.text("/targetTenant/slug")).isEqualTo(child.slug());
        assertThat(toChild.text("/mode")).isEqualTo("AUTOMATIC");
        String mapping = toChild.text("/id");
        Response exact = api.post(parent.path("/domain-mappings"), parent.adminToken(), json("pattern",
                "north." + domain, "priority", 10, "mode", "APPROVAL"));
        assertThat(exact.status()).isEqualTo(201);
        assertThat(api.post(parent.path("/domain-mappings"), parent.adminToken(), json("pattern", "NORTH." + domain))
                .text("/errors/0/field")).as("mapped already").isEqualTo("pattern");
        assertThat(audit(parent, "DOMAIN_MAPPING_CREATED", "pattern")).contains("*." + domain);
        assertThat(audit(child, "DOMAIN_MAPPING_CREATED", "ownerTenant")).containsExactly(parent.slug());

        // Others: another tenant's admin sees 404, a member without the permission 403.
        assertThat(api.get(stranger.path("/domain-mappings/" + mapping), stranger.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(parent.path("/domain-mappings/" + mapping), stranger.adminToken()).status()).isEqualTo(404);
        TestMembers.Member desk = TestMembers.member("desk").holding("front_desk").create(api, parent);
        assertThat(api.get(parent.path("/domain-mappings"), desk.token()).status()).isEqualTo(403);
        assertThat(api.delete(parent.path("/domain-mappings/" + mapping), desk.token()).status()).isEqualTo(403);

        // A subdomain lands in the child, as a provider at North; the exact domain's mapping ranks above the
        // wildcard at the same priority, and waits for approval in the parent.
        assertThat(register("sub.sue", "sue@south." + domain, null).status()).isEqualTo(202);
        assertThat(roles(child, "sub.sue")).containsExactly("provider@" + north);
        assertThat(register("nora.north", "nora@north." + domain, null).status()).isEqualTo(202);
        assertThat(status(child, "nora.north")).isNull();
        assertThat(api.get(parent.path("/registrations?status=PENDING"), parent.adminToken()).text("/items/0/username"))
                .isEqualTo("nora.north");

        // A stranger mapping the same domain makes it a conflict: nobody lands anywhere.
        assertThat(api.post(stranger.path("/domain-mappings"), stranger.adminToken(), json("pattern", "*." + domain,
                "priority", 1000)).status()).isEqualTo(201);
        register("con.flict", "con@west." + domain, null);
        assertThat(status(child, "con.flict")).isNull();
        assertThat(status(stranger, "con.flict")).isNull();

        Response replaced = api.put(parent.path("/domain-mappings/" + mapping), parent.adminToken(), json("pattern",
                "*." + domain, "priority", 20, "mode", "APPROVAL"));
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.text("/targetTenant/slug")).isEqualTo(parent.slug());
        assertThat(replaced.body().hasNonNull("defaultRole")).as("the pack's default role").isFalse();
        assertThat(audit(parent, "DOMAIN_MAPPING_CHANGED", "mode")).containsExactly("APPROVAL");
        assertThat(audit(child, "DOMAIN_MAPPING_CHANGED", "ownerTenant")).as("it left the child").hasSize(1);
        assertThat(api.delete(parent.path("/domain-mappings/" + mapping), parent.adminToken()).status()).isEqualTo(204);
        assertThat(api.get(parent.path("/domain-mappings/" + mapping), parent.adminToken()).status()).isEqualTo(404);
        assertThat(audit(parent, "DOMAIN_MAPPING_DELETED", "pattern")).containsExactly("*." + domain);
    }

    @Test
    void aUserAsksForTheProviderRoleAndAnotherAdminDecidesNeverThemselves() {
        SignedInTenant booking = TestTenants.tenant("booking").create(api, operatorToken());
        TestMembers.Member user = TestMembers.member("paula").holding("USER").withEmail().create(api, booking);
        TestMembers.Member owner2 = TestMembers.member("otto").holding("OWNER").withEmail().create(api, booking);

        Response notYet = api.post(booking.path("/role-requests"), user.token(), json("role", "PROVIDER"));
        assertThat(notYet.status()).isEqualTo(400);
        assertThat(notYet.text("/errors/0/field")).isEqualTo("role");
        assertThat(api.patch(booking.path("/settings"), booking.adminToken(),
                json("registration", raw("{\"requestableRoles\": [\"PROVIDER\"]}"))).status()).isEqualTo(200);
        assertThat(api.post(booking.path("/role-requests"), user.token(), json("role", "OWNER")).status())
                .isEqualTo(400);

        assertThat(api.post(booking.path("/role-requests"), user.token(), json("role", "PROVIDER", "location",
                "anywhere")).status()).as("an unknown field").isEqualTo(400);
        Response asked = api.post(booking.path("/role-requests"), user.token(), json("role", "PROVIDER", "note",
                "I run a physiotherapy practice"));
        assertThat(asked.status()).isEqualTo(201);
        assertThat(asked.text("/status")).isEqualTo("PENDING");
        assertThat(audit(booking, "ROLE_REQUESTED", "role")).containsExactly("PROVIDER");
        assertThat(api.post(booking.path("/role-requests"), user.token(), json("role", "PROVIDER")).status())
                .isEqualTo(409);
        assertThat(api.get(booking.path("/role-requests"), user.token()).text("/0/note"))
                .isEqualTo("I run a physiotherapy practice");
        assertThat(api.post(booking.path("/registrations/" + asked.text("/id") + "/approve"), user.token(), "{}")
                .status()).as("not an approver").isEqualTo(403);

        Response approved = api.post(booking.path("/registrations/" + asked.text("/id") + "/approve"),
                booking.adminToken(), "{}");
        assertThat(approved.status()).isEqualTo(200);
        assertThat(roles(booking, "paula")).containsExactlyInAnyOrder("USER", "PROVIDER");
        assertThat(audit(booking, "ROLE_REQUEST_APPROVED", "role")).containsExactly("PROVIDER");
        assertThat(audit(booking, "ROLE_ASSIGNED", "role")).contains("PROVIDER");
        assertThat(mails(booking, "paula@" + booking.slug() + ".example", "NOTICE"))
                .anyMatch(body -> body.contains("was approved"));
        assertThat(api.post(booking.path("/role-requests"), user.token(), json("role", "PROVIDER")).status())
                .as("holds it now").isEqualTo(409);

        // An admin's own request goes to another admin.
        Response own = api.post(booking.path("/role-requests"), owner2.token(), json("role", "PROVIDER"));
        assertThat(own.status()).isEqualTo(201);
        assertThat(api.post(booking.path("/registrations/" + own.text("/id") + "/approve"), owner2.token(), "{}")
                .status()).isEqualTo(403);
        assertThat(api.post(booking.path("/registrations/" + own.text("/id") + "/reject"), owner2.token(), "{}")
                .status()).isEqualTo(403);
        Response rejected = api.post(booking.path("/registrations/" + own.text("/id") + "/reject"),
                booking.adminToken(), json("note", "not a provider"));
        assertThat(rejected.text("/status")).isEqualTo("REJECTED");
        assertThat(roles(booking, "otto")).containsExactly("OWNER");
        assertThat(audit(booking, "ROLE_REQUEST_REJECTED", "note")).containsExactly("not a provider");
    }

    @Test
    void aFloodOfRegistrationsIsRefusedWithRetryAfterAndSaysNothingAboutAccounts() {
        SignedInTenant booking = TestTenants.tenant("booking").create(api, operatorToken());
        api.patch(booking.path("/settings"), booking.adminToken(), json("registration", raw("{\"open\": true}")));

        Response last = null;
        for (int i = 0; i < 4; i++) {
            last = register("flo.flood" + i, "flo@flood.example.net", booking.slug());
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.http().headers().firstValue("Retry-After")).isPresent();
        assertThat(status(booking, "flo.flood0")).isEqualTo("INVITED");
        assertThat(status(booking, "flo.flood1")).as("the address is taken there: nothing, and the same 202").isNull();
    }

    private Response register(String username, String email, String tenant) {
        return tenant == null
                ? api.post("/api/v1/auth/register", null, json("email", email, "username", username, "firstName",
                        "Nina", "lastName", "Newcomer"))
                : api.post("/api/v1/auth/register", null, json("email", email, "username", username, "firstName",
                        "Nina", "lastName", "Newcomer", "tenant", tenant));
    }

    private String status(SignedInTenant tenant, String username) {
        return jdbc.sql("select status from users where tenant_id = :tenant and username = :username")
                .param("tenant", UUID.fromString(tenant.id())).param("username", username).query(String.class)
                .optional().orElse(null);
    }

    private List<String> roles(SignedInTenant tenant, String username) {
        return jdbc.sql("""
                        select a.role_key || coalesce('@' || a.location_id::text, '') from assignments a
                        join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
                        where u.tenant_id = :tenant and u.username = :username
                        """)
                .param("tenant", UUID.fromString(tenant.id())).param("username", username).query(String.class).list();
    }

    private List<String> audit(SignedInTenant tenant, String action, String detail) {
        return jdbc.sql("select details ->> :detail from audit_events where tenant_id = :tenant and action = :action")
                .param("tenant", UUID.fromString(tenant.id())).param("action", action).param("detail", detail)
                .query(String.class).list();
    }

    private List<String> mails(SignedInTenant tenant, String recipient, String kind) {
        return QueuedMail.in(context).bodies("tenant_id = :tenant and recipient = :recipient and kind = :kind",
                Map.of("tenant", UUID.fromString(tenant.id()), "recipient", recipient, "kind", kind));
    }

    private String onlyMail(SignedInTenant tenant, String recipient, String kind) {
        List<String> mails = mails(tenant, recipient, kind);
        assertThat(mails).hasSize(1);
        return mails.getFirst();
    }

    private static String token(String mail) {
        Matcher link = TOKEN.matcher(mail);
        assertThat(link.find()).isTrue();
        return link.group(1);
    }
}
