package dev.gatehouse.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.client.FakeGatehouse.Response;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side of the client against a fake Gatehouse: bodies, problems, retries, credentials. */
class GatehouseClientTest {

    private static final String CHECK = FakeGatehouse.TENANT + "/check";
    private static final Map<String, Object> ALLOWED = Map.of("allowed", true,
            "reason", Map.of("code", "GRANTED_BY", "explanation", "role staff grants it"),
            "via", Map.of("role", "staff"));

    private FakeGatehouse server;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new FakeGatehouse();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private GatehouseClient.Builder client() {
        return GatehouseClient.builder().baseUrl(server.base()).apiKey("ghk_test").tenant("northside")
                .timeout(Duration.ofSeconds(5)).maxRetries(3).sleeper(waits::add);
    }

    @Test
    void sendsTheCheckAsTheCheckApiTakesItAndReadsTheAnswer() {
        server.on("POST", CHECK, request -> Response.json(200, ALLOWED));
        try (GatehouseClient client = client().build()) {
            CheckResult result = client.check(Check.of("dr.patel", "patients.read")
                    .on(ResourceRef.of("patient", "123").at("downtown").assignedTo("u1").attributes(Map.of("amount", 5)))
                    .ip("203.0.113.4").at(Instant.parse("2026-01-01T09:00:00Z")).fields("ssn").audit(true));

            assertThat(result.allowed()).isTrue();
            assertThat(result.code()).isEqualTo("GRANTED_BY");
            assertThat(result.explanation()).isEqualTo("role staff grants it");
            assertThat(result.via()).containsEntry("role", "staff");
            assertThat(result.answeredBy()).isEqualTo(Answered.SERVER);
        }
        FakeGatehouse.Request sent = server.requests("POST", CHECK).getFirst();
        assertThat(sent.header("Authorization")).isEqualTo("Bearer ghk_test");
        assertThat(Json.MAPPER.readValue(sent.body(), Json.TREE)).isEqualTo(Map.of(
                "user", "dr.patel", "permission", "patients.read",
                "resource", Map.of("type", "patient", "id", "123", "location", "downtown", "assignees", List.of("u1"),
                        "attributes", Map.of("amount", 5)),
                "context", Map.of("ip", "203.0.113.4", "time", "2026-01-01T09:00:00Z"),
                "audit", true, "fields", List.of("ssn")));
    }

    @Test
    void readsABatchWithAnUnknownUserAnsweredInPlace() {
        server.on("POST", CHECK + "/batch", request -> Response.json(200, Map.of("results", List.of(ALLOWED,
                Map.of("error", Map.of("status", 404, "detail", "user ghost does not exist in this tenant"))))));
        try (GatehouseClient client = client().build()) {
            List<BatchResult> results = client.checkBatch(List.of(Check.of("lee", "patients.read"),
                    Check.of("ghost", "patients.read")), true);

            assertThat(results.get(0).ok()).isTrue();
            assertThat(results.get(0).result().allowed()).isTrue();
            assertThat(results.get(1).ok()).isFalse();
            assertThat(results.get(1).error()).isEqualTo(new BatchResult.Error(404,
                    "user ghost does not exist in this tenant"));
        }
        assertThat(Json.MAPPER.readValue(server.requests("POST", CHECK + "/batch").getFirst().body(), Json.TREE))
                .containsEntry("audit", true);
    }

    @Test
    void mapsEachProblemStatusToItsExceptionWithTheFieldsNamed() {
        AtomicInteger status = new AtomicInteger();
        server.on("POST", CHECK, request -> new Response(status.get(), Map.of(), Json.MAPPER.writeValueAsString(Map.of(
                "title", "Refused", "status", status.get(), "detail", "why",
                "errors", List.of(Map.of("field", "user", "message", "is required"))))));
        try (GatehouseClient client = client().build()) {
            Map<Integer, Class<? extends GatehouseException>> expected = Map.of(400, InvalidRequestException.class,
                    401, UnauthenticatedException.class, 403, ForbiddenException.class, 404, NotFoundException.class,
                    409, GatehouseException.class);
            expected.forEach((code, type) -> {
                status.set(code);
                assertThatThrownBy(() -> client.check(Check.of("x", "patients.read")))
                        .isExactlyInstanceOf(type)
                        .satisfies(thrown -> {
                            GatehouseException problem = (GatehouseException) thrown;
                            assertThat(problem.status()).isEqualTo(code);
                            assertThat(problem.title()).isEqualTo("Refused");
                            assertThat(problem.detail()).isEqualTo("why");
                            assertThat(problem.errors()).containsExactly(new FieldError("user", "is required"));
                        });
            });
        }
        assertThat(server.requests("POST", CHECK)).as("no 4xx but 429 is retried").hasSize(5);
        assertThat(waits).isEmpty();
    }

    @Test
    void retriesA429AfterItsRetryAfterThenAnswers() {
        AtomicInteger calls = new AtomicInteger();
        server.on("POST", CHECK, request -> calls.incrementAndGet() == 1
                ? Response.problem(429, "Too many requests", "slow down", Map.of("Retry-After", "2"))
                : Response.json(200, ALLOWED));
        try (GatehouseClient client = client().build()) {
            assertThat(client.check(Check.of("lee", "patients.read")).allowed()).isTrue();
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void retriesA503WithGrowingJitteredBackoffUpToMaxRetries() {
        server.on("POST", CHECK, request -> Response.problem(503, "Unavailable", "restarting", Map.of()));
        try (GatehouseClient client = client().build()) {
            assertThatThrownBy(() -> client.check(Check.of("lee", "patients.read")))
                    .isInstanceOf(UnavailableException.class)
                    .extracting(thrown -> ((GatehouseException) thrown).status()).isEqualTo(503);
        }
        assertThat(server.requests("POST", CHECK)).hasSize(4);
        assertThat(waits).hasSize(3);
        for (int i = 0; i < waits.size(); i++) {
            long step = Transport.FIRST_BACKOFF.toMillis() << i;
            assertThat(waits.get(i).toMillis()).as("wait %d", i).isBetween(step / 2, step);
        }
    }

    @Test
    void givesUpOnA429WhoseRetryAfterOutlastsTheDeadline() {
        server.on("POST", CHECK, request -> Response.problem(429, "Too many requests", "slow down",
                Map.of("Retry-After", "120")));
        try (GatehouseClient client = client().deadline(Duration.ofSeconds(10)).build()) {
            assertThatThrownBy(() -> client.check(Check.of("lee", "patients.read")))
                    .isInstanceOfSatisfying(RateLimitedException.class,
                            limited -> assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(120)));
        }
        assertThat(server.requests("POST", CHECK)).hasSize(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void retriesARefusedConnectionThenSaysGatehouseIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (GatehouseClient client = client().baseUrl(URI.create("http://127.0.0.1:" + closedPort)).maxRetries(2)
                .build()) {
            assertThatThrownBy(() -> client.check(Check.of("lee", "patients.read")))
                    .isInstanceOfSatisfying(UnavailableException.class,
                            unreachable -> assertThat(unreachable.status()).isZero());
        }
        assertThat(waits).hasSize(2);
    }

    @Test
    void learnsItsTenantOnceFromMe() {
        server.on("GET", "/api/v1/me", request -> Response.json(200, Map.of("user", Map.of("id", "u"),
                "tenant", Map.of("id", "t", "slug", "northside"))));
        server.on("POST", CHECK, request -> Response.json(200, ALLOWED));
        try (GatehouseClient client = client().tenant(null).build()) {
            client.check(Check.of("lee", "patients.read"));
            client.check(Check.of("lee", "patients.read"));
            assertThat(client.tenant()).isEqualTo("northside");
        }
        assertThat(server.requests("GET", "/api/v1/me")).hasSize(1);
    }

    @Test
    void fetchesAClientCredentialsTokenOnceAndRenewsItShortlyBeforeItExpires() {
        AtomicInteger issued = new AtomicInteger();
        server.on("POST", "/oauth2/northside/token", request -> Response.json(200, Map.of(
                "access_token", "token-" + issued.incrementAndGet(), "token_type", "Bearer", "expires_in", 300)));
        server.on("POST", CHECK, request -> Response.json(200, ALLOWED));
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T09:00:00Z"));
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        try (GatehouseClient client = client().clock(clock).clientCredentials(
                server.base().resolve("/oauth2/northside/token"), "app client", "s3cret:", "gatehouse.api").build()) {
            client.check(Check.of("lee", "patients.read"));
            now.set(now.get().plusSeconds(200));
            client.check(Check.of("lee", "patients.read"));
            now.set(now.get().plusSeconds(80));
            client.check(Check.of("lee", "patients.read"));
        }
        List<FakeGatehouse.Request> tokens = server.requests("POST", "/oauth2/northside/token");
        assertThat(tokens).hasSize(2);
        assertThat(tokens.getFirst().header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("app+client:s3cret%3A".getBytes()));
        assertThat(tokens.getFirst().body()).isEqualTo("grant_type=client_credentials&scope=gatehouse.api");
        assertThat(server.requests("POST", CHECK)).extracting(request -> request.header("Authorization"))
                .containsExactly("Bearer token-1", "Bearer token-1", "Bearer token-2");
    }

    @Test
    void renewsARejectedClientCredentialsTokenOnce() {
        AtomicInteger issued = new AtomicInteger();
        server.on("POST", "/oauth2/northside/token", request -> Response.json(200, Map.of(
                "access_token", "token-" + issued.incrementAndGet(), "expires_in", 3600)));
        server.on("POST", CHECK, request -> "Bearer token-1".equals(request.header("Authorization"))
                ? Response.problem(401, "Unauthorized", "revoked", Map.of()) : Response.json(200, ALLOWED));
        try (GatehouseClient client = client().clientCredentials(server.base().resolve("/oauth2/northside/token"),
                "app", "secret").build()) {
            assertThat(client.check(Check.of("lee", "patients.read")).allowed()).isTrue();
        }
        assertThat(issued.get()).isEqualTo(2);
    }

    @Test
    void callsTheOtherEndpointsWithTheirBodies() {
        server.on("GET", FakeGatehouse.TENANT + "/who-can", request -> Response.json(200, Map.of("items",
                List.of(Map.of("user", Map.of("id", "u1", "username", "lee"), "via", Map.of("role", "staff"))),
                "page", 0, "size", 50, "total", 1)));
        server.on("GET", FakeGatehouse.TENANT + "/users/u1/permissions", request -> Response.json(200, Map.of(
                "permissions", List.of(Map.of("permission", "patients.read", "scope", "LOCATION", "locations",
                        List.of("l1"), "everywhere", false, "via", List.of("staff"), "conditions", List.of())))));
        server.on("POST", FakeGatehouse.TENANT + "/relationships", request -> Response.json(201, Map.of("id", "r1",
                "subject", Map.of("type", "user", "id", "u1"), "relation", "assigned_provider",
                "object", Map.of("type", "patient", "id", "123"), "createdAt", "2026-01-01T09:00:00Z")));
        server.on("DELETE", FakeGatehouse.TENANT + "/relationships/r1", request -> new Response(204, Map.of(), ""));
        server.on("POST", FakeGatehouse.TENANT + "/audit/events", request -> Response.json(201, Map.of("seq", 41)));
        server.on("POST", FakeGatehouse.TENANT + "/audit/events/batch",
                request -> Response.json(201, Map.of("seqs", List.of(42, 43))));
        try (GatehouseClient client = client().build()) {
            Page<Holder> holders = client.whoCan("patients.read", "l1", 0, 50);
            assertThat(holders.items()).containsExactly(new Holder(new Holder.UserRef("u1", "lee"),
                    Map.of("role", "staff")));
            assertThat(holders.total()).isEqualTo(1);
            assertThat(client.effectivePermissions("u1", "l1")).containsExactly(new EffectivePermissionView(
                    "patients.read", "LOCATION", List.of("l1"), false, List.of("staff"), List.of()));
            Relationship written = client.writeRelationship("u1", "assigned_provider", "patient", "123", null);
            assertThat(written.id()).isEqualTo("r1");
            client.deleteRelationship("r1");
            assertThat(client.recordAuditEvent(AuditEventRequest.of("PATIENT_VIEWED", "lee", "patient", "123")))
                    .isEqualTo(41);
            assertThat(client.recordAuditEvents(List.of(AuditEventRequest.of("PATIENT_VIEWED", "lee", "patient", "1"),
                    AuditEventRequest.of("PATIENT_VIEWED", "lee", "patient", "2").at("l1")))).containsExactly(42L, 43L);
        }
        assertThat(server.requests("GET", FakeGatehouse.TENANT + "/who-can").getFirst().query())
                .isEqualTo("permission=patients.read&location=l1&page=0&size=50");
        assertThat(Json.MAPPER.readValue(server.requests("POST", FakeGatehouse.TENANT + "/relationships").getFirst()
                .body(), Json.TREE)).isEqualTo(Map.of("subject", Map.of("type", "user", "id", "u1"),
                        "relation", "assigned_provider", "object", Map.of("type", "patient", "id", "123")));
        assertThat(Json.MAPPER.readValue(server.requests("POST", FakeGatehouse.TENANT + "/audit/events").getFirst()
                .body(), Json.TREE)).isEqualTo(Map.of("action", "PATIENT_VIEWED", "user", "lee",
                        "resource", Map.of("type", "patient", "id", "123")));
    }
}
