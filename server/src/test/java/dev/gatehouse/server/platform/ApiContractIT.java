package dev.gatehouse.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.server.testing.ApiClient.Response;
import dev.gatehouse.server.testing.IntegrationTest;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

/**
 * The fixed part of the HTTP API (docs/api.md) is a contract: every path and method listed there
 * is served, as the running server describes itself at /v3/api-docs; and operators can watch it.
 */
class ApiContractIT extends IntegrationTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            POST   | /api/v1/tenants
            GET    | /api/v1/tenants
            GET    | /api/v1/tenants/{tenant}
            GET    | /api/v1/tenants/{tenant}/settings
            PATCH  | /api/v1/tenants/{tenant}/settings
            POST   | /api/v1/auth/login
            POST   | /api/v1/auth/logout
            GET    | /api/v1/me
            POST   | /api/v1/me/password
            POST   | /api/v1/auth/tokens/accept
            POST   | /api/v1/tenants/{tenant}/users
            GET    | /api/v1/tenants/{tenant}/users
            GET    | /api/v1/tenants/{tenant}/users/{id}
            PATCH  | /api/v1/tenants/{tenant}/users/{id}
            DELETE | /api/v1/tenants/{tenant}/users/{id}
            POST   | /api/v1/tenants/{tenant}/users/{id}/lock
            POST   | /api/v1/tenants/{tenant}/users/{id}/unlock
            POST   | /api/v1/tenants/{tenant}/users/{id}/disable
            POST   | /api/v1/tenants/{tenant}/users/{id}/enable
            POST   | /api/v1/tenants/{tenant}/users/{id}/password-reset
            POST   | /api/v1/tenants/{tenant}/users/{id}/invitation
            GET    | /api/v1/tenants/{tenant}/users/{id}/roles
            POST   | /api/v1/tenants/{tenant}/users/{id}/roles
            DELETE | /api/v1/tenants/{tenant}/users/{id}/roles/{assignmentId}
            GET    | /api/v1/tenants/{tenant}/users/{id}/permissions
            GET    | /api/v1/tenants/{tenant}/users/{id}/sessions
            DELETE | /api/v1/tenants/{tenant}/users/{id}/sessions
            GET    | /api/v1/tenants/{tenant}/permissions
            GET    | /api/v1/tenants/{tenant}/roles
            POST   | /api/v1/tenants/{tenant}/roles
            GET    | /api/v1/tenants/{tenant}/roles/{key}
            PUT    | /api/v1/tenants/{tenant}/roles/{key}
            DELETE | /api/v1/tenants/{tenant}/roles/{key}
            GET    | /api/v1/tenants/{tenant}/locations
            POST   | /api/v1/tenants/{tenant}/locations
            GET    | /api/v1/tenants/{tenant}/locations/{id}
            PATCH  | /api/v1/tenants/{tenant}/locations/{id}
            DELETE | /api/v1/tenants/{tenant}/locations/{id}
            POST   | /api/v1/tenants/{tenant}/check
            POST   | /api/v1/tenants/{tenant}/check/batch
            GET    | /api/v1/tenants/{tenant}/who-can
            """)
    void servesEveryFixedPathOfTheContract(String method, String path) {
        Response docs = api.apiDescription();
        assertThat(docs.status()).isEqualTo(200);
        JsonNode paths = docs.body().at("/paths");
        String described = paths.propertyNames().stream()
                .filter(served -> normalise(served).equals(normalise(path))).findFirst().orElse(null);
        assertThat(described).as("%s is described at /v3/api-docs", path).isNotNull();
        assertThat(paths.get(described).has(method.toLowerCase(Locale.ROOT)))
                .as("%s %s is served", method, path).isTrue();
    }

    @Test
    void reportsHealthWithoutSigningInAndPrometheusMetricsToTheScraper() {
        Response health = api.get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text("/status")).isEqualTo("UP");

        api.get("/api/v1/me", null); // at least one request to count
        Response metrics = api.get("/actuator/prometheus", METRICS_TOKEN);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.raw()).contains("http_server_requests_seconds_count", "jvm_memory_used_bytes");
    }

    /** Path variables may be named differently in the code ({userId} for {id}); the shape must match. */
    private static String normalise(String path) {
        return path.replaceAll("\\{[^}]+}", "{}");
    }
}
