package dev.gatehouse.server.testing;

/**
 * A tenant of the ITs' fixture family ({@link TestTenants}): its slug and id, and its first admin
 * signed in after changing the password set at creation (seed 001: required before any other call).
 */
public record SignedInTenant(String slug, String id, String adminId, String adminToken) {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "the first admin's own passphrase";

    /** The family's shortest form: {@code TestTenants.tenant(pack).create(api, operatorToken)}. */
    public static SignedInTenant create(ApiClient api, String operatorToken, String pack) {
        return TestTenants.tenant(pack).create(api, operatorToken);
    }

    /** {@code /api/v1/tenants/{slug}} followed by {@code rest}. */
    public String path(String rest) {
        return "/api/v1/tenants/" + slug + rest;
    }
}
