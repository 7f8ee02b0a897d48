package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestClock;
import dev.gatehouse.server.testing.TestMembers;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A check about a user this node keeps nothing of — a cold profile (issue 17) — reads their account, their
 * assignments and their stored relationships in one round trip (PolicyLoader, over the read model users
 * publishes, {@code user_states}), and each fact read there must decide as it does on its own. Dr Ann holds
 * provider tenant-wide and is the assigned provider of patient 123 (seed 000): each case changes one stored
 * fact behind the server's back, drops what this node kept of her, and asks.
 */
class ColdProfileIT extends IntegrationTest {

    @Autowired
    private JdbcClient jdbc;
    @Autowired
    private AccessCache cache;
    @Autowired
    private Access access;
    @Autowired
    private TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A clinic with Dr Ann, her role and her patient; {@code ann} her id. */
    private record Clinic(SignedInTenant tenant, TenantId id, UUID ann) {}

    private Clinic clinic() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, tenant);
        Response written = api.post(tenant.path("/relationships"), tenant.adminToken(),
                json("subject", raw(json("type", "user", "id", ann.id())), "relation", "assigned_provider",
                        "object", raw(json("type", "patient", "id", "123"))));
        assertThat(written.status()).as(written.raw()).isEqualTo(201);
        return new Clinic(tenant, new TenantId(UUID.fromString(tenant.id())), UUID.fromString(ann.id()));
    }

    /** What this node keeps of the user goes, as on a node that never asked about them. */
    private void forget(Clinic clinic) {
        cache.evictSubject(clinic.id(), clinic.ann());
        cache.evictRelations(clinic.id(), clinic.ann());
    }

    private @Nullable SubjectRelations relationsKept(Clinic clinic) {
        return cache.tenant(clinic.id(), tenant -> Optional.empty())
                .map(tenant -> tenant.relations().getIfPresent(clinic.ann())).orElse(null);
    }

    @ParameterizedTest(name = "{0}, asked by {1} → {2} {3} ({4})")
    @CsvSource(delimiter = '|', textBlock = """
            change                     | by       | allowed | code              | why
            nothing                    | id       | true    | GRANTED_BY        | active, holding provider, assigned to patient 123
            nothing                    | username | true    | GRANTED_BY        | the same, asked by username
            locked for 15 minutes      | id       | false   | INACTIVE_SUBJECT  | a temporary lockout denies while it runs
            locked for 15 minutes      | username | false   | INACTIVE_SUBJECT  | the same, asked by username
            lock ended a minute ago    | id       | true    | GRANTED_BY        | a lockout that has run out denies nothing
            account ended yesterday    | id       | false   | EXPIRED_SUBJECT   | a contractor's account past its end
            account ends tomorrow      | id       | true    | GRANTED_BY        | an account before its end acts
            disabled                   | id       | false   | INACTIVE_SUBJECT  | a disabled account denies
            role ended a minute ago    | id       | false   | OUTSIDE_VALIDITY  | the provider role is held no longer
            role starts tomorrow       | id       | false   | OUTSIDE_VALIDITY  | the provider role is not held yet
            patient no longer assigned | id       | false   | SCOPE_MISS        | no relationship: a provider reaches no patient
            patient no longer assigned | username | false   | SCOPE_MISS        | the same, asked by username
            """, useHeadersInDisplayName = true)
    void aColdProfileDecidesFromEveryFactItsOneReadBrings(String change, String by, boolean allowed, String code,
            String why) {
        Clinic clinic = clinic();
        Instant now = clock.instant();
        int changed = switch (change) {
            case "nothing" -> 1;
            case "locked for 15 minutes" -> users(clinic, "locked_until = :at, failed_logins = 5",
                    now.plus(Duration.ofMinutes(15)));
            case "lock ended a minute ago" -> users(clinic, "locked_until = :at, failed_logins = 5",
                    now.minus(Duration.ofMinutes(1)));
            case "account ended yesterday" -> users(clinic, "expires_at = :at", now.minus(Duration.ofDays(1)));
            case "account ends tomorrow" -> users(clinic, "expires_at = :at", now.plus(Duration.ofDays(1)));
            case "disabled" -> users(clinic, "status = 'DISABLED'", null);
            case "role ended a minute ago" -> role(clinic, "expires_at = :at", now.minus(Duration.ofMinutes(1)));
            case "role starts tomorrow" -> role(clinic, "starts_at = :at", now.plus(Duration.ofDays(1)));
            case "patient no longer assigned" -> jdbc.sql("delete from relationships where tenant_id = :tenant"
                            + " and subject_user = :user")
                    .param("tenant", clinic.id().value()).param("user", clinic.ann()).update();
            default -> throw new IllegalArgumentException(change);
        };
        assertThat(changed).as("rows changed for " + change).isEqualTo(1);
        forget(clinic);

        Response answer = api.post(clinic.tenant().path("/check"), clinic.tenant().adminToken(), json("user",
                by.equals("id") ? clinic.ann().toString() : "dr.ann", "permission", "patients.read",
                "resource", raw(json("type", "patient", "id", "123"))));

        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        assertThat(answer.body().path("allowed").asBoolean()).as(why + ": " + answer.raw()).isEqualTo(allowed);
        assertThat(answer.text("/reason/code")).as(why + ": " + answer.raw()).isEqualTo(code);
        assertThat(relationsKept(clinic)).as("the relationships read with the profile are kept").isNotNull();
    }

    @Test
    void aProfileLoadedForACheckAboutARecordBringsTheUsersRelationshipsAlongAndOtherwiseNot() {
        Clinic clinic = clinic();
        forget(clinic);

        assertThat(access.findUser(clinic.id(), clinic.ann().toString(), Resource.at("somewhere"))).contains(clinic.ann());
        assertThat(relationsKept(clinic)).as("a check about a place reads no relationships").isNull();

        forget(clinic);
        assertThat(access.findUser(clinic.id(), clinic.ann().toString(), Resource.of("patient", "123")))
                .contains(clinic.ann());
        SubjectRelations kept = relationsKept(clinic);
        assertThat(kept).as("read in the profile's round trip").isNotNull();
        assertThat(kept.size()).as("assigned provider of patient 123").isEqualTo(1);

        forget(clinic);
        UUID nobody = UUID.randomUUID();
        assertThat(access.findUser(clinic.id(), nobody.toString(), Resource.of("patient", "123"))).isEmpty();
        assertThat(cache.tenant(clinic.id(), tenant -> Optional.empty()).map(tenant -> tenant.relations()
                .getIfPresent(nobody))).as("nothing is kept for a user the tenant does not have").isEmpty();
    }

    private int users(Clinic clinic, String set, @Nullable Instant at) {
        return jdbc.sql("update users set " + set + " where tenant_id = :tenant and id = :user")
                .param("at", at == null ? null : at.atOffset(ZoneOffset.UTC))
                .param("tenant", clinic.id().value()).param("user", clinic.ann()).update();
    }

    private int role(Clinic clinic, String set, Instant at) {
        return jdbc.sql("update assignments set " + set + " where tenant_id = :tenant and user_id = :user")
                .param("at", at.atOffset(ZoneOffset.UTC))
                .param("tenant", clinic.id().value()).param("user", clinic.ann()).update();
    }
}
