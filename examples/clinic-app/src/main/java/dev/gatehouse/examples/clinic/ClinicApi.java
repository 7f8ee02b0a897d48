package dev.gatehouse.examples.clinic;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The clinic application's own API, for its other parts (a mobile app, a scheduler): it takes a Gatehouse
 * access token issued to this application and answers for whom it was issued. No call to Gatehouse: the
 * token is checked against the issuer's keys alone, which is why revocation reaches this API only when the
 * token expires, while Gatehouse's own API refuses it at once.
 */
@RestController
class ClinicApi {

    @GetMapping("/api/whoami")
    Map<String, Object> whoami(@AuthenticationPrincipal Jwt token) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("subject", token.getSubject());
        answer.put("tenant", token.getClaimAsString("tenant"));
        answer.put("username", token.getClaimAsString("preferred_username"));
        answer.put("roles", token.getClaims().getOrDefault("roles", List.of()));
        answer.put("scope", token.getClaimAsString("scope"));
        answer.put("expiresAt", token.getExpiresAt());
        return answer;
    }
}
