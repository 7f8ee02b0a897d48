package dev.gatehouse.server.edge;

import static dev.gatehouse.server.testing.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import dev.gatehouse.server.testing.SignedInTenant;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP edge as an attacker meets it: metrics only for the scraper's token, the API's security
 * headers on every answer (errors included), problem documents for what Tomcat, Spring Security's
 * firewall and Spring MVC refuse, plain pages for the console's paths, and duplicate keys refused.
 * Requests that an HTTP client would not send are written on a socket as they arrive in the wild.
 */
class EdgeIT extends IntegrationTest {

    private static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One answer read off the wire: status, headers (lower-case names) and body. */
    record Raw(int status, Map<String, String> headers, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    @Test
    void metricsAnswerOnlyTheScrapeTokenNotAnonymousCallersTenantUsersOrOperatorSessions() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");

        for (String token : new String[] {null, clinic.adminToken(), operatorToken(), "not-the-token",
            METRICS_TOKEN + "x"}) {
            Response refused = api.get("/actuator/prometheus", token);
            assertThat(refused.status()).as("token %s", token).isEqualTo(401);
            assertThat(refused.http().headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(refused.raw()).doesNotContain("jvm_").contains("GATEHOUSE_METRICS_TOKEN");
        }
        Response scraped = api.get("/actuator/prometheus", METRICS_TOKEN);
        assertThat(scraped.status()).isEqualTo(200);
        assertThat(scraped.raw()).contains("jvm_memory_used_bytes", "http_server_requests_seconds_count");
    }

    @Test
    void theInfoEndpointIsOffForTenantUsersAndOperatorsAlike() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");

        for (String token : new String[] {clinic.adminToken(), operatorToken()}) {
            Response info = api.get("/actuator/info", token);
            assertThat(info.status()).isEqualTo(404);
            assertThat(info.http().headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
        }
        assertThat(api.get("/actuator/info", null).status()).isEqualTo(401);
        assertThat(api.get("/actuator", operatorToken()).raw()).doesNotContain("/actuator/info");
    }

    @Test
    void healthAnswersAnyoneButOnlyWithItsStatus() {
        for (String path : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness"}) {
            Response health = api.get(path, null);
            assertThat(health.status()).as(path).isEqualTo(200);
            assertThat(health.text("/status")).isEqualTo("UP");
            assertThat(health.body().has("components")).as(path).isFalse();
            assertThat(health.body().has("details")).as(path).isFalse();
        }
    }

    @Test
    void everyApiAnswerCarriesTheApiPolicyAndNosniffErrorsIncluded() {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Map<String, Response> answers = new LinkedHashMap<>();
        answers.put("200 /api/v1/me", api.get("/api/v1/me", clinic.adminToken()));
        answers.put("401 /api/v1/me", api.get("/api/v1/me", null));
        answers.put("404 foreign tenant", api.get("/api/v1/tenants/no-such-tenant/users", clinic.adminToken()));
        answers.put("400 check", api.post(clinic.path("/check"), clinic.adminToken(), "{}"));
        answers.put("200 check", api.post(clinic.path("/check"), clinic.adminToken(), json("user", clinic.adminId(),
                "permission", "users.read")));
        answers.put("405", api.send("/api/v1/auth/login", null, request -> request.DELETE()));
        answers.put("404 unknown", api.get("/no/such/path", null));
        answers.put("health", api.get("/actuator/health", null));
        answers.put("metrics refused", api.get("/actuator/prometheus", null));
        answers.put("metrics", api.get("/actuator/prometheus", METRICS_TOKEN));
        answers.put("api-docs", api.apiDescription());
        answers.put("/error", api.get("/error", null));
        answers.forEach((what, answer) -> {
            assertThat(answer.http().headers().allValues("Content-Security-Policy")).as(what).containsExactly(API_POLICY);
            assertThat(answer.http().headers().allValues("X-Content-Type-Options")).as(what).containsExactly("nosniff");
        });
    }

    @Test
    void theConsoleAndSwaggerUiKeepPoliciesOfTheirOwn() {
        Response signIn = api.get("/console/sign-in", null);
        assertThat(signIn.status()).isEqualTo(200);
        assertThat(signIn.http().headers().allValues("Content-Security-Policy")).hasSize(1).first().asString()
                .startsWith("default-src 'none'; script-src 'self'; style-src 'self';").contains("frame-ancestors 'none'");

        Response swagger = api.get("/swagger-ui/index.html", null);
        assertThat(swagger.status()).isEqualTo(200);
        assertThat(swagger.http().headers().allValues("Content-Security-Policy")).containsExactly(
                SecurityHeaders.SWAGGER_POLICY);
        assertThat(swagger.http().headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            GET /api/v1/%2e%2e/x HTTP/1.1
            GET /api/v1/tenants/..%2f..%2fx HTTP/1.1
            GET /api/v1/a%2Fb HTTP/1.1
            GET /api/v1/a%5Cb HTTP/1.1
            GET /api/v1/a%00b HTTP/1.1
            GET /api/v1/tenants/[ HTTP/1.1
            GET /api/v1/tenants/a;b=c/users HTTP/1.1
            GET /api/v1/tenants/%ZZ HTTP/1.1
            """)
    void requestsRefusedBeforeAnyControllerAreProblemDocuments(String requestLine) {
        Raw answer = send(requestLine, "");
        assertProblem(requestLine, answer, 400);
    }

    @Test
    void aTooLongHeaderIsAProblemDocument() {
        Raw answer = send("GET /api/v1/me HTTP/1.1", "X-Padding: " + "a".repeat(20_000) + "\r\n");
        assertProblem("a 20 kB header", answer, 400);
    }

    @ParameterizedTest(name = "{0} {1} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
            GET    | /error                  |                          | 404
            GET    | /no/such/path           |                          | 404
            GET    | /api/v1/tenants         | Accept: application/xml  | 406
            DELETE | /api/v1/auth/login      |                          | 405
            POST   | /api/v1/auth/login      | Content-Type: text/plain | 415
            """)
    void springsOwnRefusalsAreProblemDocuments(String method, String path, String header, int status) {
        String extra = header == null ? "" : header + "\r\n";
        if (status == 406) {
            extra += "Authorization: Bearer " + operatorToken() + "\r\n";
        }
        if (method.equals("POST")) {
            extra += "Content-Length: 1\r\n";
        }
        Raw answer = send(method + " " + path + " HTTP/1.1", extra, method.equals("POST") ? "x" : "");
        assertProblem(method + " " + path, answer, status);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            GET /console/%2e%2e/x HTTP/1.1
            GET /console/a%2Fb HTTP/1.1
            """)
    void theConsolesPathsGetAPlainPageNotJsonNorTomcatsPage(String requestLine) {
        Raw answer = send(requestLine, "");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.headers().get("content-type")).startsWith("text/html");
        assertThat(answer.headers().get("content-security-policy")).isEqualTo(SecurityHeaders.ERROR_PAGE_POLICY);
        assertThat(answer.body()).contains("<h1>400 Bad request</h1>").doesNotContain("Tomcat").doesNotContain("<script");
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingTheField() {
        Response top = api.post("/api/v1/auth/login", null, """
                {"tenant": "platform", "username": "%s", "username": "someone-else", "password": "%s"}"""
                .formatted(OPERATOR, OPERATOR_PASSWORD));
        assertThat(top.status()).as(top.raw()).isEqualTo(400);
        assertThat(top.text("/errors/0/field")).isEqualTo("username");
        assertThat(top.text("/errors/0/message")).isEqualTo("is given more than once");

        Response nested = api.post("/api/v1/tenants", operatorToken(), """
                {"slug": "dupe-keys", "name": "D", "pack": "clinic",
                 "admin": {"username": "a", "username": "b", "firstName": "A", "lastName": "B"}}""");
        assertThat(nested.status()).as(nested.raw()).isEqualTo(400);
        assertThat(nested.text("/errors/0/field")).isEqualTo("admin.username");
        assertThat(api.get("/api/v1/tenants/dupe-keys", operatorToken()).status()).isEqualTo(404);

        // Bodies a controller reads itself are as strict: the operator's reason for break-glass.
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        Response reason = api.post(clinic.path("/users/" + clinic.adminId() + "/break-glass"), operatorToken(),
                "{\"reason\": \"ticket 1\", \"reason\": \"ticket 2\"}");
        assertThat(reason.status()).as(reason.raw()).isEqualTo(400);
        assertThat(reason.text("/errors/0/field")).isEqualTo("reason");
    }

    /**
     * An application's client keeps its connection for many checks: Tomcat's default closed it after 100 requests, so a
     * client checking flat out waited for a new connection on one check in a hundred — the p99 (issue 12;
     * docs/benchmarks.md, "Branch check12c"). 300 checks, one after the other on one socket, are all answered on it.
     */
    @Test
    void aClientsConnectionIsKeptForHundredsOfChecks() throws IOException {
        SignedInTenant clinic = SignedInTenant.create(api, operatorToken(), "clinic");
        byte[] body = ("{\"user\":\"" + clinic.adminId() + "\",\"permission\":\"patients.read\"}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] request = ("POST " + clinic.path("/check") + " HTTP/1.1\r\nHost: 127.0.0.1:" + port()
                + "\r\nAuthorization: Bearer " + clinic.adminToken() + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 300; i++) {
                out.write(request);
                out.write(body);
                out.flush();
                Raw answer = readOne(in);
                assertThat(answer.status()).as("check %s: %s", i, answer.body()).isEqualTo(200);
                assertThat(answer.headers().get("connection")).as("check %s", i).isNotEqualTo("close");
                assertThat(answer.json().has("allowed")).as("check %s", i).isTrue();
            }
        }
    }

    /** One answer of known length off a kept connection: the head up to its empty line, then Content-Length bytes. */
    private static Raw readOne(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection after: " + head);
            }
            head.append((char) b);
        }
        String[] lines = head.toString().split("\r\n");
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            names.putIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).strip());
        }
        byte[] content = in.readNBytes(Integer.parseInt(names.get("content-length")));
        return new Raw(Integer.parseInt(lines[0].substring(9, 12)), names, new String(content, StandardCharsets.UTF_8));
    }

    private static void assertProblem(String what, Raw answer, int status) {
        assertThat(answer.status()).as(what + ": " + answer.body()).isEqualTo(status);
        assertThat(answer.headers().get("content-type")).as(what).startsWith("application/problem+json");
        assertThat(answer.headers().get("content-security-policy")).as(what).isEqualTo(API_POLICY);
        assertThat(answer.headers().get("x-content-type-options")).as(what).isEqualTo("nosniff");
        JsonNode problem = answer.json();
        assertThat(problem.get("status").asInt()).as(what).isEqualTo(status);
        assertThat(problem.get("title").asString()).as(what).isNotBlank();
        assertThat(problem.get("type").asString()).as(what).startsWith("https://gatehouse.dev/problems/");
        assertThat(answer.body()).as(what).doesNotContain("Exception").doesNotContain("Tomcat").doesNotContain("at org.");
    }

    private Raw send(String requestLine, String headers) {
        return send(requestLine, headers, "");
    }

    /** Writes the request as given (no client normalises it) and reads the whole answer. */
    private Raw send(String requestLine, String headers, String body) {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1:" + port() + "\r\n" + headers + "Connection: close\r\n\r\n"
                    + body).getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = response.indexOf("\r\n\r\n");
            String[] lines = response.substring(0, end).split("\r\n");
            Map<String, String> names = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                names.putIfAbsent(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).strip());
            }
            String content = response.substring(end + 4);
            if ("chunked".equalsIgnoreCase(names.get("transfer-encoding"))) {
                content = dechunk(content);
            }
            return new Raw(Integer.parseInt(lines[0].substring(9, 12)), names, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
