package dev.gatehouse.server.relationships;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.SignedInTenant;
import org.jspecify.annotations.Nullable;

/** Writing tuples and asking checks over the API, for the relationship and care-team ITs. */
final class RelationshipFixtures {

    private RelationshipFixtures() {}

    static String party(String type, String id) {
        return json("type", type, "id", id);
    }

    /** {@code {subject: {type, id}, relation, object: {type, id}, expiresAt?}}. */
    static String tuple(String subjectType, String subjectId, String relation, String objectType, String objectId,
            @Nullable String expiresAt) {
        return expiresAt == null
                ? json("subject", raw(party(subjectType, subjectId)), "relation", relation, "object",
                        raw(party(objectType, objectId)))
                : json("subject", raw(party(subjectType, subjectId)), "relation", relation, "object",
                        raw(party(objectType, objectId)), "expiresAt", expiresAt);
    }

    /** Writes the tuple as {@code token}, which must be allowed to; answers the stored tuple's id. */
    static String write(ApiClient api, SignedInTenant tenant, String token, String tuple) {
        ApiClient.Response written = api.post(tenant.path("/relationships"), token, tuple);
        assertThat(written.status()).as(written.raw()).isIn(200, 201);
        return written.text("/id");
    }

    /** The check API's answer for {@code user} doing {@code permission} on {@code type:id}, asked by the admin. */
    static ApiClient.Response check(ApiClient api, SignedInTenant tenant, String user, String permission, String type,
            String id) {
        ApiClient.Response answer = api.post(tenant.path("/check"), tenant.adminToken(), json("user", user,
                "permission", permission, "resource", raw(json("type", type, "id", id))));
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        return answer;
    }

    static boolean allowed(ApiClient api, SignedInTenant tenant, String user, String permission, String type,
            String id) {
        return check(api, tenant, user, permission, type, id).body().path("allowed").asBoolean();
    }
}
