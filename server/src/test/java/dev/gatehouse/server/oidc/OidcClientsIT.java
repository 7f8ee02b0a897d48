package dev.gatehouse.server.oidc;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.shared.AccountClosed;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code …/clients}: registering, reading, changing, rotating and deleting a tenant's applications,
 * each audited; bad input answered 400 naming the field; other tenants' clients and callers without
 * {@code clients.manage} refused; a closed service account takes its clients with it.
 */
class OidcClientsIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private TransactionTemplate transactions;

    private SignedInTenant clinic;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
    }

    static String webApp() {
        return json("name", "Booking site", "type", "confidential",
                "redirectUris", raw("[\"https://booking.example/callback\"]"),
                "postLogoutRedirectUris", raw("[\"https://booking.example/\"]"),
                "grantTypes", raw("[\"authorization_code\",\"refresh_token\"]"),
                "scopes", raw("[\"openid\",\"profile\",\"email\",\"roles\"]"));
    }

    @Test
    void registersAConfidentialClientShowingItsSecretOnceAndStoringItHashed() {
        Response created = api.post(clinic.path("/clients"), clinic.adminToken(), webApp());

        assertThat(created.status()).isEqualTo(201);
        String clientId = created.text("/clientId");
        String secret = created.text("/clientSecret");
        assertThat(secret).startsWith("ghcs_").hasSizeGreaterThan(40);
        String stored = jdbc.sql("select secret_hash from oidc_clients where client_id = :id").param("id", clientId)
                .query(String.class).single();
        assertThat(stored).isEqualTo(ClientSecrets.hash(secret)).doesNotContain(secret);

        Response read = api.get(clinic.path("/clients/" + clientId), clinic.adminToken());
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.raw()).doesNotContain(secret).doesNotContain(stored);
        assertThat(read.text("/type")).isEqualTo("confidential");
        assertThat(read.body().at("/redirectUris/0").asString()).isEqualTo("https://booking.example/callback");
        assertThat(api.get(clinic.path("/clients"), clinic.adminToken()).body().at("/total").asInt()).isEqualTo(1);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "CLIENT_CREATED")).singleElement()
                .satisfies(event -> assertThat(event.targetId()).isEqualTo(clientId));
    }

    @Test
    void aPublicClientHasNoSecretAndCannotUseClientCredentials() {
        Response created = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", "Mobile app",
                "type", "public", "redirectUris", raw("[\"http://127.0.0.1:7000/cb\"]"),
                "grantTypes", raw("[\"authorization_code\"]")));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.body().has("clientSecret")).isFalse();

        Response refused = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", "Mobile app",
                "type", "public", "grantTypes", raw("[\"client_credentials\"]")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.raw()).contains("\"field\":\"grantTypes\"");

        Response rotate = api.post(clinic.path("/clients/" + created.text("/clientId") + "/secret"),
                clinic.adminToken(), "{}");
        assertThat(rotate.status()).isEqualTo(409);
    }

    @Test
    void refusesRedirectUrisThatAreNotExact() {
        for (String[] bad : new String[][] {
                {"https://*.example/cb", "redirectUris[0]"},
                {"https://app.example/cb#frag", "redirectUris[0]"},
                {"http://app.example/cb", "redirectUris[0]"},
                {"/relative/cb", "redirectUris[0]"},
                {"https://user@app.example/cb", "redirectUris[0]"}}) {
            Response refused = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", "Bad",
                    "type", "confidential", "redirectUris", raw("[\"" + bad[0] + "\"]"),
                    "grantTypes", raw("[\"authorization_code\"]")));
            assertThat(refused.status()).as(bad[0]).isEqualTo(400);
            assertThat(refused.raw()).as(bad[0]).contains("\"field\":\"" + bad[1] + "\"");
        }
        Response unknownField = api.post(clinic.path("/clients"), clinic.adminToken(),
                "{\"name\":\"x\",\"type\":\"public\",\"grantTypes\":[\"authorization_code\"],\"colour\":\"red\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.raw()).contains("colour");
        Response noServiceAccount = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", "Billing job",
                "type", "confidential", "grantTypes", raw("[\"client_credentials\"]")));
        assertThat(noServiceAccount.status()).isEqualTo(400);
        assertThat(noServiceAccount.raw()).contains("\"field\":\"serviceAccount\"");
        assertThat(jdbc.sql("select count(*) from oidc_clients where tenant_id = :t::uuid").param("t", clinic.id())
                .query(Long.class).single()).isZero();
    }

    @Test
    void clientCredentialsActAsACoveredServiceAccountAndCloseWithIt() {
        String service = serviceAccount(clinic, "billing-job");
        String human = TestMembers.member("nurse.nia").holding("front_desk").create(api, clinic).id();

        Response asHuman = api.post(clinic.path("/clients"), clinic.adminToken(), machine(human));
        assertThat(asHuman.status()).isEqualTo(400);
        assertThat(asHuman.raw()).contains("\"field\":\"serviceAccount\"");

        Response created = api.post(clinic.path("/clients"), clinic.adminToken(), machine(service));
        assertThat(created.status()).isEqualTo(201);
        String clientId = created.text("/clientId");

        closeAccount(service, "DISABLED");
        assertThat(api.get(clinic.path("/clients/" + clientId), clinic.adminToken()).text("/status"))
                .isEqualTo("DISABLED");
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "CLIENT_UPDATED")).singleElement()
                .satisfies(event -> assertThat(event.details().at("/after/status").asString()).isEqualTo("DISABLED"));

        closeAccount(service, "DELETED");
        assertThat(api.get(clinic.path("/clients/" + clientId), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "CLIENT_DELETED")).hasSize(1);
    }

    @Test
    void changesRotatesAndDeletesWithAuditEvents() {
        Response created = api.post(clinic.path("/clients"), clinic.adminToken(), webApp());
        String clientId = created.text("/clientId");
        String firstSecret = created.text("/clientSecret");

        Response patched = api.patch(clinic.path("/clients/" + clientId), clinic.adminToken(),
                json("name", "Booking site (new)", "firstParty", true));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.text("/name")).isEqualTo("Booking site (new)");
        assertThat(patched.body().get("firstParty").asBoolean()).isTrue();
        assertThat(api.patch(clinic.path("/clients/" + clientId), clinic.adminToken(), json("type", "public"))
                .status()).isEqualTo(400);

        Response rotated = api.post(clinic.path("/clients/" + clientId + "/secret"), clinic.adminToken(), "{}");
        assertThat(rotated.status()).isEqualTo(201);
        assertThat(rotated.text("/clientSecret")).isNotEqualTo(firstSecret).startsWith("ghcs_");

        assertThat(api.delete(clinic.path("/clients/" + clientId), clinic.adminToken()).status()).isEqualTo(204);
        assertThat(api.get(clinic.path("/clients/" + clientId), clinic.adminToken()).status()).isEqualTo(404);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "CLIENT_UPDATED")).hasSize(1);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "CLIENT_SECRET_ROTATED")).hasSize(1);
        assertThat(RecordedAudit.of(jdbc, clinic.id(), "CLIENT_DELETED")).hasSize(1);
    }

    @Test
    void anotherTenantsClientIsNotFoundAndStaffWithoutThePermissionAreRefused() {
        String clientId = api.post(clinic.path("/clients"), clinic.adminToken(), webApp()).text("/clientId");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");

        assertThat(api.get(other.path("/clients/" + clientId), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.patch(other.path("/clients/" + clientId), other.adminToken(), json("name", "x")).status())
                .isEqualTo(404);
        assertThat(api.delete(other.path("/clients/" + clientId), other.adminToken()).status()).isEqualTo(404);
        assertThat(api.get(clinic.path("/clients/" + clientId), other.adminToken()).status()).isEqualTo(404);

        String frontDesk = TestMembers.member("desk.dana").holding("front_desk").create(api, clinic).token();
        Response refused = api.get(clinic.path("/clients"), frontDesk);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.raw()).contains("clients.manage");
    }

    /** What the users feature publishes in the transaction that disables or deletes a user. */
    private void closeAccount(String user, String how) {
        Caller admin = new Caller(new TenantId(UUID.fromString(clinic.id())), clinic.slug(),
                UUID.fromString(clinic.adminId()), SignedInTenant.ADMIN, UUID.randomUUID(), List.of());
        transactions.executeWithoutResult(status -> context.publishEvent(new AccountClosed(admin.tenant(),
                UUID.fromString(user), "SERVICE", how, admin, new Origin("127.0.0.1", "test"))));
    }

    static String machine(String serviceAccount) {
        return json("name", "Billing job", "type", "confidential", "grantTypes", raw("[\"client_credentials\"]"),
                "scopes", raw("[\"gatehouse.api\",\"roles\"]"), "serviceAccount", serviceAccount);
    }

    String serviceAccount(SignedInTenant tenant, String username) {
        return new Fixtures(api).serviceAccount(tenant, username);
    }

    /** What the provider's ITs make through the API. */
    record Fixtures(ApiClient api) {

        /** A {@code kind: SERVICE} user holding front_desk: no password, active at once. */
        String serviceAccount(SignedInTenant tenant, String username) {
            Response created = api.post(tenant.path("/users"), tenant.adminToken(), json("username", username,
                    "firstName", "Billing", "lastName", "Job", "kind", "SERVICE",
                    "roles", raw("[{\"role\":\"front_desk\"}]")));
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            return created.text("/id");
        }
    }
}
