package dev.gatehouse.server.audittrail;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;

import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.ApiClient.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Builders for the audit ITs, all through the API: a clinic whose owner has signed in, staff who
 * have signed in with their own password, and searches of the trail.
 */
final class AuditFixtures {

    static final String PASSWORD = "correct horse battery staple";
    static final String INITIAL = "handed over by the admin 12345";

    /** A tenant and its owner's token. */
    record Clinic(String slug, String id, String ownerId, String owner) {
        String path(String rest) {
            return "/api/v1/tenants/" + slug + rest;
        }
    }

    /** A staff member who has signed in with their own password. */
    record Member(String id, String username, String token) {}

    private final ApiClient api;
    private final String operator;

    AuditFixtures(ApiClient api, String operator) {
        this.api = api;
        this.operator = operator;
    }

    Clinic clinic() {
        String slug = "clinic-" + UUID.randomUUID().toString().substring(0, 8);
        Response created = api.post("/api/v1/tenants", operator, json("slug", slug, "name", "Clinic " + slug, "pack",
                "clinic", "admin", raw(json("username", "owner", "firstName", "Olive", "lastName", "Owner",
                        "password", INITIAL))));
        if (created.status() != 201) {
            throw new AssertionError("tenant not created: " + created.raw());
        }
        return new Clinic(slug, created.text("/id"), created.text("/admin/id"), firstSignIn(slug, "owner"));
    }

    /** Creates a user holding {@code role} tenant-wide; returns the id. */
    String user(Clinic clinic, String username, String role) {
        Response created = api.post(clinic.path("/users"), clinic.owner(), json("username", username, "firstName",
                "First", "lastName", "Last", "email", username + "@example.com", "password", INITIAL, "roles",
                raw("[" + json("role", role) + "]")));
        if (created.status() != 201) {
            throw new AssertionError("user " + username + " not created: " + created.raw());
        }
        return created.text("/id");
    }

    Member member(Clinic clinic, String username, String role) {
        String id = user(clinic, username, role);
        return new Member(id, username, firstSignIn(clinic.slug(), username));
    }

    String signIn(Clinic clinic, String username) {
        return api.login(clinic.slug(), username, PASSWORD);
    }

    private String firstSignIn(String slug, String username) {
        String first = api.login(slug, username, INITIAL);
        Response changed = api.post("/api/v1/me/password", first, json("currentPassword", INITIAL, "newPassword",
                PASSWORD));
        if (changed.status() != 204) {
            throw new AssertionError("password change failed: " + changed.raw());
        }
        return api.login(slug, username, PASSWORD);
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
