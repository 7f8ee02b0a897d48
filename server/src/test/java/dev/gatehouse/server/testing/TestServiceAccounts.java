package dev.gatehouse.server.testing;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;

import dev.gatehouse.server.testing.ApiClient.Response;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Service accounts for the ITs (issue 12), made as an admin would, through the users API
 * (docs/style.md rule 12): {@code TestServiceAccounts.serviceAccount("ehr-sync").holding("provider")
 * .at(downtown).create(api, tenant)} answers its id. A service account has no password and never
 * signs in, so unlike {@link TestMembers} there is no session to open: it calls with the API keys or
 * OAuth client tokens its tests make for it.
 */
public final class TestServiceAccounts {

    private TestServiceAccounts() {}

    public static Builder serviceAccount(String username) {
        return new Builder(username);
    }

    private record Held(String role, @Nullable String location) {
        String json() {
            return location == null ? ApiClient.json("role", role) : ApiClient.json("role", role, "location", location);
        }
    }

    public static final class Builder {
        private final String username;
        private final List<Held> roles = new ArrayList<>();
        private @Nullable String rolesJson;

        private Builder(String username) {
            this.username = username;
        }

        /** Holds {@code role} tenant-wide, or where {@link #at} says. Repeatable. */
        public Builder holding(String role) {
            roles.add(new Held(role, null));
            return this;
        }

        /** The last role named by {@link #holding} is held at {@code location} (an id). */
        public Builder at(String location) {
            roles.add(new Held(roles.removeLast().role(), location));
            return this;
        }

        /** Roles exactly as the users API takes them (a JSON array), for rows the builder does not name. */
        public Builder holdingJson(String rolesJson) {
            this.rolesJson = rolesJson;
            return this;
        }

        /** Created by the tenant's admin; answers its id. */
        public String create(ApiClient api, SignedInTenant tenant) {
            return create(api, tenant.slug(), tenant.adminToken());
        }

        /** Created by {@code creatorToken}, someone who may create users in tenant {@code slug}; answers its id. */
        public String create(ApiClient api, String slug, String creatorToken) {
            String held = rolesJson != null ? rolesJson : "[" + String.join(",", roles.stream().map(Held::json).toList()) + "]";
            Response created = api.post("/api/v1/tenants/" + slug + "/users", creatorToken, json("username", username,
                    "firstName", "Service", "lastName", username, "kind", "SERVICE", "roles", raw(held)));
            if (created.status() != 201) {
                throw new AssertionError("service account " + username + " not created: " + created.raw());
            }
            return created.text("/id");
        }
    }
}
