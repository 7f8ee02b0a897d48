package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static dev.gatehouse.server.testing.TestMembers.member;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Profile;
import dev.gatehouse.engine.RequestContext;
import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
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
    AccessCache cache;

    @Autowired
    Access access;

    @Autowired
    Members members;

    @Autowired
    Clock clock;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    AccessChanges changes;

    String operator;

    @BeforeEach
    void operator() {
        operator = operatorToken();
    }

    /** A clinic holding its roles in every way the engine counts, and {@link #BYSTANDERS} users holding none. */
    record Clinic(SignedInTenant tenant, String downtown, String westWing, String uptown, List<UUID> bystanders) {

        TenantId id() {
            return new TenantId(UUID.fromString(tenant.id()));
        }

        List<@Nullable String> places() {
            return Arrays.asList(null, downtown, westWing, uptown);
        }
    }

    private Clinic clinic() {
        SignedInTenant tenant = TestTenants.tenant("clinic").create(api, operator);
        String downtown = TestTenants.location(api, tenant, "Downtown", null);
        String westWing = TestTenants.location(api, tenant, "West wing", downtown);
        String uptown = TestTenants.location(api, tenant, "Uptown", null);
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
        String mia = member("mia").holding("manager").at(downtown).createWithoutSignIn(api, tenant);
        String ben = member("ben").holding("billing").at(uptown).createWithoutSignIn(api, tenant);
        member("below").holding("manager").at(westWing).createWithoutSignIn(api, tenant);
        member("elsewhere").holding("manager").at(uptown).createWithoutSignIn(api, tenant);
        member("leaf-but-tenant-wide").holding("anywhere_reader").at(westWing).createWithoutSignIn(api, tenant);
        member("conditional").holding("conditional_reader").at(downtown).createWithoutSignIn(api, tenant);
        member("owner-only").holding("own_reader").createWithoutSignIn(api, tenant);
        member("provider").holding("provider").at(downtown).createWithoutSignIn(api, tenant);
        member("front-desk").holding("front_desk").at(downtown).createWithoutSignIn(api, tenant);
        member("expired").holding("manager").at(downtown).from(earlier).until(now.minus(Duration.ofHours(1)))
                .createWithoutSignIn(api, tenant);
        member("not-yet").holding("manager").at(downtown).from(later).createWithoutSignIn(api, tenant);
        member("disabled").holding("owner").disabled().createWithoutSignIn(api, tenant);
        member("invited").holding("owner").invited().createWithoutSignIn(api, tenant);
        held(tenant, "by-type", "USER_TYPE", "manager", null, null, null);
        held(tenant, "elevated", "ELEVATION", "manager", downtown, later, tenant.adminId());
        held(tenant, "break-glass", "BREAK_GLASS", "owner", null, later, tenant.adminId());
        held(tenant, "delegate", "DELEGATION", "manager", downtown, later, mia);
        // Lent by someone who does not hold the role there: never in force.
        held(tenant, "unbacked-delegate", "DELEGATION", "manager", downtown, later, ben);
        // Certain by role, refused by account: a permanent lock, a lockout running, an account ended.
        String locked = member("locked").holding("owner").createWithoutSignIn(api, tenant);
        Response lock = api.post("/api/v1/tenants/" + tenant.slug() + "/users/" + locked + "/lock", tenant.adminToken(), "{}");
        assertThat(lock.status()).as(lock.raw()).isEqualTo(200);
        UUID lockedOut = UUID.fromString(member("locked-out").holding("owner").createWithoutSignIn(api, tenant));
        UUID lockoutOver = UUID.fromString(member("lockout-over").holding("owner").createWithoutSignIn(api, tenant));
        UUID ended = UUID.fromString(member("account-ended").holding("owner").createWithoutSignIn(api, tenant));
        account(tenant, lockedOut, "locked_until", now.plus(Duration.ofMinutes(15)));
        account(tenant, lockoutOver, "locked_until", now.minus(Duration.ofMinutes(1)));
        account(tenant, ended, "expires_at", now.minus(Duration.ofMinutes(1)));
        // A conditional grant alone decides nothing for certain: one that never holds, one beside a certain grant.
        member("never").holding("never_reader").createWithoutSignIn(api, tenant);
        member("never-but-manager").holding("never_reader").holding("manager").at(downtown).createWithoutSignIn(api, tenant);
        member("owner-later").holding("owner").from(later).createWithoutSignIn(api, tenant);
        member("owner-ended").holding("owner").from(earlier).until(now.minus(Duration.ofHours(1)))
                .createWithoutSignIn(api, tenant);
        List<UUID> bystanders = new ArrayList<>();
        for (int i = 0; i < BYSTANDERS; i++) {
            bystanders.add(UUID.fromString(member("bystander-" + i).createWithoutSignIn(api, tenant)));
        }
        return new Clinic(tenant, downtown, westWing, uptown, bystanders);
    }

    /**
     * Sets an account column the engine reads ({@code locked_until}, {@code expires_at}) at an instant no
     * API sets directly: a lockout that is running or over, an account that ended a minute ago; announced,
     * as the sign-in or the lifecycle change that sets them would, so no node keeps the profile it had.
     */
    private void account(SignedInTenant tenant, UUID user, String column, Instant value) {
        jdbc.sql("update users set " + column + " = :value where id = :id")
                .param("value", value.atOffset(ZoneOffset.UTC)).param("id", user).update();
        changes.subjectChanged(new TenantId(UUID.fromString(tenant.id())), user);
    }

    private void role(SignedInTenant tenant, String key, String inherits, String grants) {
        Response created = api.post("/api/v1/tenants/" + tenant.slug() + "/roles", tenant.adminToken(),
                json("key", key, "name", key, "inherits", raw(inherits), "grants", raw(grants)));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
    }

    /** A new member holding nothing directly, and {@code role} through another feature ({@code source}). */
    private void held(SignedInTenant tenant, String username, String source, String role, @Nullable String location,
            @Nullable Instant expiresAt, @Nullable String grantedBy) {
        String user = member(username).createWithoutSignIn(api, tenant);
        TestMembers.holdsThrough(context, tenant, user, source, role, location, expiresAt, grantedBy);
    }

    private List<String> whoCan(SignedInTenant tenant, String permission, @Nullable String location) {
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
    private List<String> everyUserDecided(Clinic clinic, String permission, @Nullable String location) {
        TenantPolicy policy = access.policy(clinic.id()).orElseThrow();
        Resource resource = location == null ? null : Resource.at(location);
        Instant at = clock.instant();
        List<String> names = new ArrayList<>();
        for (Members.Named user : members.all(clinic.id())) {
            Optional<Profile> profile = access.profile(clinic.id(), user.id());
            if (profile.isPresent()
                    && policy.check(profile.get(), permission, resource, at, RequestContext.EMPTY).allowed()) {
                names.add(user.username());
            }
        }
        return names;
    }

    private boolean profileCached(Clinic clinic, UUID user) {
        return cache.tenant(clinic.id(), id -> Optional.empty())
                .map(access -> access.profiles().getIfPresent(user) != null).orElse(false);
    }

    @Test
    void answersWhatDecidingForEveryUserAnsweredForEveryWayOfHoldingARole() {
        Clinic clinic = clinic();
        List<String> permissions = List.of("patients.read", "patients.contact", "appointments.check_in",
                "medical_notes.read", "refunds.approve", "elevation.request", "care_teams.read");
        for (String permission : permissions) {
            for (String location : clinic.places()) {
                assertThat(whoCan(clinic.tenant(), permission, location))
                        .as("who-can %s at %s", permission, location)
                        .isEqualTo(everyUserDecided(clinic, permission, location));
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
        TenantId tenant = clinic.id();
        String downtown = clinic.downtown();
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
        TenantId tenant = clinic.id();
        Instant now = clock.instant();
        for (String permission : List.of("patients.read", "appointments.check_in", "refunds.approve")) {
            for (String place : clinic.places()) {
                List<String> everyone = everyUserDecided(clinic, permission, place);
                for (int size = 1; size <= 4; size++) {
                    for (int cap : List.of(1, 3, everyone.size() - 1, everyone.size(), 10_000)) {
                        for (int page = 0; (long) page * size <= everyone.size() + size; page++) {
                            Access.HolderPage answer = access.holders(tenant, permission, place, now, page, size,
                                    Math.max(cap, 0));
                            long from = (long) page * size;
                            // One past the page at least: the count says whether a next page follows.
                            long until = Math.max(from + size + 1, Math.max(cap, 0) + 1L);
                            List<String> slice = everyone.subList((int) Math.min(from, everyone.size()),
                                    (int) Math.min(from + size, everyone.size()));
                            String what = permission + " at " + place + ", page " + page + " of " + size
                                    + ", counted to " + cap;
                            assertThat(answer.items()).as(what).extracting(Access.Holder::username)
                                    .isEqualTo(slice);
                            assertThat(answer.total()).as(what).isEqualTo(Math.min(everyone.size(), until));
                            assertThat(answer.totalIsLowerBound()).as(what).isEqualTo(everyone.size() >= until);
                            assertThat(answer.moreAfter()).as(what).isEqualTo(everyone.size() > from + size);
                        }
                    }
                }
            }
        }
    }

    @Test
    void decidesFromProfilesOnlyThePageAndTheHoldersItIsNotCertainOf() {
        Clinic clinic = clinic();
        UUID[] owners = new UUID[6];
        for (int i = 0; i < owners.length; i++) {
            owners[i] = UUID.fromString(member("z-owner-" + i).holding("owner").createWithoutSignIn(api, clinic.tenant()));
        }
        UUID conditional = UUID.fromString(member("z-owner-3a").holding("never_reader")
                .createWithoutSignIn(api, clinic.tenant()));
        cache.evictAll();

        Access.HolderPage first = access.holders(clinic.id(), "patients.read", null, clock.instant(), 0, 1, 10_000);

        assertThat(first.items()).extracting(Access.Holder::username).containsExactly("admin");
        // Counted, not decided: the tenant-wide owners after the page; decided: the conditional holder.
        assertThat(owners).noneMatch(user -> profileCached(clinic, user));
        assertThat(profileCached(clinic, conditional)).isTrue();
        assertThat(first.total()).isEqualTo(everyUserDecided(clinic, "patients.read", null).size());
    }

    @Test
    void readsNoProfileOfAUserHoldingNothing() {
        Clinic clinic = clinic();
        cache.evictAll();

        for (String location : clinic.places()) {
            assertThat(whoCan(clinic.tenant(), "patients.read", location)).isNotEmpty();
            assertThat(whoCan(clinic.tenant(), "appointments.check_in", location)).isNotEmpty();
        }

        // Before issue 17 every user's profile was loaded (and cached) to be decided: these would all be here.
        assertThat(clinic.bystanders()).noneMatch(user -> profileCached(clinic, user));
        assertThat(profileCached(clinic, UUID.fromString(clinic.tenant().adminId()))).isTrue();
    }
}
