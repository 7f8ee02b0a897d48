package dev.gatehouse.server.testing;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;

import dev.gatehouse.server.testing.ApiClient.Response;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Tenants for the ITs, made as an operator would, through the API (docs/style.md rule 12):
 * {@code TestTenants.tenant("clinic").adminNamed("owner").withAdminEmail().create(api, operatorToken)}.
 * The first admin is signed in after the password change seed 001 requires before any other call;
 * {@link #location} adds locations as an admin would. Members come from {@link TestMembers}.
 */
public final class TestTenants {

    /** The password the operator sets at creation; the first sign-in replaces it. */
    public static final String INITIAL_ADMIN_PASSWORD = "set-by-the-operator-123";

    private TestTenants() {}

    /** A new tenant of {@code pack} with a slug no other test uses. */
    public static Builder tenant(String pack) {
        return new Builder(pack);
    }

    /** Adds a location (top level when {@code parent} is null) as the tenant's admin; returns its id. */
    public static String location(ApiClient api, SignedInTenant tenant, String name, @Nullable String parent) {
        Response created = api.post(tenant.path("/locations"), tenant.adminToken(), json("name", name, "parent",
                parent));
        if (created.status() != 201) {
            throw new AssertionError("location " + name + " not created: " + created.raw());
        }
        return created.text("/id");
    }

    public static final class Builder {
        private final String pack;
        private @Nullable String slug;
        private String admin = SignedInTenant.ADMIN;
        private String firstName = "Ada";
        private String lastName = "Admin";
        private boolean adminEmail;
        private String initialPassword = INITIAL_ADMIN_PASSWORD;
        private String adminPassword = SignedInTenant.ADMIN_PASSWORD;
        private @Nullable String parent;

        private Builder(String pack) {
            this.pack = pack;
        }

        /** A slug the test chose (it must be unique); else {@code <pack>-<random>}. */
        public Builder slug(String slug) {
            this.slug = slug;
            return this;
        }

        /** The first admin's username ({@value SignedInTenant#ADMIN} when not named). */
        public Builder adminNamed(String username) {
            this.admin = username;
            return this;
        }

        public Builder adminCalled(String first, String last) {
            this.firstName = first;
            this.lastName = last;
            return this;
        }

        /** The first admin gets the address {@code <admin>@<slug>.example}. */
        public Builder withAdminEmail() {
            this.adminEmail = true;
            return this;
        }

        /** The password set at creation and the one the admin changes it to at the first sign-in. */
        public Builder adminPasswords(String initial, String own) {
            this.initialPassword = initial;
            this.adminPassword = own;
            return this;
        }

        /** A child of the tenant with this slug or id (docs/organisations.md). */
        public Builder parent(String parent) {
            this.parent = parent;
            return this;
        }

        public SignedInTenant create(ApiClient api, String operatorToken) {
            String slug = this.slug != null ? this.slug : pack + "-" + UUID.randomUUID().toString().substring(0, 8);
            String adminJson = adminEmail
                    ? json("username", admin, "firstName", firstName, "lastName", lastName, "email",
                            admin + "@" + slug + ".example", "password", initialPassword)
                    : json("username", admin, "firstName", firstName, "lastName", lastName, "password",
                            initialPassword);
            Response created = api.post("/api/v1/tenants", operatorToken, parent == null
                    ? json("slug", slug, "name", "Tenant " + slug, "pack", pack, "admin", raw(adminJson))
                    : json("slug", slug, "name", "Tenant " + slug, "pack", pack, "admin", raw(adminJson),
                            "parent", parent));
            if (created.status() != 201) {
                throw new AssertionError("creating tenant " + slug + " failed: " + created.raw());
            }
            String token = TestMembers.firstSignIn(api, slug, admin, initialPassword, adminPassword);
            return new SignedInTenant(slug, created.text("/id"), created.text("/admin/id"), token);
        }
    }
}
