package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.CheckFixtures.Held;
import dev.gatehouse.server.access.CheckFixtures.TestTenant;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.IntegrationTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Issue 17: who-can reads from the database only the users holding an assignment that could allow
 * (their role grants the permission, held at the location, above it or tenant-wide, or reaching the
 * whole tenant), and still answers exactly what deciding for every user of the tenant answered.
 */
class WhoCanCandidatesIT extends IntegrationTest {

    /** Users holding nothing at all: who-can must not read them. */
    private static final int BYSTANDERS = 40;

    @Autowired
    Assignments assignments;

    @Autowired
    AccessCache cache;

    @Autowired
    Access access;

    @Autowired
    Members members;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    Clock clock;

    CheckFixtures fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new CheckFixtures(api, operatorToken(), context);
    }

    /** A clinic holding its roles in every way the engine counts, and {@link #BYSTANDERS} users holding none. */
    record Clinic(TestTenant tenant, UUID downtown, UUID westWing, UUID uptown, List<UUID> bystanders) {

        List<@Nullable UUID> places() {
            return Arrays.asList(null, downtown, westWing, uptown);
        }
    }

    private Clinic clinic() {
        TestTenant tenant = fixtures.tenant(uniqueSlug("whocan"), "clinic");
        UUID downtown = fixtures.location(tenant, "Downtown", null);
        UUID westWing = fixtures.location(tenant, "West wing", downtown);
        UUID uptown = fixtures.location(tenant, "Uptown", null);
        role(tenant, "anywhere_reader", "[]", """
                [{"permission": "patients.*", "scope": "TENANT"}]""");
        role(tenant, "conditional_reader", "[\"provider\"]", """
                [{"permission": "patients.read", "scope": "LOCATION", "condition": "request.time.hour >= 0"}]""");
        role(tenant, "own_reader", "[]", """
                [{"permission": "patients.read", "scope": "OWN"}]""");
        Instant now = clock.instant();
        Instant later = now.plus(Duration.ofHours(2));
        Instant earlier = now.minus(Duration.ofHours(2));
        UUID mia = fixtures.user(tenant, "mia", Held.at("manager", downtown));
        UUID ben = fixtures.user(tenant, "ben", Held.at("billing", uptown));
        fixtures.user(tenant, "below", Held.at("manager", westWing));
        fixtures.user(tenant, "elsewhere", Held.at("manager", uptown));
        fixtures.user(tenant, "leaf-but-tenant-wide", Held.at("anywhere_reader", westWing));
        fixtures.user(tenant, "conditional", Held.at("conditional_reader", downtown));
        fixtures.user(tenant, "owner-only", Held.tenantWide("own_reader"));
        fixtures.user(tenant, "provider", Held.at("provider", downtown));
        fixtures.user(tenant, "front-desk", Held.at("front_desk", downtown));
        fixtures.user(tenant, "expired", new Held("manager", downtown, earlier, now.minus(Duration.ofHours(1))));
        fixtures.user(tenant, "not-yet", new Held("manager", downtown, later, null));
        fixtures.user(tenant, "disabled", "DISABLED", Held.tenantWide("owner"));
        fixtures.user(tenant, "invited", "INVITED", Held.tenantWide("owner"));
        held(tenant, fixtures.user(tenant, "by-type"), "manager", null, null, "USER_TYPE", null);
        held(tenant, fixtures.user(tenant, "elevated"), "manager", downtown, later, "ELEVATION", tenant.adminId());
        held(tenant, fixtures.user(tenant, "break-glass"), "owner", null, later, "BREAK_GLASS", tenant.adminId());
        held(tenant, fixtures.user(tenant, "delegate"), "manager", downtown, later, "DELEGATION", mia);
        // Lent by someone who does not hold the role there: never in force.
        held(tenant, fixtures.user(tenant, "unbacked-delegate"), "manager", downtown, later, "DELEGATION", ben);
        List<UUID> bystanders = new ArrayList<>();
        for (int i = 0; i < BYSTANDERS; i++) {
            bystanders.add(fixtures.user(tenant, "bystander-" + i));
        }
        return new Clinic(tenant, downtown, westWing, uptown, bystanders);
    }

    private void role(TestTenant tenant, String key, String inherits, String grants) {
        Response created = api.post("/api/v1/tenants/" + tenant.slug() + "/roles", tenant.adminToken(),
                json("key", key, "name", key, "inherits", raw(inherits), "grants", raw(grants)));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
    }

    /** An assignment other than a direct one (a user type's, a temporary one, a delegation), as its feature stores it. */
    private void held(TestTenant tenant, UUID user, String role, @Nullable UUID location, @Nullable Instant expiresAt,
            String source, @Nullable UUID grantedBy) {
        transaction.executeWithoutResult(tx -> assignments.insert(tenant.id(), user, role, location, null, expiresAt,
                source, grantedBy));
    }

    private List<String> whoCan(TestTenant tenant, String permission, @Nullable UUID location) {
        Response answer = api.get("/api/v1/tenants/" + tenant.slug() + "/who-can?size=200&permission=" + permission
                + (location == null ? "" : "&location=" + location), tenant.adminToken());
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        for (JsonNode item : answer.body().at("/items")) {
            names.add(item.at("/user/username").asString());
        }
        assertThat(answer.body().at("/total").asInt()).isEqualTo(names.size());
        return names;
    }

    /** What who-can answered before issue 17: every user of the tenant, each decided from their profile. */
    private List<String> everyUserDecided(TestTenant tenant, String permission, @Nullable UUID location) {
        TenantPolicy policy = access.policy(tenant.id()).orElseThrow();
        Resource resource = location == null ? null : Resource.at(location.toString());
        Instant at = clock.instant();
        List<String> names = new ArrayList<>();
        for (Members.Named user : members.all(tenant.id())) {
            Optional<Profile> profile = access.profile(tenant.id(), user.id());
            if (profile.isPresent()
                    && policy.check(profile.get(), permission, resource, at, RequestContext.EMPTY).allowed()) {
                names.add(user.username());
            }
        }
        return names;
    }

    private boolean profileCached(TestTenant tenant, UUID user) {
        return cache.tenant(tenant.id(), id -> Optional.empty())
                .map(access -> access.profiles().getIfPresent(user) != null).orElse(false);
    }

    @Test
    void answersWhatDecidingForEveryUserAnsweredForEveryWayOfHoldingARole() {
        Clinic clinic = clinic();
        List<String> permissions = List.of("patients.read", "patients.contact", "appointments.check_in",
                "medical_notes.read", "refunds.approve", "elevation.request", "care_teams.read");
        for (String permission : permissions) {
            for (UUID location : clinic.places()) {
                assertThat(whoCan(clinic.tenant(), permission, location))
                        .as("who-can %s at %s", permission, location)
                        .isEqualTo(everyUserDecided(clinic.tenant(), permission, location));
            }
        }
        // Read as a clinic manager would: a manager's grant reaches their location and below, not above;
        // a tenant-wide grant reaches from anywhere; windows, status and lenders count.
        assertThat(whoCan(clinic.tenant(), "patients.read", clinic.downtown())).containsExactly("admin",
                "break-glass", "by-type", "conditional", "delegate", "elevated", "leaf-but-tenant-wide", "mia");
    }

    @Test
    void aPageDecidesOnlyUntilItIsFilledAndTheCountReachesItsCap() {
        Clinic clinic = clinic();
        TenantId tenant = clinic.tenant().id();
        String downtown = clinic.downtown().toString();
        Instant now = clock.instant();
        List<String> everyone = access.holders(tenant, "patients.read", downtown, now).stream()
                .map(Access.Holder::username).toList();
        assertThat(everyone).hasSize(8);

        Access.HolderPage capped = access.holders(tenant, "patients.read", downtown, now, 0, 2, 3);
        assertThat(capped.items()).extracting(Access.Holder::username).isEqualTo(everyone.subList(0, 2));
        assertThat(capped.total()).isEqualTo(4);
        assertThat(capped.totalIsLowerBound()).isTrue();

        Access.HolderPage beyondTheCap = access.holders(tenant, "patients.read", downtown, now, 2, 2, 3);
        assertThat(beyondTheCap.items()).extracting(Access.Holder::username).isEqualTo(everyone.subList(4, 6));
        assertThat(beyondTheCap.totalIsLowerBound()).isTrue();

        Access.HolderPage counted = access.holders(tenant, "patients.read", downtown, now, 3, 2, 10_000);
        assertThat(counted.items()).extracting(Access.Holder::username).isEqualTo(everyone.subList(6, 8));
        assertThat(counted.total()).isEqualTo(8);
        assertThat(counted.totalIsLowerBound()).isFalse();
    }

    @Test
    void readsNoProfileOfAUserHoldingNothing() {
        Clinic clinic = clinic();
        cache.evictAll();

        for (UUID location : clinic.places()) {
            assertThat(whoCan(clinic.tenant(), "patients.read", location)).isNotEmpty();
            assertThat(whoCan(clinic.tenant(), "appointments.check_in", location)).isNotEmpty();
        }

        // Before issue 17 every user's profile was loaded (and cached) to be decided: these would all be here.
        assertThat(clinic.bystanders()).noneMatch(user -> profileCached(clinic.tenant(), user));
        assertThat(profileCached(clinic.tenant(), clinic.tenant().adminId())).isTrue();
    }
}
