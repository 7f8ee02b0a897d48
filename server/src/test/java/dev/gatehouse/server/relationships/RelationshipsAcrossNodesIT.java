package dev.gatehouse.server.relationships;

import static dev.gatehouse.server.relationships.RelationshipFixtures.allowed;
import static dev.gatehouse.server.relationships.RelationshipFixtures.tuple;
import static dev.gatehouse.server.relationships.RelationshipFixtures.write;
import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.AcrossNodesTest;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * A relationship written on node A changes node B's answer, though node B had already loaded the
 * provider's relationships (issue 13: "invalidated like profiles"), and so does a care team's
 * membership and its patients.
 */
class RelationshipsAcrossNodesIT extends AcrossNodesTest {

    /** How long node B may take before the test gives up; the access changes arrive within about a second. */
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Test
    void aRelationshipWrittenOnNodeAChangesNodeBsAnswer() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, clinic);
        ApiClient onB = new ApiClient(nodeB.port());
        String admin = clinic.adminToken();
        assertThat(allowed(onB, clinic, "dr.ann", "patients.read", "patient", "123"))
                .as("node B loads dr.ann's (empty) relationships").isFalse();

        String id = write(api, clinic, admin, tuple("user", ann.id(), "assigned_provider", "patient", "123", null));
        assertThat(eventually(() -> allowed(onB, clinic, "dr.ann", "patients.read", "patient", "123")))
                .as("node B allows after node A's write").isTrue();

        assertThat(api.delete(clinic.path("/relationships/" + id), admin).status()).isEqualTo(204);
        assertThat(eventually(() -> !allowed(onB, clinic, "dr.ann", "patients.read", "patient", "123")))
                .as("node B denies after node A's delete").isTrue();

        String team = api.post(clinic.path("/care-teams"), admin, json("name", "Cardiology A")).text("/id");
        write(api, clinic, admin, tuple("careteam", team, "care_team", "patient", "789", null));
        assertThat(allowed(onB, clinic, "dr.ann", "patients.read", "patient", "789")).isFalse();
        assertThat(api.patch(clinic.path("/care-teams/" + team), admin,
                json("members", raw("[\"" + ann.id() + "\"]"))).status()).isEqualTo(200);
        assertThat(eventually(() -> allowed(onB, clinic, "dr.ann", "patients.read", "patient", "789")))
                .as("node B allows once dr.ann joins the team on node A").isTrue();
        write(api, clinic, admin, tuple("careteam", team, "care_team", "patient", "790", null));
        assertThat(eventually(() -> allowed(onB, clinic, "dr.ann", "patients.read", "patient", "790")))
                .as("a tuple of the team reaches its members' caches on node B").isTrue();
    }

    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
