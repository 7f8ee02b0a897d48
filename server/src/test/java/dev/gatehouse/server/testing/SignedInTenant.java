package dev.gatehouse.server.testing;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;

import dev.gatehouse.server.testing.ApiClient.Response;

/**
 * A new tenant of one pack, made by the operator through the API, with its first admin signed in
 * after changing the password set at creation (seed 001: required before any other call).
 */
public record SignedInTenant(String slug, String id, String adminId, String adminToken) {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "the first admin's own passphrase";

    public static SignedInTenant create(ApiClient api, String operatorToken, String pack) {
        String slug = pack + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String initial = "set-by-the-operator-123";
        Response created = api.post("/api/v1/tenants", operatorToken, json("slug", slug, "name", "Tenant " + slug,
                "pack", pack, "admin", raw(json("username", ADMIN, "firstName", "Ada", "lastName", "Admin",
                        "password", initial))));
        if (created.status() != 201) {
            throw new AssertionError("creating tenant " + slug + " failed: " + created.raw());
        }
        String first = api.login(slug, ADMIN, initial);
        Response changed = api.post("/api/v1/me/password", first, json("currentPassword", initial, "newPassword",
                ADMIN_PASSWORD));
        if (changed.status() != 204) {
            throw new AssertionError("changing the first admin's password failed: " + changed.raw());
        }
        return new SignedInTenant(slug, created.text("/id"), created.text("/admin/id"),
                api.login(slug, ADMIN, ADMIN_PASSWORD));
    }

    /** {@code /api/v1/tenants/{slug}} followed by {@code rest}. */
    public String path(String rest) {
        return "/api/v1/tenants/" + slug + rest;
    }
}
