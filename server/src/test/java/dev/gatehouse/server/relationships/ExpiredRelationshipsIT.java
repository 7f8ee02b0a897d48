package dev.gatehouse.server.relationships;

import static dev.gatehouse.server.relationships.RelationshipFixtures.tuple;
import static dev.gatehouse.server.relationships.RelationshipFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.relationships.Relationship.Party;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Tuples expired for longer than {@link ExpiredRelationships#KEPT} are removed; the others stay. */
class ExpiredRelationshipsIT extends IntegrationTest {

    @Autowired
    private TestClock clock;
    @Autowired
    private ExpiredRelationships sweep;
    @Autowired
    private Relationships relationships;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void onlyTuplesExpiredLongAgoAreRemoved() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        String admin = clinic.adminToken();
        write(api, clinic, admin, tuple("user", ann.id(), "shared_with", "patient", "1",
                clock.instant().plus(Duration.ofHours(1)).toString()));
        write(api, clinic, admin, tuple("user", ann.id(), "shared_with", "patient", "2",
                clock.instant().plus(Duration.ofDays(40)).toString()));
        write(api, clinic, admin, tuple("user", ann.id(), "assigned_provider", "patient", "3", null));
        TenantId tenant = new TenantId(Ids.parse(clinic.id()).orElseThrow());
        UUID user = Ids.parse(ann.id()).orElseThrow();

        clock.moveAhead(Duration.ofDays(10));
        sweep.sweep();
        assertThat(relationships.find(tenant, Party.user(user), "shared_with", new Party("patient", "1")))
                .as("expired 10 days ago: still listed").isPresent();

        clock.moveAhead(Duration.ofDays(31)); // replaces the earlier move: 31 days from the start
        assertThat(sweep.sweep()).isPositive();
        assertThat(relationships.find(tenant, Party.user(user), "shared_with", new Party("patient", "1")))
                .as("expired more than 30 days ago").isEmpty();
        assertThat(relationships.find(tenant, Party.user(user), "shared_with", new Party("patient", "2")))
                .as("expires in 9 days").isPresent();
        assertThat(relationships.find(tenant, Party.user(user), "assigned_provider", new Party("patient", "3")))
                .as("never expires").isPresent();
    }
}
