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
 * access token issued to this application. {@code /api/whoami} answers for whom it was issued from the token
 * alone (its roles are those held at issue); {@code /api/patients} needs {@code patients.read}, decided in
 * process by the starter, so a revoked role refuses it within a second although the token lives on.
 */
@RestController
class ClinicApi {

    private final Patients patients;

    ClinicApi(Patients patients) {
        this.patients = patients;
    }

    @GetMapping("/api/patients")
    List<Patients.Patient> patients() {
        return patients.all();
    }

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
