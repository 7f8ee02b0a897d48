package dev.gatehouse.client.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.client.GatehouseClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.web.csrf.MissingCsrfTokenException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A denial answered to a browser and to an API client, and reported to Gatehouse's audit when asked to: the
 * batch the client sends is read back from a fake Gatehouse.
 */
class DenialResponsesTest {

    private static final PermissionDecision REFUSED_CHART = new PermissionDecision(false, "7d9e5c1a-0000-4000-8000-000000000001",
            "patients.read", "patient", "123", "00000000-0000-4000-8000-00000000d0d0", "SCOPE_MISS",
            "dr.patel holds provider only at Uptown, and patient 123 is at Downtown.");

    private final FakeGatehouseServer server = FakeGatehouseServer.start();
    private final GatehouseClient client = GatehouseClient.builder().baseUrl(server.url())
            .apiKey("ghk_test").tenant(FakeGatehouseServer.TENANT).maxRetries(0).build();

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void anApiClientGetsAProblemWithTheExplanationAndCode() throws Exception {
        MockHttpServletResponse response = handle(new DenialResponses("the practice manager", null), "application/json",
                new AuthorizationDeniedException("Access Denied", REFUSED_CHART));

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        JsonNode problem = JsonMapper.builder().build().readTree(response.getContentAsString());
        assertThat(problem.path("detail").asString()).isEqualTo("dr.patel holds provider only at Uptown, and patient 123 is at Downtown.");
        assertThat(problem.path("code").asString()).isEqualTo("SCOPE_MISS");
        assertThat(problem.path("instance").asString()).isEqualTo("/patients/123");
    }

    @Test
    void aBrowserGetsAPageSayingWhatWhyAndWhomToAskEscaped() throws Exception {
        PermissionDecision scripted = new PermissionDecision(false, "u", "patients.read", null, null, null, "NO_MATCHING_GRANT",
                "<script>alert(1)</script> holds no role that grants patients.read.");
        MockHttpServletResponse response = handle(new DenialResponses("Dr <Who>", null), "text/html,*/*;q=0.8",
                new AuthorizationDeniedException("Access Denied", scripted));

        assertThat(response.getContentType()).startsWith("text/html");
        assertThat(response.getContentAsString())
                .contains("<p id=\"denied-what\">You asked for <code>GET /patients/123</code>, which needs <code>patients.read</code>.</p>")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt; holds no role that grants patients.read.")
                .contains("ask Dr &lt;Who&gt; for a role that grants <code>patients.read</code>")
                .doesNotContain("<script>");
    }

    @Test
    void aDenialThatIsNotGatehousesIsAnsweredTooAndNotReported() throws Exception {
        DenialReports reports = new DenialReports(client, Duration.ofHours(1));
        MockHttpServletResponse response = handle(new DenialResponses("the practice manager", reports), "application/json",
                new MissingCsrfTokenException(null));
        reports.sendQueued();

        assertThat(response.getStatus()).isEqualTo(403);
        JsonNode problem = JsonMapper.builder().build().readTree(response.getContentAsString());
        assertThat(problem.path("detail").asString()).startsWith("The request was refused: ");
        assertThat(problem.has("code")).isFalse();
        assertThat(server.auditBatches()).isEmpty();
        reports.close();
    }

    @Test
    void withReportingOnEachDenialIsRecordedInTheAuditInABatch() throws Exception {
        try (DenialReports reports = new DenialReports(client, Duration.ofHours(1))) {
            DenialResponses denials = new DenialResponses("the practice manager", reports);
            handle(denials, "application/json", new AuthorizationDeniedException("Access Denied", REFUSED_CHART));
            handle(denials, "text/html", new AuthorizationDeniedException("Access Denied", REFUSED_CHART));
            assertThat(server.auditBatches()).as("queued, not sent on the request's thread").isEmpty();

            reports.sendQueued();

            assertThat(server.auditBatches()).hasSize(1);
            JsonNode events = JsonMapper.builder().build().readTree(server.auditBatches().getFirst()).path("events");
            assertThat(events).hasSize(2);
            JsonNode event = events.get(0);
            assertThat(event.path("action").asString()).isEqualTo(DenialReports.ACTION);
            assertThat(event.path("user").asString()).isEqualTo(REFUSED_CHART.user());
            assertThat(event.path("resource").path("type").asString()).isEqualTo("patient");
            assertThat(event.path("resource").path("id").asString()).isEqualTo("123");
            assertThat(event.path("resource").path("location").asString()).isEqualTo(REFUSED_CHART.location());
            assertThat(event.path("details").path("permission").asString()).isEqualTo("patients.read");
            assertThat(event.path("details").path("reason").asString()).isEqualTo("SCOPE_MISS");
            assertThat(event.path("details").path("route").asString()).isEqualTo("GET /patients/123");
        }
    }

    @Test
    void aUserTheTenantDoesNotHaveIsNotReportedForTheAuditWouldRefuseTheBatch() throws Exception {
        PermissionDecision unknown = new PermissionDecision(false, "ghost", "patients.read", null, null, null, Gatehouse.UNKNOWN_USER,
                "Gatehouse does not know ghost in this organisation.");
        try (DenialReports reports = new DenialReports(client, Duration.ofHours(1))) {
            MockHttpServletResponse response = handle(new DenialResponses("the practice manager", reports), "application/json",
                    new AuthorizationDeniedException("Access Denied", unknown));
            reports.sendQueued();

            assertThat(response.getStatus()).isEqualTo(403);
            assertThat(server.auditBatches()).isEmpty();
        }
    }

    @Test
    void withReportingOffNothingIsSent() throws Exception {
        handle(new DenialResponses("the practice manager", null), "application/json",
                new AuthorizationDeniedException("Access Denied", REFUSED_CHART));
        assertThat(server.auditBatches()).isEmpty();
    }

    @Test
    void gatehouseRefusingTheReportNeitherFailsTheRequestNorTheSender() throws Exception {
        server.auditAnswers(503);
        try (DenialReports reports = new DenialReports(client, Duration.ofHours(1))) {
            MockHttpServletResponse response = handle(new DenialResponses("the practice manager", reports), "application/json",
                    new AuthorizationDeniedException("Access Denied", REFUSED_CHART));
            reports.sendQueued();

            assertThat(response.getStatus()).isEqualTo(403);
            assertThat(server.auditBatches()).hasSize(1);
            server.auditAnswers(201);
            handle(new DenialResponses("the practice manager", reports), "application/json",
                    new AuthorizationDeniedException("Access Denied", REFUSED_CHART));
            reports.sendQueued();
            assertThat(server.auditBatches()).as("the next batch is sent").hasSize(2);
        }
    }

    private static MockHttpServletResponse handle(DenialResponses denials, String accept, AccessDeniedException denied) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/patients/123");
        request.addHeader("Accept", accept);
        MockHttpServletResponse response = new MockHttpServletResponse();
        denials.handle(request, response, denied);
        return response;
    }
}
