package dev.gatehouse.server.temporaryaccess;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;

/**
 * A clinic with two locations and its people, for temporary access: a manager at Downtown who may
 * lend her role, a front desk and a provider there, and the owner (the tenant's admin), who may give
 * every role. Checks are asked by each person about themselves.
 */
record TemporaryAccessFixtures(ApiClient api, SignedInTenant clinic, String downtown, String uptown,
        TestMembers.Member manager, TestMembers.Member desk, TestMembers.Member provider) {

    static TemporaryAccessFixtures clinic(ApiClient api, String operatorToken) {
        SignedInTenant clinic = TestTenants.tenant("clinic").withAdminEmail().create(api, operatorToken);
        String downtown = TestTenants.location(api, clinic, "Downtown", null);
        String uptown = TestTenants.location(api, clinic, "Uptown", null);
        TestMembers.Member manager = TestMembers.member("maria").holding("manager").at(downtown).withEmail()
                .create(api, clinic);
        TestMembers.Member desk = TestMembers.member("dave").holding("front_desk").at(downtown).withEmail()
                .create(api, clinic);
        TestMembers.Member provider = TestMembers.member("petra").holding("provider").at(downtown).withEmail()
                .create(api, clinic);
        return new TemporaryAccessFixtures(api, clinic, downtown, uptown, manager, desk, provider);
    }

    /** Whether {@code token}'s holder may do {@code permission} on a patient at {@code location}. */
    boolean may(String token, String userId, String permission, String location) {
        Response answer = check(token, userId, permission, location);
        if (answer.status() != 200) {
            throw new AssertionError("check failed: " + answer.raw());
        }
        return answer.body().at("/allowed").asBoolean();
    }

    Response check(String token, String userId, String permission, String location) {
        return api.post(clinic.path("/check"), token, json("user", userId, "permission", permission, "resource",
                raw(json("type", "patient", "id", "123", "location", location))));
    }

    Response lend(String token, Object... body) {
        return api.post(clinic.path("/delegations"), token, json(body));
    }
}
