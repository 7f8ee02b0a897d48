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
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
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

    @Autowired
    JdbcClient jdbc;

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
        role(tenant, "never_reader", "[]", """
                [{"permission": "patients.*", "scope": "TENANT", "condition": "request.time.hour < 0"}]""");
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
        // Certain by role, refused by account: a permanent lock, a lockout running, an account ended.
        UUID locked = fixtures.user(tenant, "locked", "LOCKED", Held.tenantWide("owner"));
        UUID lockedOut = fixtures.user(tenant, "locked-out", Held.tenantWide("owner"));
        UUID lockoutOver = fixtures.user(tenant, "lockout-over", Held.tenantWide("owner"));
        UUID ended = fixtures.user(tenant, "account-ended", Held.tenantWide("owner"));
        account(lockedOut, "locked_until", now.plus(Duration.ofMinutes(15)));
        account(lockoutOver, "locked_until", now.minus(Duration.ofMinutes(1)));
        account(ended, "expires_at", now.minus(Duration.ofMinutes(1)));
        // A conditional grant alone decides nothing for certain: one that never holds, one beside a certain grant.
        fixtures.user(tenant, "never", Held.tenantWide("never_reader"));
        fixtures.user(tenant, "never-but-manager", Held.tenantWide("never_reader"), Held.at("manager", downtown));
        fixtures.user(tenant, "owner-later", new Held("owner", null, later, null));
        fixtures.user(tenant, "owner-ended", new Held("owner", null, earlier, now.minus(Duration.ofHours(1))));
        List<UUID> bystanders = new ArrayList<>();
        for (int i = 0; i < BYSTANDERS; i++) {
            bystanders.add(fixtures.user(tenant, "bystander-" + i));
        }
        return new Clinic(tenant, downtown, westWing, uptown, bystanders);
    }

    /** Sets an account column the engine reads ({@code locked_until}, {@code expires_at}), as sign-in or a lifecycle change would. */
    private void account(UUID user, String column, Instant value) {
        jdbc.sql("update users set " + column + " = :value where id = :id")
                .param("value", value.atOffset(ZoneOffset.UTC)).param("id", user).update();
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
                "break-glass", "by-type", "conditional", "delegate", "elevated", "leaf-but-tenant-wide",
                "lockout-over", "mia", "never-but-manager");
    }

    @Test
    void aPageDecidesOnlyUntilItIsFilledAndTheCountReachesItsCap() {
        Clinic clinic = clinic();
        TenantId tenant = clinic.tenant().id();
        String downtown = clinic.downtown().toString();
        Instant now = clock.instant();
        List<String> everyone = access.holders(tenant, "patients.read", downtown, now).stream()
                .map(Access.Holder::username).toList();
        assertThat(everyone).hasSize(10);

        Access.HolderPage capped = access.holders(tenant, "patients.read", downtown, now, 0, 2, 3);
        assertThat(capped.items()).extracting(Access.Holder::username).isEqualTo(everyone.subList(0, 2));
        assertThat(capped.total()).isEqualTo(4);
        assertThat(capped.totalIsLowerBound()).isTrue();

        Access.HolderPage beyondTheCap = access.holders(tenant, "patients.read", downtown, now, 2, 2, 3);
        assertThat(beyondTheCap.items()).extracting(Access.Holder::username).isEqualTo(everyone.subList(4, 6));
        assertThat(beyondTheCap.totalIsLowerBound()).isTrue();

        Access.HolderPage counted = access.holders(tenant, "patients.read", downtown, now, 4, 2, 10_000);
        assertThat(counted.items()).extracting(Access.Holder::username).isEqualTo(everyone.subList(8, 10));
        assertThat(counted.total()).isEqualTo(10);
        assertThat(counted.totalIsLowerBound()).isFalse();
    }

    /**
     * Every page of every size, with the count capped below, at and above the holders: the certain
     * holders counted in SQL and the uncertain ones decided interleave across the page borders,
     * and the answer is still the slice of deciding for every user, with the count it would reach.
     */
    @Test
    void everyPageAndCountIsWhatDecidingForEveryUserGivesAcrossCertainAndUncertainHolders() {
        Clinic clinic = clinic();
        TenantId tenant = clinic.tenant().id();
        Instant now = clock.instant();
        for (String permission : List.of("patients.read", "appointments.check_in", "refunds.approve")) {
            for (UUID location : clinic.places()) {
                List<String> everyone = everyUserDecided(clinic.tenant(), permission, location);
                String place = location == null ? null : location.toString();
                for (int size = 1; size <= 4; size++) {
                    for (int cap : List.of(1, 3, everyone.size() - 1, everyone.size(), 10_000)) {
                        for (int page = 0; (long) page * size <= everyone.size() + size; page++) {
                            Access.HolderPage answer = access.holders(tenant, permission, place, now, page, size,
                                    Math.max(cap, 0));
                            long from = (long) page * size;
                            long until = Math.max(from + size, Math.max(cap, 0) + 1L);
                            List<String> slice = everyone.subList((int) Math.min(from, everyone.size()),
                                    (int) Math.min(from + size, everyone.size()));
                            String what = permission + " at " + location + ", page " + page + " of " + size
                                    + ", counted to " + cap;
                            assertThat(answer.items()).as(what).extracting(Access.Holder::username)
                                    .isEqualTo(slice);
                            assertThat(answer.total()).as(what).isEqualTo(Math.min(everyone.size(), until));
                            assertThat(answer.totalIsLowerBound()).as(what).isEqualTo(everyone.size() >= until);
                        }
                    }
                }
            }
        }
    }

    @Test
    void decidesFromProfilesOnlyThePageAndTheHoldersItIsNotCertainOf() {
        Clinic clinic = clinic();
        TestTenant tenant = clinic.tenant();
        UUID[] owners = new UUID[6];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = fixtures.user(tenant, "z-owner-" + i, Held.tenantWide("owner"));
        }
        UUID conditional = fixtures.user(tenant, "z-owner-3a", Held.tenantWide("never_reader"));
        cache.evictAll();

        Access.HolderPage first = access.holders(tenant.id(), "patients.read", null, clock.instant(), 0, 1, 10_000);

        assertThat(first.items()).extracting(Access.Holder::username).containsExactly("admin");
        // Counted, not decided: the tenant-wide owners after the page; decided: the conditional holder.
        assertThat(owners).noneMatch(user -> profileCached(tenant, user));
        assertThat(profileCached(tenant, conditional)).isTrue();
        assertThat(first.total()).isEqualTo(everyUserDecided(tenant, "patients.read", null).size());
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
