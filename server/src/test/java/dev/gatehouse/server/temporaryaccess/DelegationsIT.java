package dev.gatehouse.server.temporaryaccess;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.RecordedAudit;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Delegations over the API (issue 13, "Acting Manager", seed 000): a holder lends one of their roles
 * at a location for a window; never more than they hold; it ends when they lose it, are locked, or
 * it is ended or expires. Tried as an attacker would, too.
 */
class DelegationsIT extends IntegrationTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    TestClock clock;

    TemporaryAccessFixtures f;

    @BeforeEach
    void clinic() {
        f = TemporaryAccessFixtures.clinic(api, operatorToken());
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    private String hours(int hours) {
        return clock.instant().plus(Duration.ofHours(hours)).toString();
    }

    @Test
    void anActingManagerMayWhatTheManagerMayThereUntilTheManagerLosesTheRole() {
        TestMembers.Member desk = f.desk();
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("before").isFalse();

        Response lent = f.lend(f.manager().token(), "to", desk.id(), "role", "manager", "location", f.downtown(),
                "expiresAt", hours(8), "reason", "holiday cover");
        assertThat(lent.status()).as(lent.raw()).isEqualTo(201);
        assertThat(lent.text("/status")).isEqualTo("ACTIVE");
        assertThat(lent.text("/from/id")).as("from defaults to the caller").isEqualTo(f.manager().id());
        assertThat(lent.text("/from/username")).isEqualTo("maria");
        assertThat(lent.text("/to/username")).isEqualTo("dave");

        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("acting manager").isTrue();
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.uptown())).as("only where lent").isFalse();
        Response roles = api.get(f.clinic().path("/users/" + desk.id() + "/roles"), f.clinic().adminToken());
        assertThat(roles.raw()).contains("\"source\":\"DELEGATION\"");
        Response mine = api.get(f.clinic().path("/delegations"), desk.token());
        assertThat(mine.body().at("/total").asLong()).as("visible to the delegate").isOne();
        assertThat(api.get(f.clinic().path("/delegations"), f.manager().token()).body().at("/total").asLong())
                .as("and to the lender").isOne();
        assertThat(api.get(f.clinic().path("/delegations"), f.provider().token()).body().at("/total").asLong())
                .as("to nobody else without roles.assign").isZero();

        // The owner takes the manager role away from the lender: the delegate loses it at once.
        String managerRole = api.get(f.clinic().path("/users/" + f.manager().id() + "/roles"), f.clinic().adminToken())
                .text("/items/0/id");
        assertThat(api.delete(f.clinic().path("/users/" + f.manager().id() + "/roles/" + managerRole),
                f.clinic().adminToken()).status()).isEqualTo(204);
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("lender lost it").isFalse();
        Response answer = f.check(desk.token(), desk.id(), "patients.read", f.downtown());
        assertThat(answer.raw()).as("the lent role is gone with the lender's").contains("NO_MATCHING_GRANT");
        assertThat(api.get(f.clinic().path("/delegations"), desk.token()).text("/items/0/status")).isEqualTo("ENDED");
        RecordedAudit.Event lapsed = RecordedAudit.only(jdbc, f.clinic().id(), "DELEGATION_ENDED");
        assertThat(lapsed.details().path("why").asString()).isEqualTo("LENDER_LOST_ROLE");
        assertThat(lapsed.targetId()).isEqualTo(desk.id());

        // Ended for good: the lender holding the role again does not bring it back.
        assertThat(api.post(f.clinic().path("/users/" + f.manager().id() + "/roles"), f.clinic().adminToken(),
                json("role", "manager", "location", f.downtown())).status()).isEqualTo(201);
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("not back").isFalse();
        assertThat(api.get(f.clinic().path("/delegations"), desk.token()).text("/items/0/status")).isEqualTo("ENDED");
        RecordedAudit.Event created = RecordedAudit.only(jdbc, f.clinic().id(), "DELEGATION_CREATED");
        assertThat(created.actor()).isEqualTo("maria");
        assertThat(created.targetId()).isEqualTo(desk.id());
        assertThat(created.details().path("role").asString()).isEqualTo("manager");
        assertThat(created.details().path("reason").asString()).isEqualTo("holiday cover");
        assertThat(created.details().path("from").asString()).isEqualTo(f.manager().id());
    }

    @Test
    void aDelegationEndsWhenTheLenderIsLockedWhenEndedAndWhenItExpires() {
        TestMembers.Member desk = f.desk();
        f.lend(f.manager().token(), "to", desk.id(), "role", "manager", "location", f.downtown(),
                "expiresAt", hours(8), "reason", "cover");
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).isTrue();

        // Offboarding is a lock (seed 004): what the leaver lent ends with it, for good.
        String admin = f.clinic().adminToken();
        assertThat(api.post(f.clinic().path("/users/" + f.manager().id() + "/lock"), admin, "").status()).isEqualTo(200);
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("lender locked").isFalse();
        assertThat(api.post(f.clinic().path("/users/" + f.manager().id() + "/unlock"), admin, "").status())
                .isEqualTo(200);
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("ended by the lock").isFalse();
        assertThat(RecordedAudit.only(jdbc, f.clinic().id(), "DELEGATION_ENDED").details().path("why").asString())
                .isEqualTo("LENDER_LOST_ROLE");

        String id = f.lend(f.manager().signIn(), "to", desk.id(), "role", "manager", "location", f.downtown(),
                "expiresAt", hours(8), "reason", "cover again").text("/id");
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).isTrue();
        assertThat(api.delete(f.clinic().path("/delegations/" + id), desk.token()).status())
                .as("the delegate gives it back").isEqualTo(204);
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("ended").isFalse();
        assertThat(api.get(f.clinic().path("/delegations?status=ENDED"), desk.token()).body().at("/total").asLong())
                .isEqualTo(2);
        assertThat(RecordedAudit.actions(jdbc, f.clinic().id())).containsSubsequence("DELEGATION_CREATED",
                "DELEGATION_ENDED", "DELEGATION_CREATED", "DELEGATION_ENDED");
        RecordedAudit.Event ended = RecordedAudit.of(jdbc, f.clinic().id(), "DELEGATION_ENDED").getLast();
        assertThat(ended.actor()).as("given back by the delegate").isEqualTo("dave");
        assertThat(ended.details().path("endedEarly").asBoolean()).isTrue();

        f.lend(f.manager().signIn(), "to", desk.id(), "role", "manager", "location", f.downtown(), "expiresAt",
                clock.instant().plus(Duration.ofMinutes(2)).toString(), "reason", "a short one");
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).isTrue();
        clock.moveAhead(Duration.ofMinutes(3));
        assertThat(f.may(desk.token(), desk.id(), "patients.read", f.downtown())).as("expired").isFalse();
        assertThat(api.get(f.clinic().path("/delegations?status=EXPIRED"), desk.token()).body().at("/total")
                .asLong()).isOne();
    }

    @Test
    void nobodyLendsWhatTheyDoNotHoldNorToThemselvesNorToAServiceAccountNorAcrossTenants() {
        String manager = f.manager().token();
        String desk = f.desk().id();
        Response notHeld = f.lend(manager, "to", desk, "role", "billing", "location", f.downtown(), "expiresAt",
                hours(8), "reason", "r");
        assertThat(notHeld.status()).as(notHeld.raw()).isEqualTo(403);
        assertThat(notHeld.text("/detail")).contains("does not hold billing");
        Response elsewhere = f.lend(manager, "to", desk, "role", "manager", "location", f.uptown(), "expiresAt",
                hours(8), "reason", "r");
        assertThat(elsewhere.status()).as("held at Downtown, lent at Uptown").isEqualTo(403);
        Response wider = f.lend(manager, "to", desk, "role", "manager", "expiresAt", hours(8), "reason", "r");
        assertThat(wider.status()).as("held at Downtown, lent tenant-wide").isEqualTo(403);

        Response self = f.lend(manager, "to", f.manager().id(), "role", "manager", "location", f.downtown(),
                "expiresAt", hours(8), "reason", "r");
        assertThat(self.status()).isEqualTo(400);
        assertThat(self.text("/errors/0/field")).isEqualTo("to");

        Response service = api.post(f.clinic().path("/users"), f.clinic().adminToken(), json("username", "robot",
                "firstName", "Ro", "lastName", "Bot", "kind", "SERVICE"));
        assertThat(service.status()).as(service.raw()).isEqualTo(201);
        Response toService = f.lend(manager, "to", service.text("/id"), "role", "manager", "location", f.downtown(),
                "expiresAt", hours(8), "reason", "r");
        assertThat(toService.status()).isEqualTo(400);
        assertThat(toService.raw()).contains("service account");

        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        Response foreign = f.lend(manager, "to", other.adminId(), "role", "manager", "location", f.downtown(),
                "expiresAt", hours(8), "reason", "r");
        assertThat(foreign.status()).as("another tenant's user is nobody here").isEqualTo(404);
        assertThat(foreign.raw()).doesNotContain("admin");

        Response noEnd = f.lend(manager, "to", desk, "role", "manager", "location", f.downtown(), "reason", "r");
        assertThat(noEnd.status()).isEqualTo(400);
        assertThat(noEnd.text("/errors/0/field")).isEqualTo("expiresAt");
        Response tooLong = f.lend(manager, "to", desk, "role", "manager", "location", f.downtown(), "expiresAt",
                hours(24 * 40), "reason", "r");
        assertThat(tooLong.text("/errors/0/field")).isEqualTo("expiresAt");
        Response noReason = f.lend(manager, "to", desk, "role", "manager", "location", f.downtown(), "expiresAt",
                hours(1));
        assertThat(noReason.text("/errors/0/field")).isEqualTo("reason");
        assertThat(f.lend(manager, "to", "not-an-id", "role", "manager", "expiresAt", hours(1), "reason", "r")
                .text("/errors/0/field")).isEqualTo("to");
        assertThat(f.lend(manager, "to", desk, "role", "manager", "location", f.downtown(), "expiresAt", hours(1),
                "reason", "r", "sneaky", true).status()).as("unknown fields are refused").isEqualTo(400);

        Response deskLends = f.lend(f.desk().token(), "to", f.provider().id(), "role", "front_desk", "location",
                f.downtown(), "expiresAt", hours(1), "reason", "r");
        assertThat(deskLends.status()).as("front desk does not hold roles.delegate").isEqualTo(403);
        assertThat(jdbc.sql("select count(*) from delegations where tenant_id = :t")
                .param("t", UUID.fromString(f.clinic().id())).query(Long.class).single()).isZero();
    }

    @Test
    void anAdminRecordsADelegationOnSomeonesBehalfAndOthersCannotSeeOrEndIt() {
        Response recorded = f.lend(f.clinic().adminToken(), "from", f.manager().id(), "to", f.desk().id(), "role",
                "manager", "location", f.downtown(), "startsAt", hours(1), "expiresAt", hours(9), "reason",
                "maria is away tomorrow");
        assertThat(recorded.status()).as(recorded.raw()).isEqualTo(201);
        assertThat(recorded.text("/status")).isEqualTo("SCHEDULED");
        assertThat(recorded.text("/createdBy/id")).isEqualTo(f.clinic().adminId());
        assertThat(f.may(f.desk().token(), f.desk().id(), "patients.read", f.downtown())).as("not yet").isFalse();
        clock.moveAhead(Duration.ofMinutes(61));
        assertThat(f.may(f.desk().signIn(), f.desk().id(), "patients.read", f.downtown())).as("started").isTrue();

        String id = recorded.text("/id");
        assertThat(api.delete(f.clinic().path("/delegations/" + id), f.provider().signIn()).status())
                .as("not the provider's to see").isEqualTo(404);
        String admin = api.login(f.clinic().slug(), SignedInTenant.ADMIN, SignedInTenant.ADMIN_PASSWORD);
        assertThat(api.delete(f.clinic().path("/delegations/" + UUID.randomUUID()), admin).status()).isEqualTo(404);

        Response byManager = f.lend(f.manager().signIn(), "from", f.provider().id(), "to", f.desk().id(), "role",
                "provider", "location", f.downtown(), "expiresAt", hours(8), "reason", "r");
        assertThat(byManager.status()).as("a manager cannot lend someone else's role").isEqualTo(403);
        assertThat(Instant.parse(recorded.text("/expiresAt"))).isAfter(Instant.parse(recorded.text("/createdAt")));
    }
}
