package dev.gatehouse.server.identityproviders;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Domain mappings applied to people an identity provider signs up just in time (issue 16): they land with
 * the mapping's role and location, or wait in the approval queue, as a self-registration does.
 */
class SsoDomainMappingsIT extends IntegrationTest {

    private static final Origin ORIGIN = new Origin("127.0.0.1", "SsoDomainMappingsIT");

    @Autowired
    private Provisioning provisioning;
    @Autowired
    private JdbcClient jdbc;

    private record Setup(SignedInTenant clinic, TenantId tenant, UUID provider, String location, String domain) {}

    private Setup setup() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String domain = clinic.slug() + ".example";
        String location = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Downtown"))
                .text("/id");
        Response provider = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Entra",
                "kind", "OIDC", "domains", raw("[\"" + domain + "\"]"), "jitProvisioning", true,
                "config", raw("{\"issuer\": \"https://login.idp.test\"}"),
                "mappings", raw("[{\"group\": \"nurses\", \"role\": \"provider\"}]")));
        assertThat(provider.status()).as(provider.raw()).isEqualTo(201);
        return new Setup(clinic, new TenantId(UUID.fromString(clinic.id())), UUID.fromString(provider.text("/id")),
                location, domain);
    }

    private void map(SignedInTenant owner, String pattern, String mode, String role, String location) {
        Response created = api.post(owner.path("/domain-mappings"), owner.adminToken(), json("pattern", pattern,
                "mode", mode, "defaultRole", role, "targetLocation", location));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
    }

    private static ExternalIdentity person(String subject, String email, boolean verified, List<String> groups) {
        return new ExternalIdentity(subject, email, verified, null, "Ann", "Lee", groups, Map.of());
    }

    private List<String> roles(Setup setup, String user) {
        List<String> roles = new ArrayList<>();
        for (JsonNode held : api.get(setup.clinic().path("/users/" + user + "/roles"), setup.clinic().adminToken())
                .body().path("items")) {
            roles.add(held.path("role").asString() + (held.path("location").isNull() || held.path("location").isMissingNode()
                    ? "" : "@" + held.path("location").asString()) + ":" + held.path("source").asString());
        }
        return roles;
    }

    private long users(Setup setup, String email) {
        return jdbc.sql("select count(*) from users where tenant_id = :tenant and lower(email) = lower(:email)")
                .param("tenant", setup.tenant().value()).param("email", email).query(Long.class).single();
    }

    @Test
    void anAutomaticMappingGivesAnSsoSignUpItsRoleAtItsLocationAndTheProvidersWordNeverTakesItBack() {
        Setup setup = setup();
        map(setup.clinic(), "*." + setup.domain(), "AUTOMATIC", "front_desk", setup.location());

        Provisioning.Result first = provisioning.signIn(setup.tenant(), setup.provider(),
                person("sub-ann", "ann@north." + setup.domain(), true, List.of("nurses")), ORIGIN);
        assertThat(first).isInstanceOf(Provisioning.Result.Ready.class);
        String ann = ((Provisioning.Result.Ready) first).userId().toString();
        assertThat(roles(setup, ann)).containsExactlyInAnyOrder("front_desk@" + setup.location() + ":INVITE",
                "provider:SSO");
        RecordedAudit.Event placed = RecordedAudit.of(jdbc, setup.clinic().id(), "ROLE_ASSIGNED").stream()
                .filter(event -> event.details().path("via").asString("").equals("domain-mapping")).findFirst()
                .orElseThrow();
        assertThat(placed.details().path("provider").asString()).isEqualTo(setup.provider().toString());
        assertThat(placed.targetId()).isEqualTo(ann);

        // The provider no longer names a group: its SSO role goes, the mapping's stays.
        provisioning.signIn(setup.tenant(), setup.provider(),
                person("sub-ann", "ann@north." + setup.domain(), true, List.of()), ORIGIN);
        assertThat(roles(setup, ann)).containsExactly("front_desk@" + setup.location() + ":INVITE");

        // An address the provider did not verify says nothing about its domain: plain JIT, no placement.
        Provisioning.Result unverified = provisioning.signIn(setup.tenant(), setup.provider(),
                person("sub-bob", "bob@north." + setup.domain(), false, List.of()), ORIGIN);
        assertThat(roles(setup, ((Provisioning.Result.Ready) unverified).userId().toString())).isEmpty();
    }

    @Test
    void anApprovalMappingQueuesTheSsoSignUpWithoutAnAccountUntilAnAdminApproves() {
        Setup setup = setup();
        map(setup.clinic(), setup.domain(), "APPROVAL", "front_desk", setup.location());
        String email = "wendy@" + setup.domain();

        Provisioning.Result asked = provisioning.signIn(setup.tenant(), setup.provider(),
                person("sub-wendy", email, true, List.of("nurses")), ORIGIN);
        assertThat(asked).isEqualTo(new Provisioning.Result.Refused(Provisioning.AWAITING_APPROVAL));
        assertThat(users(setup, email)).as("no account until approved").isZero();
        assertThat(provisioning.signIn(setup.tenant(), setup.provider(),
                person("sub-wendy", email, true, List.of("nurses")), ORIGIN))
                .isEqualTo(new Provisioning.Result.Refused(Provisioning.AWAITING_APPROVAL));

        JsonNode queue = api.get(setup.clinic().path("/registrations?status=PENDING"), setup.clinic().adminToken())
                .body().path("items");
        assertThat(queue).as("one request, however often they try").hasSize(1);
        assertThat(queue.get(0).path("email").asString()).isEqualTo(email);
        assertThat(queue.get(0).path("role").asString()).isEqualTo("front_desk");
        assertThat(queue.get(0).path("via").asString()).startsWith("domain-mapping").contains("OIDC", "Entra");
        assertThat(RecordedAudit.of(jdbc, setup.clinic().id(), "REGISTRATION_REQUESTED")).hasSize(1);

        Response approved = api.post(setup.clinic().path("/registrations/" + queue.get(0).path("id").asString()
                + "/approve"), setup.clinic().adminToken(), "{}");
        assertThat(approved.status()).as(approved.raw()).isEqualTo(200);
        String wendy = approved.text("/user");
        assertThat(roles(setup, wendy)).containsExactly("front_desk@" + setup.location() + ":INVITE");
        assertThat(api.get(setup.clinic().path("/users/" + wendy), setup.clinic().adminToken()).text("/status"))
                .isEqualTo("INVITED");
    }

    @Test
    void aDirectorySyncQueuesAPersonOnceAndNeverAsksAgainAfterARejection() {
        Setup setup = setup();
        map(setup.clinic(), setup.domain(), "APPROVAL", "front_desk", setup.location());
        String email = "dirk@" + setup.domain();
        ExternalIdentity dirk = person("uid=dirk", email, true, List.of());

        assertThat(provisioning.sync(setup.tenant(), setup.provider(), dirk, true, ORIGIN)).isEmpty();
        assertThat(provisioning.sync(setup.tenant(), setup.provider(), dirk, true, ORIGIN)).isEmpty();
        JsonNode queue = api.get(setup.clinic().path("/registrations"), setup.clinic().adminToken()).body()
                .path("items");
        assertThat(queue).hasSize(1);
        assertThat(api.post(setup.clinic().path("/registrations/" + queue.get(0).path("id").asString() + "/reject"),
                setup.clinic().adminToken(), "{}").status()).isEqualTo(200);

        assertThat(provisioning.sync(setup.tenant(), setup.provider(), dirk, true, ORIGIN)).isEmpty();
        assertThat(api.get(setup.clinic().path("/registrations"), setup.clinic().adminToken()).body().path("items"))
                .as("every sync run sees dirk again; a rejection is final").hasSize(1);
        assertThat(users(setup, email)).isZero();
    }

    @Test
    void aParentsMappingPlacingTheAddressInTheProvidersTenantAppliesAndOneElsewhereDoesNot() {
        Setup setup = setup();
        SignedInTenant parent = TestTenants.tenant("clinic").create(api, operatorToken());
        jdbc.sql("update tenants set parent_id = :parent where id = :child")
                .param("parent", UUID.fromString(parent.id())).param("child", setup.tenant().value()).update();
        Response toChild = api.post(parent.path("/domain-mappings"), parent.adminToken(), json("pattern",
                "east." + setup.domain(), "targetTenant", setup.clinic().slug(), "defaultRole", "billing"));
        assertThat(toChild.status()).as(toChild.raw()).isEqualTo(201);
        Response toItself = api.post(parent.path("/domain-mappings"), parent.adminToken(), json("pattern",
                "west." + setup.domain(), "defaultRole", "billing"));
        assertThat(toItself.status()).as(toItself.raw()).isEqualTo(201);

        Provisioning.Result east = provisioning.signIn(setup.tenant(), setup.provider(),
                person("sub-eve", "eve@east." + setup.domain(), true, List.of()), ORIGIN);
        assertThat(roles(setup, ((Provisioning.Result.Ready) east).userId().toString()))
                .containsExactly("billing:INVITE");
        // The parent's mapping of west places people in the parent: this provider signs people into the child only.
        Provisioning.Result west = provisioning.signIn(setup.tenant(), setup.provider(),
                person("sub-wes", "wes@west." + setup.domain(), true, List.of()), ORIGIN);
        assertThat(roles(setup, ((Provisioning.Result.Ready) west).userId().toString())).isEmpty();
    }
}
