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
import dev.gatehouse.server.testing.TestMembers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** JIT provisioning, linking and mapped roles (issue 15; docs/security.md, "Identity providers and JIT"). */
class ProvisioningIT extends IntegrationTest {

    private static final Origin ORIGIN = new Origin("127.0.0.1", "ProvisioningIT");

    @Autowired
    private Provisioning provisioning;
    @Autowired
    private JdbcClient jdbc;

    private record Setup(SignedInTenant clinic, TenantId tenant, UUID provider, String location) {}

    private Setup setup(boolean jit) {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        String location = api.post(clinic.path("/locations"), clinic.adminToken(), json("name", "Downtown"))
                .text("/id");
        Response provider = api.post(clinic.path("/identity-providers"), clinic.adminToken(), json("name", "Entra",
                "kind", "OIDC", "domains", raw("[\"clinic.example\"]"), "jitProvisioning", jit,
                "config", raw("{\"issuer\": \"https://login.idp.test\"}"), "mappings", raw("""
                        [{"group": "nurses", "role": "provider"},
                         {"claim": "dept", "value": "frontdesk", "role": "front_desk", "location": "%s"}]"""
                        .formatted(location))));
        assertThat(provider.status()).as(provider.raw()).isEqualTo(201);
        return new Setup(clinic, new TenantId(UUID.fromString(clinic.id())), UUID.fromString(provider.text("/id")),
                location);
    }

    private static ExternalIdentity identity(String subject, String email, boolean verified, String lastName,
            List<String> groups, Map<String, List<String>> claims) {
        return new ExternalIdentity(subject, email, verified, null, "Ann", lastName, groups, claims);
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

    @Test
    void aFirstSignInCreatesTheUserWithTheMappedRolesAndLaterOnesKeepNamesAndSsoRolesButNeverDirectOnes() {
        Setup setup = setup(true);
        Provisioning.Result first = provisioning.signIn(setup.tenant(), setup.provider(), identity("sub-ann",
                "ann@clinic.example", true, "Lee", List.of("Nurses"), Map.of("dept", List.of("frontdesk"))), ORIGIN);
        assertThat(first).isInstanceOf(Provisioning.Result.Ready.class);
        Provisioning.Result.Ready ready = (Provisioning.Result.Ready) first;
        assertThat(ready.created()).isTrue();
        String ann = ready.userId().toString();

        JsonNode user = api.get(setup.clinic().path("/users/" + ann), setup.clinic().adminToken()).body();
        assertThat(user.path("status").asString()).isEqualTo("ACTIVE");
        assertThat(user.path("username").asString()).isEqualTo("ann@clinic.example");
        assertThat(user.path("email").asString()).isEqualTo("ann@clinic.example");
        assertThat(user.path("lastName").asString()).isEqualTo("Lee");
        assertThat(roles(setup, ann)).containsExactlyInAnyOrder("provider:SSO",
                "front_desk@" + setup.location() + ":SSO");
        RecordedAudit.Event created = ssoCreated(setup).getFirst();
        assertThat(created.details().path("source").asString()).isEqualTo("SSO");
        assertThat(created.details().path("provider").asString()).isEqualTo(setup.provider().toString());
        assertThat(RecordedAudit.only(jdbc, setup.clinic().id(), "SSO_ACCOUNT_LINKED").targetId()).isEqualTo(ann);

        // An admin gives a role directly; the provider's later word never touches it.
        Response billing = api.post(setup.clinic().path("/users/" + ann + "/roles"), setup.clinic().adminToken(),
                json("role", "billing"));
        assertThat(billing.status()).as(billing.raw()).isEqualTo(201);

        Provisioning.Result second = provisioning.signIn(setup.tenant(), setup.provider(), identity("sub-ann",
                "ann@clinic.example", true, "Lee-Smith", List.of(), Map.of("dept", List.of("frontdesk"))), ORIGIN);
        assertThat(second).isEqualTo(new Provisioning.Result.Ready(ready.userId(), false));
        assertThat(roles(setup, ann)).containsExactlyInAnyOrder("front_desk@" + setup.location() + ":SSO",
                "billing:DIRECT");
        assertThat(api.get(setup.clinic().path("/users/" + ann), setup.clinic().adminToken()).text("/lastName"))
                .isEqualTo("Lee-Smith");
        assertThat(RecordedAudit.of(jdbc, setup.clinic().id(), "ROLE_REVOKED")).singleElement()
                .satisfies(revoked -> assertThat(revoked.details().path("role").asString()).isEqualTo("provider"));
        assertThat(ssoCreated(setup)).hasSize(1);
    }

    private List<RecordedAudit.Event> ssoCreated(Setup setup) {
        return RecordedAudit.of(jdbc, setup.clinic().id(), "USER_CREATED").stream()
                .filter(event -> event.details().path("source").asString("").equals("SSO")).toList();
    }

    @Test
    void anExistingAccountWithTheVerifiedAddressIsLinkedOnlyWithItsOwnersConsentAndOnce() {
        Setup setup = setup(true);
        TestMembers.Member bob = TestMembers.member("bob").withEmail("Bob@clinic.example").holding("front_desk")
                .create(api, setup.clinic());
        ExternalIdentity asBob = identity("sub-bob", "bob@clinic.example", true, "Bob", List.of(), Map.of());

        Provisioning.Result asked = provisioning.signIn(setup.tenant(), setup.provider(), asBob, ORIGIN);
        assertThat(asked).isInstanceOf(Provisioning.Result.ConsentNeeded.class);
        Provisioning.Result.ConsentNeeded consent = (Provisioning.Result.ConsentNeeded) asked;
        assertThat(consent.existingUserId().toString()).isEqualTo(bob.id());
        assertThat(RecordedAudit.of(jdbc, setup.clinic().id(), "SSO_ACCOUNT_LINKED")).isEmpty();
        assertThat(provisioning.pendingLink(consent.linkToken())).get()
                .satisfies(pending -> assertThat(pending.username()).isEqualTo("bob"));
        assertThat(provisioning.pendingLink("ghl_made-up")).isEmpty();

        assertThat(provisioning.link(consent.linkToken(), ORIGIN)).get()
                .satisfies(linked -> assertThat(linked.userId().toString()).isEqualTo(bob.id()));
        assertThat(provisioning.link(consent.linkToken(), ORIGIN)).as("a link request is used once").isEmpty();
        assertThat(provisioning.signIn(setup.tenant(), setup.provider(), asBob, ORIGIN))
                .isEqualTo(new Provisioning.Result.Ready(UUID.fromString(bob.id()), false));
        assertThat(RecordedAudit.only(jdbc, setup.clinic().id(), "SSO_ACCOUNT_LINKED").details().path("by").asString())
                .isEqualTo("consent");
        // The DIRECT role bob was created with stays; no mapping matched, so no SSO role was added.
        assertThat(roles(setup, bob.id())).containsExactly("front_desk:DIRECT");
    }

    @Test
    void anAddressTheProviderDidNotVerifyNeverReachesAnExistingAccount() {
        Setup setup = setup(true);
        TestMembers.Member carol = TestMembers.member("carol").withEmail("carol@clinic.example").holding("front_desk")
                .create(api, setup.clinic());
        Provisioning.Result result = provisioning.signIn(setup.tenant(), setup.provider(), identity("sub-mallory",
                "carol@clinic.example", false, "Mallory", List.of("nurses"), Map.of()), ORIGIN);
        assertThat(result).isInstanceOf(Provisioning.Result.Refused.class);
        assertThat(jdbc.sql("select count(*) from external_identities where tenant_id = :t")
                .param("t", setup.tenant().value()).query(Long.class).single()).isZero();
        assertThat(ssoCreated(setup)).isEmpty();
        assertThat(roles(setup, carol.id())).containsExactly("front_desk:DIRECT");
    }

    @Test
    void withoutJitAnUnknownPersonIsRefusedAndADisabledProviderSignsNobodyIn() {
        Setup setup = setup(false);
        Provisioning.Result unknown = provisioning.signIn(setup.tenant(), setup.provider(), identity("sub-dan",
                "dan@clinic.example", true, "Dan", List.of(), Map.of()), ORIGIN);
        assertThat(unknown).isEqualTo(new Provisioning.Result.Refused("no account"));
        assertThat(ssoCreated(setup)).isEmpty();

        assertThat(api.patch(setup.clinic().path("/identity-providers/" + setup.provider()),
                setup.clinic().adminToken(), json("enabled", false, "jitProvisioning", true)).status()).isEqualTo(200);
        assertThat(provisioning.signIn(setup.tenant(), setup.provider(), identity("sub-dan", "dan@clinic.example",
                true, "Dan", List.of(), Map.of()), ORIGIN)).isInstanceOf(Provisioning.Result.Refused.class);
        // Another tenant's provider id is no provider of this tenant.
        assertThat(provisioning.signIn(setup.tenant(), UUID.randomUUID(), identity("sub-dan", "dan@clinic.example",
                true, "Dan", List.of(), Map.of()), ORIGIN)).isInstanceOf(Provisioning.Result.Refused.class);
    }

    @Test
    void aDirectorySyncCreatesUpdatesAndDisables() {
        Setup setup = setup(true);
        UUID eve = provisioning.sync(setup.tenant(), setup.provider(), identity("uid=eve", "eve@clinic.example", true,
                "Eve", List.of("nurses"), Map.of()), true, ORIGIN).orElseThrow();
        assertThat(roles(setup, eve.toString())).containsExactly("provider:SSO");
        assertThat(provisioning.sync(setup.tenant(), setup.provider(), identity("uid=eve", "eve@clinic.example", true,
                "Eve", List.of("nurses"), Map.of()), false, ORIGIN)).contains(eve);
        assertThat(api.get(setup.clinic().path("/users/" + eve), setup.clinic().adminToken()).text("/status"))
                .isEqualTo("DISABLED");
        assertThat(provisioning.sync(setup.tenant(), setup.provider(), identity("uid=gone", "gone@clinic.example",
                true, "Gone", List.of(), Map.of()), false, ORIGIN)).as("an inactive person is never created").isEmpty();
    }
}
