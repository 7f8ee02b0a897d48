package dev.gatehouse.server.users;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.mail.QueuedMail;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Self-registration by e-mail domain (seed 003): the address's domain picks the tenant, the person
 * lands there invited with the pack's default role and an e-mailed one-use link, and the answer
 * never tells whether anything happened.
 */
class SelfRegistrationIT extends IntegrationTest {

    private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]+)");

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private AccessChanges changes;

    private UserFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new UserFixtures(api, operatorToken(), jdbc, changes);
    }

    @Test
    void anAddressInATenantsDomainBecomesAnInvitedUserWithTheDefaultRole() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String domain = clinic.slug() + ".example.org";
        fixtures.setting(clinic, "emailDomains", "[\"" + domain + "\"]");

        Response answer = register("new.nurse", "Nina.Nurse@" + domain.toUpperCase(java.util.Locale.ROOT));
        assertThat(answer.status()).isEqualTo(202);

        Map<String, Object> user = jdbc.sql("""
                        select id, status, email from users where tenant_id = :tenant and username = 'new.nurse'
                        """)
                .param("tenant", UUID.fromString(clinic.id())).query().singleRow();
        assertThat(user.get("status")).isEqualTo("INVITED");
        UUID id = (UUID) user.get("id");
        assertThat(jdbc.sql("""
                        select role_key || '/' || source || '/' || coalesce(location_id::text, 'everywhere')
                        from assignments where user_id = :id
                        """)
                .param("id", id).query(String.class).list()).containsExactly("front_desk/INVITE/everywhere");
        assertThat(jdbc.sql("""
                        select details ->> 'via' from audit_events
                        where tenant_id = :tenant and action = 'USER_CREATED' and target_id = :id
                        """)
                .param("tenant", UUID.fromString(clinic.id())).param("id", id.toString()).query(String.class).single())
                .isEqualTo("email-domain");

        List<QueuedMail.Message> mail = QueuedMail.in(context).where("tenant_id = :tenant",
                Map.of("tenant", UUID.fromString(clinic.id())));
        assertThat(mail).hasSize(1);
        assertThat(mail.getFirst().recipient()).isEqualTo("Nina.Nurse@" + domain.toUpperCase(java.util.Locale.ROOT));
        assertThat(mail.getFirst().kind()).isEqualTo("INVITATION");

        // The e-mailed link works once: the person sets a password and signs in.
        Matcher link = TOKEN.matcher(mail.getFirst().body());
        assertThat(link.find()).isTrue();
        assertThat(api.post("/api/v1/auth/tokens/accept", null, json("token", link.group(1), "newPassword",
                "my very own new passphrase")).status()).isEqualTo(204);
        assertThat(api.login(clinic.slug(), "new.nurse", "my very own new passphrase")).isNotBlank();
    }

    @Test
    void theAnswerIsTheSameWhenNoTenantMatchesOrTheUserExists() {
        UserFixtures.Tenant clinic = fixtures.clinic();
        String domain = clinic.slug() + ".example.org";
        fixtures.setting(clinic, "emailDomains", "[\"" + domain + "\"]");
        Response first = register("first.fay", "fay@" + domain);
        Response unknownDomain = register("first.fay", "fay@nobody-" + UUID.randomUUID() + ".example.net");
        Response takenUsername = register("first.fay", "other@" + domain);
        Response takenEmail = register("second.sam", "fay@" + domain);

        for (Response answer : List.of(unknownDomain, takenUsername, takenEmail)) {
            assertThat(answer.status()).isEqualTo(202);
            assertThat(answer.raw()).isEqualTo(first.raw());
        }
        assertThat(jdbc.sql("select count(*) from users where tenant_id = :tenant and username <> 'owner'")
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from mail_outbox where tenant_id = :tenant")
                .param("tenant", UUID.fromString(clinic.id())).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void aDomainClaimedByTwoTenantsRegistersNobody() {
        UserFixtures.Tenant one = fixtures.clinic();
        UserFixtures.Tenant two = fixtures.tenant("rcm", "admin");
        String domain = "shared-" + one.slug() + ".example.org";
        fixtures.setting(one, "emailDomains", "[\"" + domain + "\"]");
        fixtures.setting(two, "emailDomains", "[\"" + domain + "\"]");

        assertThat(register("both.bo", "bo@" + domain).status()).isEqualTo(202);
        assertThat(jdbc.sql("select count(*) from users where username = 'both.bo' and tenant_id in (:one, :two)")
                .param("one", UUID.fromString(one.id())).param("two", UUID.fromString(two.id()))
                .query(Long.class).single()).isZero();
    }

    @Test
    void aChildListingItsParentsDomainAsItsOwnTakesTheAddressInsteadOfAConflict() {
        UserFixtures.Tenant parent = fixtures.clinic();
        UserFixtures.Tenant child = fixtures.clinic();
        jdbc.sql("update tenants set parent_id = :parent where id = :child")
                .param("parent", UUID.fromString(parent.id())).param("child", UUID.fromString(child.id())).update();
        String domain = "family-" + parent.slug() + ".example.org";
        String parentsOnly = "parent-" + parent.slug() + ".example.org";
        fixtures.setting(parent, "emailDomains", "[\"" + domain + "\", \"" + parentsOnly + "\"]");
        fixtures.setting(child, "emailDomains", "[\"" + domain + "\"]");

        assertThat(register("kid.kim", "kim@" + domain).status()).isEqualTo(202);
        assertThat(register("pa.pat", "pat@" + parentsOnly).status()).isEqualTo(202);

        assertThat(tenantsOf("kid.kim")).as("the child's own list overrides the parent's there")
                .containsExactly(UUID.fromString(child.id()));
        assertThat(tenantsOf("pa.pat")).as("the parent's own domain is still the parent's")
                .containsExactly(UUID.fromString(parent.id()));

        // An unrelated tenant claiming the domain too is the conflict it always was.
        UserFixtures.Tenant stranger = fixtures.tenant("rcm", "admin");
        fixtures.setting(stranger, "emailDomains", "[\"" + domain + "\"]");
        assertThat(register("kid.kai", "kai@" + domain).status()).isEqualTo(202);
        assertThat(tenantsOf("kid.kai")).isEmpty();
    }

    private List<UUID> tenantsOf(String username) {
        return jdbc.sql("select tenant_id from users where username = :username").param("username", username)
                .query(UUID.class).list();
    }

    @Test
    void anRcmTenantGivesItsOwnDefaultRole() {
        UserFixtures.Tenant rcm = fixtures.tenant("rcm", "admin");
        String domain = rcm.slug() + ".example.org";
        fixtures.setting(rcm, "emailDomains", "[\"" + domain + "\"]");
        assertThat(register("rita.reader", "rita@" + domain).status()).isEqualTo(202);
        assertThat(jdbc.sql("""
                        select a.role_key from assignments a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
                        where u.tenant_id = :tenant and u.username = 'rita.reader'
                        """)
                .param("tenant", UUID.fromString(rcm.id())).query(String.class).list()).containsExactly("READONLY");
    }

    @Test
    void malformedRegistrationsNameTheField() {
        Response noEmail = api.post("/api/v1/auth/register", null, json("username", "no.mail", "firstName", "N",
                "lastName", "M"));
        assertThat(noEmail.status()).isEqualTo(400);
        assertThat(noEmail.text("/errors/0/field")).isEqualTo("email");
        Response badEmail = register("bad.mail", "not-an-address");
        assertThat(badEmail.status()).isEqualTo(400);
        assertThat(badEmail.text("/errors/0/field")).isEqualTo("email");
        Response shortName = register("x", "x@example.org");
        assertThat(shortName.text("/errors/0/field")).isEqualTo("username");
        assertThat(api.post("/api/v1/auth/register", null, "{not json").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/auth/register", null, json("email", 5, "username", "n.n", "firstName", "N",
                "lastName", "M")).status()).isEqualTo(400);
    }

    private Response register(String username, String email) {
        return api.post("/api/v1/auth/register", null, json("email", email, "username", username, "firstName",
                "Nina", "lastName", "Nurse"));
    }
}
