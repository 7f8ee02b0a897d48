package dev.gatehouse.server.sdk;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.AuditEventRequest;
import dev.gatehouse.client.BatchResult;
import dev.gatehouse.client.Check;
import dev.gatehouse.client.CheckResult;
import dev.gatehouse.client.EffectivePermissionView;
import dev.gatehouse.client.FieldError;
import dev.gatehouse.client.ForbiddenException;
import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.Holder;
import dev.gatehouse.client.InvalidRequestException;
import dev.gatehouse.client.NotFoundException;
import dev.gatehouse.client.Page;
import dev.gatehouse.client.Relationship;
import dev.gatehouse.client.ResourceRef;
import dev.gatehouse.client.UnauthenticatedException;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestServiceAccounts;
import dev.gatehouse.server.testing.TestTenants;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The Java client's HTTP calls against the server (issue 14): answers, refusals as exceptions, retries, OAuth. */
class ClientIT extends IntegrationTest {

    private SignedInTenant clinic;
    private String downtown;
    private String uptown;

    @BeforeEach
    void clinic() {
        clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        downtown = TestTenants.location(api, clinic, "Downtown", null);
        uptown = TestTenants.location(api, clinic, "Uptown", null);
    }

    private GatehouseClient client(String key) {
        return SdkFixtures.client(port(), clinic, key);
    }

    @Test
    void checksBatchesWhoCanAndEffectivePermissionsAnswerAsTheApi() {
        TestMembers.Member desk = TestMembers.member("desk").holding("front_desk").at(downtown).create(api, clinic);
        try (GatehouseClient client = client(SdkFixtures.appKey(api, clinic))) {
            CheckResult here = client.check(Check.of("desk", "patients.contact")
                    .on(ResourceRef.of("patient", "1").at(downtown)));
            CheckResult there = client.check(Check.of(desk.id(), "patients.contact")
                    .on(ResourceRef.of("patient", "1").at(uptown)));

            assertThat(here.allowed()).isTrue();
            assertThat(here.code()).isEqualTo("GRANTED_BY");
            assertThat(here.via()).containsEntry("role", "front_desk");
            assertThat(there.allowed()).isFalse();
            assertThat(there.code()).isEqualTo("SCOPE_MISS");
            JsonNode raw = api.post(clinic.path("/check"), clinic.adminToken(), json("user", "desk", "permission",
                    "patients.contact", "resource", raw(json("type", "patient", "id", "1", "location", downtown)))).body();
            assertThat(here.reason()).containsEntry("explanation", raw.at("/reason/explanation").asString());

            List<BatchResult> batch = client.checkBatch(List.of(Check.of("desk", "appointments.check_in"),
                    Check.of("ghost", "patients.contact")), false);
            assertThat(batch.get(0).result().allowed()).isTrue();
            assertThat(batch.get(1).error().status()).isEqualTo(404);
            assertThat(batch.get(1).error().detail()).contains("ghost");

            Page<Holder> holders = client.whoCan("patients.contact", downtown, 0, 50);
            assertThat(holders.items()).extracting(holder -> holder.user().username()).contains("desk", "admin");
            assertThat(holders.items()).filteredOn(holder -> holder.user().id().equals(desk.id())).singleElement()
                    .satisfies(holder -> assertThat(holder.via()).containsEntry("role", "front_desk"));

            List<EffectivePermissionView> held = client.effectivePermissions(desk.id(), null);
            assertThat(held).filteredOn(p -> p.permission().equals("patients.contact")).singleElement()
                    .satisfies(p -> {
                        assertThat(p.scope()).isEqualTo("LOCATION");
                        assertThat(p.locations()).containsExactly(downtown);
                        assertThat(p.via()).containsExactly("front_desk");
                    });
        }
    }

    @Test
    void writesAndDeletesRelationshipsAndRecordsAuditEvents() {
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        try (GatehouseClient client = client(SdkFixtures.appKey(api, clinic))) {
            Check read = Check.of("dr.ann", "patients.read").on(ResourceRef.of("patient", "123"));
            assertThat(client.check(read).allowed()).isFalse();

            Relationship written = client.writeRelationship("user:" + ann.id(), "assigned_provider", "patient", "123",
                    null);
            assertThat(written.subject()).isEqualTo(new Relationship.Party("user", ann.id()));
            assertThat(client.check(read).allowed()).isTrue();
            assertThat(client.deleteRelationship(ann.id(), "assigned_provider", "patient", "123")).isTrue();
            assertThat(client.check(read).allowed()).isFalse();
            assertThat(client.deleteRelationship(ann.id(), "assigned_provider", "patient", "123")).isFalse();
            assertThatThrownBy(() -> client.deleteRelationship(written.id())).isInstanceOf(NotFoundException.class);

            long one = client.recordAuditEvent(AuditEventRequest.of("PATIENT_RECORD_VIEWED", "dr.ann", "patient", "123")
                    .details(Map.of("screen", "chart")));
            List<Long> more = client.recordAuditEvents(List.of(
                    AuditEventRequest.of("PATIENT_RECORD_VIEWED", "dr.ann", "patient", "124"),
                    AuditEventRequest.of("PATIENT_RECORD_PRINTED", ann.id(), "patient", "124").at(downtown)));
            assertThat(more).containsExactly(more.get(0), more.get(0) + 1);
            assertThat(more.get(0)).isGreaterThan(one);
        }
        JsonNode trail = api.get(clinic.path("/audit?action=PATIENT_RECORD_VIEWED"), clinic.adminToken()).body();
        assertThat(trail.path("items")).hasSize(2);
        assertThat(trail.at("/items/1/details/screen").asString()).isEqualTo("chart");
        assertThat(trail.at("/items/1/actor/username").asString()).isEqualTo("dr.ann");
    }

    @Test
    void refusalsBecomeTheirExceptionsNamingTheField() {
        TestMembers.member("desk").holding("front_desk").at(downtown).create(api, clinic);
        try (GatehouseClient narrow = client(SdkFixtures.apiKey(api, clinic, "[\"users.read\"]", null));
                GatehouseClient app = client(SdkFixtures.appKey(api, clinic));
                GatehouseClient wrongKey = client("ghk_nosuchkey_0000000000000000000000000000000000000000000")) {
            assertThatThrownBy(() -> narrow.check(Check.of("desk", "patients.contact")))
                    .isInstanceOfSatisfying(ForbiddenException.class,
                            refused -> assertThat(refused.detail()).contains("access.check"));
            assertThatThrownBy(() -> app.check(Check.of("ghost", "patients.contact")))
                    .isInstanceOfSatisfying(NotFoundException.class,
                            refused -> assertThat(refused.errors()).extracting(FieldError::field).containsExactly("user"));
            assertThatThrownBy(() -> app.check(Check.of("desk", " ")))
                    .isInstanceOfSatisfying(InvalidRequestException.class, refused -> assertThat(refused.errors())
                            .extracting(FieldError::field).containsExactly("permission"));
            assertThatThrownBy(() -> app.recordAuditEvent(AuditEventRequest.of("USER_CREATED", "desk", "patient", "1")))
                    .isInstanceOfSatisfying(InvalidRequestException.class, refused -> assertThat(refused.errors())
                            .extracting(FieldError::field).containsExactly("action"));
            assertThatThrownBy(() -> app.effectivePermissions(java.util.UUID.randomUUID().toString(), null))
                    .isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> wrongKey.check(Check.of("desk", "patients.contact")))
                    .isInstanceOf(UnauthenticatedException.class);
        }
    }

    @Test
    void aRateLimitedKeysRefusalIsRetriedAfterItsRetryAfter() {
        TestMembers.member("desk").holding("front_desk").at(downtown).create(api, clinic);
        String key = SdkFixtures.apiKey(api, clinic, "[\"*\"]", "{\"requests\": 2, \"perSeconds\": 2}");
        try (GatehouseClient client = GatehouseClient.builder().baseUrl(URI.create("http://127.0.0.1:" + port()))
                .apiKey(key).tenant(clinic.slug()).maxRetries(5).deadline(Duration.ofSeconds(60)).build()) {
            for (int i = 0; i < 4; i++) {
                assertThat(client.check(Check.of("desk", "patients.contact")
                        .on(ResourceRef.of("patient", "1").at(downtown))).allowed()).as("check %d", i).isTrue();
            }
        }
        JsonNode refused = api.get(clinic.path("/audit?action=API_KEY_RATE_LIMITED"), clinic.adminToken()).body();
        assertThat(refused.path("items")).as("the server refused at least once, and the client waited it out")
                .isNotEmpty();
    }

    @Test
    void anOAuthClientOfTheTenantCallsWithItsClientCredentialsToken() {
        SdkFixtures.created(api, clinic, "/roles", json("key", "checker", "name", "Checker", "grants",
                raw("[{\"permission\": \"access.check\"}]")));
        String service = TestServiceAccounts.serviceAccount("ehr-app").holding("checker").create(api, clinic);
        ApiClient.Response registered = api.post(clinic.path("/clients"), clinic.adminToken(), json("name", "EHR",
                "type", "confidential", "grantTypes", raw("[\"client_credentials\"]"),
                "scopes", raw("[\"gatehouse.api\"]"), "serviceAccount", service));
        assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        TestMembers.member("desk").holding("front_desk").at(downtown).create(api, clinic);
        URI base = URI.create("http://localhost:" + port());

        try (GatehouseClient client = GatehouseClient.builder().baseUrl(base)
                .clientCredentials(base.resolve("/oauth2/" + clinic.slug() + "/token"), registered.text("/clientId"),
                        registered.text("/clientSecret"), "gatehouse.api")
                .build()) {
            assertThat(client.tenant()).as("learnt from /api/v1/me").isEqualTo(clinic.slug());
            assertThat(client.check(Check.of("desk", "patients.contact").on(ResourceRef.of("patient", "1")
                    .at(downtown))).allowed()).isTrue();
        }
        try (GatehouseClient wrong = GatehouseClient.builder().baseUrl(base).tenant(clinic.slug())
                .clientCredentials(base.resolve("/oauth2/" + clinic.slug() + "/token"), registered.text("/clientId"),
                        "not-the-secret")
                .build()) {
            assertThatThrownBy(() -> wrong.check(Check.of("desk", "patients.contact")))
                    .isInstanceOf(UnauthenticatedException.class);
        }
    }
}
