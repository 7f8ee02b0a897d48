package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestMembers.Member;
import dev.gatehouse.server.testing.TestTenants;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Builders for the audit ITs, over the fixture family (TestTenants, TestMembers): a clinic whose
 * owner has signed in, staff who have signed in with their own password, and searches of the trail.
 */
final class AuditFixtures {

    static final String PASSWORD = "correct horse battery staple";
    static final String INITIAL = TestMembers.INITIAL;

    /** A tenant and its owner's token. */
    record Clinic(String slug, String id, String ownerId, String owner) {
        String path(String rest) {
            return "/api/v1/tenants/" + slug + rest;
        }
    }

    private final ApiClient api;
    private final String operator;

    AuditFixtures(ApiClient api, String operator) {
        this.api = api;
        this.operator = operator;
    }

    /** A clinic whose owner (Olive Owner) has signed in with their own password. */
    Clinic clinic() {
        SignedInTenant tenant = TestTenants.tenant("clinic").adminNamed("owner").adminCalled("Olive", "Owner")
                .adminPasswords(INITIAL, PASSWORD).create(api, operator);
        return new Clinic(tenant.slug(), tenant.id(), tenant.adminId(), tenant.adminToken());
    }

    /** Creates a user holding {@code role} tenant-wide; returns the id. */
    String user(Clinic clinic, String username, String role) {
        return builder(username, role).createWithoutSignIn(api, clinic.slug(), clinic.owner());
    }

    /** A member who has signed in with their own password, and their session (opened now). */
    Member member(Clinic clinic, String username, String role) {
        Member member = builder(username, role).create(api, clinic.slug(), clinic.owner());
        member.token();
        return member;
    }

    private static TestMembers.Builder builder(String username, String role) {
        return TestMembers.member(username).holding(role).withEmail(username + "@example.com")
                .passwords(INITIAL, PASSWORD);
    }

    String signIn(Clinic clinic, String username) {
        return api.login(clinic.slug(), username, PASSWORD);
    }

    /** GET …/audit with the given query (name=value&…, values encoded here). */
    Response search(Clinic clinic, String token, String... namesAndValues) {
        return api.get(clinic.path("/audit" + query(namesAndValues)), token);
    }

    /** Every event matching the query, newest first, from one large page. */
    List<JsonNode> all(Clinic clinic, String... namesAndValues) {
        String[] withSize = new String[namesAndValues.length + 2];
        System.arraycopy(namesAndValues, 0, withSize, 0, namesAndValues.length);
        withSize[namesAndValues.length] = "size";
        withSize[namesAndValues.length + 1] = "200";
        Response found = search(clinic, clinic.owner(), withSize);
        if (found.status() != 200) {
            throw new AssertionError("search failed: " + found.raw());
        }
        List<JsonNode> items = new ArrayList<>();
        found.body().get("items").forEach(items::add);
        return items;
    }

    static List<String> actions(List<JsonNode> events) {
        return events.stream().map(e -> e.get("action").asString()).toList();
    }

    static String query(String... namesAndValues) {
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            query.append(i == 0 ? '?' : '&').append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return query.toString();
    }
}
