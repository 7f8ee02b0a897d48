package dev.gatehouse.examples.clinic;

import dev.gatehouse.client.spring.GatehouseProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Gatehouse's API called as the signed-in person, with the access token Gatehouse issued to this
 * application ({@code gatehouse.api} scope). Answers are shown as they come, refusals included: the page
 * is where an administrator sees a locked account lose access.
 */
@Component
class GatehouseApi {

    /** The status and body of one call (public, with its methods: the page's expressions read them). */
    public record Answer(String call, int status, String body) {

        public boolean refused() {
            return status == 401 || status == 403;
        }
    }

    private final RestClient http;

    GatehouseApi(GatehouseProperties gatehouse) {
        this.http = RestClient.builder().baseUrl(gatehouse.url().toString()).build();
    }

    Answer me(OAuth2AccessToken token) {
        return http.get().uri("/api/v1/me")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token.getTokenValue())
                .exchange((request, response) -> new Answer("GET /api/v1/me", response.getStatusCode().value(),
                        read(response.getBody().readAllBytes())));
    }

    /** May the signed-in person ({@code user}, their own id) do {@code permission}? Asking about oneself needs no permission. */
    Answer check(OAuth2AccessToken token, String tenant, String user, String permission) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user);
        body.put("permission", permission);
        String path = "/api/v1/tenants/" + tenant + "/check";
        return http.post().uri("/api/v1/tenants/{tenant}/check", tenant)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token.getTokenValue())
                .contentType(MediaType.APPLICATION_JSON)
                .body(body)
                .exchange((request, response) -> new Answer("POST " + path, response.getStatusCode().value(),
                        read(response.getBody().readAllBytes())));
    }

    private static String read(byte[] body) throws IOException {
        return new String(body, StandardCharsets.UTF_8);
    }
}
