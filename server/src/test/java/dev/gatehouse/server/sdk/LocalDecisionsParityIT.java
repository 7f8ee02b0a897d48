package dev.gatehouse.server.sdk;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.Answered;
import dev.gatehouse.client.Check;
import dev.gatehouse.client.CheckResult;
import dev.gatehouse.client.GatehouseClient;
import dev.gatehouse.client.LocalDecisions;
import dev.gatehouse.client.LocalOptions;
import dev.gatehouse.client.ResourceRef;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Contract section 5, proved on a generated tenant: for thousands of seeded random requests the Java
 * client's local answer is the server's answer to {@code POST …/check}, reason, via and fields included
 * (issue 14: "the same decision, reason included"). The tenant has roles with inheritance and every
 * scope, conditions on attributes, the time of day (in the tenant's zone) and the address, locations in
 * three levels, users with timed and located assignments, locked and disabled users, and relationships
 * direct, shared and through a care team.
 */
class LocalDecisionsParityIT extends IntegrationTest {

    private static final long SEED = 14_2026L;
    private static final int REQUESTS = 2_000;
    private static final List<String> OWN_PERMISSIONS = List.of("charts.read", "charts.edit", "charts.read.ssn",
            "charts.read.notes", "invoices.approve", "reports.view", "widgets.census", "pages.billing");
    private static final List<String> ASKED = List.of("charts.read", "charts.edit", "charts.read.ssn",
            "invoices.approve", "invoices.read", "reports.view", "widgets.census", "pages.billing",
            "patients.read", "patients.contact", "appointments.read", "medical_notes.edit", "no.such");
    private static final List<String> ROLES = List.of("p_base", "p_assign", "p_senior", "p_lead", "p_net", "provider",
            "front_desk", "billing");

    private final Random random = new Random(SEED);
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Test
    void localAnswersAreTheServersForTwoThousandGeneratedRequests() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        List<String> locations = locations(tenant);
        roles(tenant);
        List<User> users = users(tenant, locations);
        relationships(tenant, users);

        Map<String, Integer> codes = new TreeMap<>();
        List<String> differences = new ArrayList<>();
        int allowed = 0;
        try (GatehouseClient client = SdkFixtures.client(port(), tenant, SdkFixtures.appKey(api, tenant));
                LocalDecisions local = client.localDecisions(LocalOptions.defaults())) {
            for (int i = 0; i < REQUESTS; i++) {
                Check check = request(users, locations);
                CheckResult server = client.check(check);
                CheckResult here = local.check(check);
                if (!here.decision().equals(server.decision())) {
                    differences.add(i + ": " + check + "\n  local:  " + here.decision() + "\n  server: "
                            + server.decision());
                }
                allowed += server.allowed() ? 1 : 0;
                codes.merge(server.code() + (here.answeredBy() == Answered.SERVER ? " (asked the server)" : ""), 1,
                        Integer::sum);
            }
            System.out.printf("parity: %d requests, %d allowed, by reason %s%n", REQUESTS, allowed, codes);
            assertThat(local.status().cachedUsers()).isEqualTo(users.size());
        }
        assertThat(differences).as("local answers that differ from the server's").isEmpty();
        assertThat(allowed).as("the mix allows often and denies often").isBetween(REQUESTS / 10, REQUESTS * 9 / 10);
        assertThat(codes.keySet()).as("the mix reaches these reasons").contains("GRANTED_BY", "NO_MATCHING_GRANT",
                "SCOPE_MISS", "CONDITION_FAILED", "OUTSIDE_VALIDITY", "INACTIVE_SUBJECT", "UNKNOWN_PERMISSION");
    }

    private record User(String id, String username) {}

    /** Two regions, each with two areas of two clinics: fourteen locations in three levels. */
    private List<String> locations(SignedInTenant tenant) {
        List<String> all = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            String region = TestTenants.location(api, tenant, "Region " + r, null);
            all.add(region);
            for (int a = 0; a < 2; a++) {
                String area = TestTenants.location(api, tenant, "Area " + r + a, region);
                all.add(area);
                for (int c = 0; c < 2; c++) {
                    all.add(TestTenants.location(api, tenant, "Clinic " + r + a + c, area));
                }
            }
        }
        return all;
    }

    /** The tenant's own roles: inheritance two deep, every scope, a wildcard and three kinds of condition. */
    private void roles(SignedInTenant tenant) {
        for (String key : OWN_PERMISSIONS) {
            ApiClient.Response registered = api.post(tenant.path("/permissions"), tenant.adminToken(),
                    json("key", key, "description", "generated"));
            assertThat(registered.status()).as(registered.raw()).isEqualTo(201);
        }
        role(tenant, "p_base", "[]", grant("charts.read", "LOCATION", null), grant("invoices.read", "TENANT", null),
                grant("widgets.census", "OWN", null));
        role(tenant, "p_assign", "[]", grant("charts.edit", "ASSIGNED", null),
                grant("charts.read.ssn", "ASSIGNED", null), grant("charts.read.notes", "OWN", null));
        role(tenant, "p_senior", "[\"p_base\", \"p_assign\"]",
                grant("invoices.approve", "TENANT", "resource.amount < 500"));
        role(tenant, "p_lead", "[\"p_senior\"]", grant("reports.view", "LOCATION", null),
                grant("charts.*", "ASSIGNED", null),
                grant("pages.billing", "LOCATION", "request.time.hour >= 8 && request.time.hour < 18"));
        role(tenant, "p_net", "[]", grant("charts.read", "TENANT", "request.ip in ['10.0.0.0/8']"));
    }

    private void role(SignedInTenant tenant, String key, String inherits, String... grants) {
        SdkFixtures.created(api, tenant, "/roles", json("key", key, "name", key, "inherits", raw(inherits),
                "grants", raw("[" + String.join(",", grants) + "]")));
    }

    private static String grant(String permission, String scope, String condition) {
        return condition == null ? json("permission", permission, "scope", scope)
                : json("permission", permission, "scope", scope, "condition", condition);
    }

    /** Thirty users holding one to three roles, tenant-wide or at a location, a quarter of them for a window. */
    private List<User> users(SignedInTenant tenant, List<String> locations) {
        List<User> users = new ArrayList<>();
        for (int u = 0; u < 30; u++) {
            List<String> held = new ArrayList<>();
            for (int r = 0, count = 1 + random.nextInt(3); r < count; r++) {
                Map<String, Object> assignment = new HashMap<>();
                assignment.put("role", ROLES.get(random.nextInt(ROLES.size())));
                if (random.nextInt(5) > 0) {
                    assignment.put("location", locations.get(random.nextInt(locations.size())));
                }
                switch (random.nextInt(8)) {
                    case 0 -> {
                        assignment.put("startsAt", now.minus(Duration.ofDays(10)).toString());
                        assignment.put("expiresAt", now.minus(Duration.ofDays(1)).toString());
                    }
                    case 1 -> {
                        assignment.put("startsAt", now.plus(Duration.ofDays(1)).toString());
                        assignment.put("expiresAt", now.plus(Duration.ofDays(10)).toString());
                    }
                    case 2 -> assignment.put("expiresAt", now.plus(Duration.ofDays(2)).toString());
                    default -> {
                        // standing
                    }
                }
                held.add(toJson(assignment));
            }
            String username = "user" + u;
            String id = SdkFixtures.created(api, tenant, "/users", json("username", username, "firstName", "Gen",
                    "lastName", "User " + u, "kind", "SERVICE", "roles", raw("[" + String.join(",", held) + "]")));
            users.add(new User(id, username));
        }
        for (String state : List.of("lock", "lock", "disable")) {
            User user = users.get(random.nextInt(users.size()));
            assertThat(api.post(tenant.path("/users/" + user.id() + "/" + state), tenant.adminToken(), "{}").status())
                    .isIn(200, 204);
        }
        return users;
    }

    /** Assigned and shared patients, and a care team caring for some. */
    private void relationships(SignedInTenant tenant, List<User> users) {
        for (int i = 0; i < 40; i++) {
            User user = users.get(random.nextInt(users.size()));
            boolean shared = random.nextInt(4) == 0;
            String tuple = json("subject", raw(json("type", "user", "id", user.id())),
                    "relation", shared ? "shared_with" : "assigned_provider",
                    "object", raw(json("type", "patient", "id", Integer.toString(1 + random.nextInt(30)))));
            if (shared) {
                tuple = tuple.substring(0, tuple.length() - 1) + ",\"expiresAt\":\""
                        + now.plus(Duration.ofDays(3)) + "\"}";
            }
            assertThat(api.post(tenant.path("/relationships"), tenant.adminToken(), tuple).status()).isIn(200, 201);
        }
        List<String> members = users.subList(0, 8).stream().map(user -> "\"" + user.id() + "\"").toList();
        String team = SdkFixtures.created(api, tenant, "/care-teams", json("name", "Cardiology A",
                "members", raw("[" + String.join(",", members) + "]")));
        for (int patient = 20; patient < 26; patient++) {
            assertThat(api.post(tenant.path("/relationships"), tenant.adminToken(), json(
                    "subject", raw(json("type", "careteam", "id", team)), "relation", "care_team",
                    "object", raw(json("type", "patient", "id", Integer.toString(patient))))).status()).isIn(200, 201);
        }
    }

    /** One seeded request: any user (by id, in either case, or username), permission, resource, moment and address. */
    private Check request(List<User> users, List<String> locations) {
        User user = users.get(random.nextInt(users.size()));
        String who = switch (random.nextInt(3)) {
            case 0 -> user.username();
            case 1 -> user.id().toUpperCase(Locale.ROOT);
            default -> user.id();
        };
        Check check = Check.of(who, ASKED.get(random.nextInt(ASKED.size())));
        if (random.nextInt(7) > 0) {
            ResourceRef resource = ResourceRef.of(random.nextInt(4) == 0 ? "invoice" : "patient",
                    Integer.toString(1 + random.nextInt(30)));
            if (random.nextInt(10) < 7) {
                resource = resource.at(locations.get(random.nextInt(locations.size())));
            }
            if (random.nextInt(5) == 0) {
                resource = resource.ownedBy(random.nextBoolean() ? user.id() : users.get(random.nextInt(users.size())).id());
            }
            if (random.nextInt(10) == 0) {
                resource = resource.assignedTo(users.get(random.nextInt(users.size())).id(), user.id());
            }
            if (random.nextBoolean()) {
                resource = resource.attributes(Map.of("amount", random.nextInt(1_000)));
            }
            check = check.on(resource);
        }
        if (random.nextInt(10) == 0) {
            check = check.fields("ssn", "notes");
        }
        Duration[] offsets = {Duration.ZERO, Duration.ofHours(36), Duration.ofDays(5), Duration.ofDays(20)};
        check = check.at(now.plus(offsets[random.nextInt(offsets.length)]).plus(Duration.ofHours(random.nextInt(24))));
        int address = random.nextInt(10);
        return address < 2 ? check.ip("10.1.2.3") : address == 2 ? check.ip("192.168.1.1") : check;
    }

    private static String toJson(Map<String, Object> assignment) {
        StringBuilder json = new StringBuilder("{");
        assignment.forEach((name, value) -> json.append(json.length() > 1 ? "," : "").append('"').append(name)
                .append("\":\"").append(value).append('"'));
        return json.append('}').toString();
    }
}
