package dev.gatehouse.server.access;

import static dev.gatehouse.server.testing.ApiClient.json;
import static dev.gatehouse.server.testing.ApiClient.raw;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.conditions.CelConditions;
import dev.gatehouse.engine.Assignment;
import dev.gatehouse.engine.AssignmentSource;
import dev.gatehouse.engine.Condition;
import dev.gatehouse.engine.Decision;
import dev.gatehouse.engine.DecisionView;
import dev.gatehouse.engine.Grant;
import dev.gatehouse.engine.Location;
import dev.gatehouse.engine.LocationTree;
import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.PermissionKind;
import dev.gatehouse.engine.Role;
import dev.gatehouse.engine.Scope;
import dev.gatehouse.engine.Subject;
import dev.gatehouse.engine.SubjectRelations;
import dev.gatehouse.engine.SubjectStatus;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.testing.ApiClient;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import dev.gatehouse.server.testing.TestMembers;
import dev.gatehouse.server.testing.TestTenants;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET …/decisions/policy} and {@code …/decisions/subjects/{user}} (issue 14, docs/changes.md):
 * an engine built from the two documents exactly as the Java SDK builds it answers what
 * {@code POST …/check} answers, reason and via included, for a few hundred generated requests over a
 * tenant with inherited, location, own, assigned and conditional grants, a location tree in levels, a
 * timed assignment, a delegation and relationships held directly and through a care team.
 */
class DecisionDocumentsIT extends IntegrationTest {

    private static final List<String> PERMISSIONS = List.of("patients.read", "patients.contact", "patients.edit",
            "appointments.edit", "refunds.approve", "users.create", "no.such_permission");

    @Autowired
    private JsonMapper mapper;

    /** The tenant of the parity test, built through the API as an admin would. */
    private record Clinic(SignedInTenant tenant, List<String> locations, Map<String, String> users) {}

    @Test
    void anEngineBuiltFromTheDocumentsDecidesAsTheCheckApi() {
        Clinic clinic = clinicWithEveryKindOfGrant();
        SignedInTenant tenant = clinic.tenant();
        JsonNode policyDocument = document(tenant.path("/decisions/policy"), tenant.adminToken());
        TenantPolicy policy = policyOf(policyDocument);
        assertThat(policyDocument.at("/tenant/key").asString()).isEqualTo(tenant.id());
        assertThat(policyDocument.at("/tenant/slug").asString()).isEqualTo(tenant.slug());

        Map<String, Local> locals = new LinkedHashMap<>();
        clinic.users().forEach((username, id) -> locals.put(id, localOf(policy,
                document(tenant.path("/decisions/subjects/" + username), tenant.adminToken()))));
        assertThat(locals.values()).allSatisfy(local -> assertThat(local.version()).isPositive());

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> checks = new ArrayList<>();
        // Every user, permission and patient by type and id alone (where relationships decide), then random ones.
        for (String user : locals.keySet()) {
            for (String permission : PERMISSIONS) {
                for (int patient = 1; patient <= 4; patient++) {
                    checks.add(json("user", user, "permission", permission, "resource", raw(json("type", "patient", "id",
                            Integer.toString(patient))), "context", raw(json("time", now.toString()))));
                }
            }
        }
        Random random = new Random(1414);
        List<String> ids = List.copyOf(locals.keySet());
        for (int i = 0; i < 300; i++) {
            checks.add(randomCheck(random, ids.get(random.nextInt(ids.size())), clinic, now));
        }
        int allowed = 0;
        for (String body : checks) {
            allowed += sameAnswer(tenant, policy, locals, body) ? 1 : 0;
        }
        assertThat(allowed).as("the requests reach allows as well as denies").isBetween(40, checks.size() - 40);
    }

    /** Asks the server and the local engine; fails unless both answer the same JSON. Answers whether it allowed. */
    private boolean sameAnswer(SignedInTenant tenant, TenantPolicy policy, Map<String, Local> locals, String body) {
        ApiClient.Response answer = api.post(tenant.path("/check"), tenant.adminToken(), body);
        assertThat(answer.status()).as(body + " → " + answer.raw()).isEqualTo(200);
        CheckRequest.Question question = mapper.readValue(body, CheckRequest.class)
                .parse("", false, new ArrayList<FieldError>());
        Local local = locals.get(question.user());
        Decision decision = policy.check(local.profile(), question.permission(), question.resource(), question.at(),
                question.context(), local.relations());
        assertThat(mapper.valueToTree(DecisionView.of(decision)).toString()).as(body)
                .isEqualTo(mapper.readTree(answer.raw()).toString());
        return decision.allowed();
    }

    @Test
    void theSubjectDocumentCarriesTheLenderAndBothKindsOfRelationship() {
        Clinic clinic = clinicWithEveryKindOfGrant();
        SignedInTenant tenant = clinic.tenant();

        JsonNode fox = document(tenant.path("/decisions/subjects/" + clinic.users().get("fox")), tenant.adminToken());
        JsonNode lent = fox.at("/assignments").valueStream()
                .filter(assignment -> assignment.path("source").asString().equals("DELEGATION")).findFirst().orElseThrow();
        assertThat(lent.at("/lender/username").asString()).isEqualTo("maria");
        assertThat(lent.at("/lender/assignments/0/role").asString()).isEqualTo("manager");

        JsonNode kim = document(tenant.path("/decisions/subjects/kim"), tenant.adminToken());
        assertThat(kim.at("/relations/tuples").toString()).contains("assigned_provider", "shared_with");
        assertThat(kim.at("/relations/careTeams/0/teamName").asString()).isEqualTo("Cardiology A");
        assertThat(kim.at("/relations/careTeams/0/id").asString()).isEqualTo("2");
    }

    @Test
    void theDocumentsNeedAccessCheckAndKnowOnlyTheTenantsUsers() {
        SignedInTenant tenant = SignedInTenant.create(api, operatorToken(), "clinic");
        SignedInTenant other = SignedInTenant.create(api, operatorToken(), "clinic");
        TestMembers.Member ann = TestMembers.member("dr.ann").holding("provider").create(api, tenant);
        TestMembers.Member stranger = TestMembers.member("dr.stranger").holding("provider").create(api, other);

        ApiClient.Response refused = api.get(tenant.path("/decisions/policy"), ann.token());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.raw()).contains("access.check");
        assertThat(api.get(tenant.path("/decisions/subjects/" + ann.id()), ann.token()).status()).isEqualTo(403);
        assertThat(api.get(tenant.path("/decisions/policy"), other.adminToken()).status()).isEqualTo(404);

        ApiClient.Response foreign = api.get(tenant.path("/decisions/subjects/" + stranger.id()), tenant.adminToken());
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.raw()).contains("\"user\"").doesNotContain("dr.stranger");
        assertThat(api.get(tenant.path("/decisions/subjects/nobody"), tenant.adminToken()).status()).isEqualTo(404);

        ApiClient.Response key = api.post(tenant.path("/api-keys"), tenant.adminToken(), json("name", "sdk", "scopes",
                raw("[\"access.check\"]")));
        assertThat(key.status()).as(key.raw()).isEqualTo(201);
        assertThat(api.get(tenant.path("/decisions/policy"), key.text("/key")).status()).isEqualTo(200);
        JsonNode byUsername = document(tenant.path("/decisions/subjects/DR.ANN"), key.text("/key"));
        assertThat(byUsername.path("id").asString()).isEqualTo(ann.id());
        assertThat(byUsername.path("username").asString()).isEqualTo("dr.ann");
    }

    /**
     * Roles ward_staff, and ward_lead inheriting it with location, own, assigned and conditional grants;
     * north › north-a › north-a-1 and south; lee holds ward_lead at north-a and ward_staff for two hours;
     * kim holds ward_lead at south with patients directly, through a care team and shared for an hour;
     * maria (manager at north) lends manager to fox, who is front desk at south.
     */
    private Clinic clinicWithEveryKindOfGrant() {
        SignedInTenant tenant = TestTenants.tenant("clinic").create(api, operatorToken());
        String admin = tenant.adminToken();
        role(tenant, "ward_staff", "[]", "[{\"permission\": \"patients.contact\"}]");
        role(tenant, "ward_lead", "[\"ward_staff\"]", """
                [{"permission": "patients.read", "scope": "LOCATION"},
                 {"permission": "appointments.edit", "scope": "OWN"},
                 {"permission": "patients.edit", "scope": "ASSIGNED"},
                 {"permission": "refunds.approve", "condition": "resource.amount < 500"}]""");
        String north = TestTenants.location(api, tenant, "North", null);
        String northA = TestTenants.location(api, tenant, "North A", north);
        String northA1 = TestTenants.location(api, tenant, "North A 1", northA);
        String south = TestTenants.location(api, tenant, "South", null);

        Instant now = Instant.now();
        TestMembers.Member lee = TestMembers.member("lee").holdingJson("[" + json("role", "ward_lead", "location", northA)
                + "," + json("role", "ward_staff", "startsAt", now.minus(Duration.ofHours(1)).toString(), "expiresAt",
                        now.plus(Duration.ofHours(1)).toString()) + "]").create(api, tenant);
        TestMembers.Member kim = TestMembers.member("kim").holding("ward_lead").at(south).create(api, tenant);
        TestMembers.Member maria = TestMembers.member("maria").holding("manager").at(north).create(api, tenant);
        TestMembers.Member fox = TestMembers.member("fox").holding("front_desk").at(south).create(api, tenant);

        relationship(tenant, "user", kim.id(), "assigned_provider", "1", null);
        relationship(tenant, "user", kim.id(), "shared_with", "3", now.plus(Duration.ofHours(1)));
        String team = api.post(tenant.path("/care-teams"), admin, json("name", "Cardiology A", "members",
                raw("[\"" + kim.id() + "\"]"))).text("/id");
        relationship(tenant, "careteam", team, "care_team", "2", null);
        ApiClient.Response lent = api.post(tenant.path("/delegations"), maria.token(), json("to", fox.id(), "role",
                "manager", "location", north, "expiresAt", now.plus(Duration.ofHours(8)).toString(), "reason", "cover"));
        assertThat(lent.status()).as(lent.raw()).isEqualTo(201);

        Map<String, String> users = new LinkedHashMap<>();
        for (TestMembers.Member member : List.of(lee, kim, maria, fox)) {
            users.put(member.username(), member.id());
        }
        return new Clinic(tenant, List.of(north, northA, northA1, south), users);
    }

    private String randomCheck(Random random, String user, Clinic clinic, Instant now) {
        List<Object> body = new ArrayList<>(List.of("user", user, "permission",
                PERMISSIONS.get(random.nextInt(PERMISSIONS.size()))));
        if (random.nextInt(5) > 0) {
            List<Object> resource = new ArrayList<>(List.of("type", "patient", "id", Integer.toString(random.nextInt(1, 5))));
            if (random.nextBoolean()) {
                resource.addAll(List.of("location", clinic.locations().get(random.nextInt(clinic.locations().size()))));
            }
            if (random.nextInt(4) == 0) {
                List<String> ids = List.copyOf(clinic.users().values());
                resource.addAll(List.of("owner", ids.get(random.nextInt(ids.size()))));
            }
            if (random.nextInt(6) == 0) {
                resource.addAll(List.of("assignees", raw("[\"" + user + "\"]")));
            }
            if (random.nextInt(3) == 0) {
                resource.addAll(List.of("attributes", raw(json("amount", random.nextInt(1_000)))));
            }
            body.addAll(List.of("resource", raw(json(resource.toArray()))));
        }
        Instant at = now.plus(Duration.ofMinutes(random.nextInt(-180, 180)));
        body.addAll(List.of("context", raw(json("time", at.toString()))));
        return json(body.toArray());
    }

    /** What the SDK holds of one user: the profile compiled from the subject document, and their relationships. */
    private record Local(long version, dev.gatehouse.engine.Profile profile, SubjectRelations relations) {}

    /** The contract's construction (issue 14, section 1): exactly the server's. */
    private static TenantPolicy policyOf(JsonNode document) {
        List<Permission> permissions = document.path("permissions").valueStream()
                .map(p -> new Permission(p.path("key").asString(), text(p, "description"),
                        PermissionKind.valueOf(p.path("kind").asString())))
                .toList();
        List<Role> roles = document.path("roles").valueStream()
                .map(r -> new Role(r.path("key").asString(), text(r, "name"), text(r, "description"),
                        r.path("inherits").valueStream().map(JsonNode::asString).toList(),
                        r.path("grants").valueStream().map(g -> new Grant(g.path("permission").asString(),
                                Scope.valueOf(g.path("scope").asString()),
                                text(g, "condition") == null ? null : new Condition(text(g, "condition")))).toList()))
                .toList();
        List<Condition> conditions = roles.stream().flatMap(role -> role.grants().stream()).map(Grant::condition)
                .filter(java.util.Objects::nonNull).toList();
        List<Location> locations = document.path("locations").valueStream()
                .map(l -> new Location(l.path("id").asString(), text(l, "parent"))).toList();
        return TenantPolicy.builder(document.at("/tenant/key").asString(), PermissionCatalog.of(permissions))
                .roles(roles)
                .conditions(CelConditions.compile(conditions, ZoneId.of(document.path("timeZone").asString())))
                .locations(LocationTree.of(locations))
                .active(document.path("active").asBoolean())
                .build();
    }

    private static Local localOf(TenantPolicy policy, JsonNode document) {
        Subject subject = subjectOf(document);
        SubjectRelations.Builder relations = SubjectRelations.builder(policy.tenant(), subject.id());
        document.at("/relations/tuples").valueStream().forEach(t -> relations.tuple(t.path("relation").asString(),
                t.path("type").asString(), t.path("id").asString(), instant(t, "until")));
        document.at("/relations/careTeams").valueStream().forEach(t -> relations.throughCareTeam(
                t.path("team").asString(), t.path("teamName").asString(), instant(t, "memberUntil"),
                t.path("relation").asString(), t.path("type").asString(), t.path("id").asString(), instant(t, "until")));
        return new Local(document.path("version").asLong(), policy.compile(subject), relations.build());
    }

    private static Subject subjectOf(JsonNode document) {
        List<Assignment> assignments = document.path("assignments").valueStream().map(a -> {
            String location = text(a, "location");
            if (a.has("lender")) {
                return Assignment.delegated(a.path("id").asString(), a.path("role").asString(), location,
                        instant(a, "startsAt"), instant(a, "expiresAt"), subjectOf(a.path("lender")));
            }
            return new Assignment(a.path("id").asString(), a.path("role").asString(), location, instant(a, "startsAt"),
                    instant(a, "expiresAt"), AssignmentSource.valueOf(a.path("source").asString()));
        }).toList();
        return new Subject(document.path("id").asString(), SubjectStatus.valueOf(document.path("status").asString()),
                instant(document, "lockedUntil"), assignments, instant(document, "expiresAt"));
    }

    private static @Nullable String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static @Nullable Instant instant(JsonNode node, String field) {
        String text = text(node, field);
        return text == null ? null : Instant.parse(text);
    }

    private JsonNode document(String path, String token) {
        ApiClient.Response answer = api.get(path, token);
        assertThat(answer.status()).as(path + " → " + answer.raw()).isEqualTo(200);
        return answer.body();
    }

    private void role(SignedInTenant tenant, String key, String inherits, String grants) {
        ApiClient.Response created = api.post(tenant.path("/roles"), tenant.adminToken(), json("key", key, "name",
                "Role " + key, "description", "made by a test", "inherits", raw(inherits), "grants", raw(grants)));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
    }

    private void relationship(SignedInTenant tenant, String subjectType, String subject, String relation, String patient,
            @Nullable Instant until) {
        ApiClient.Response written = api.post(tenant.path("/relationships"), tenant.adminToken(), json("subject",
                raw(json("type", subjectType, "id", subject)), "relation", relation, "object",
                raw(json("type", "patient", "id", patient)), "expiresAt", until == null ? null : until.toString()));
        assertThat(written.status()).as(written.raw()).isEqualTo(201);
    }
}
