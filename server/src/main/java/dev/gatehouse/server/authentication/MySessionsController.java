package dev.gatehouse.server.authentication;

import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The API of the signed-in user's own sessions ({@link MySessions}). */
@RestController
@Validated
class MySessionsController {

    private final MySessions sessions;

    MySessionsController(MySessions sessions) {
        this.sessions = sessions;
    }

    @GetMapping("/api/v1/me/sessions")
    public Page<MySessions.SessionView> list(@AuthenticationPrincipal Caller caller,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        return sessions.list(caller, page, size);
    }

    @DeleteMapping("/api/v1/me/sessions/{id}")
    public ResponseEntity<Void> end(@AuthenticationPrincipal Caller caller, @PathVariable UUID id,
            Origin origin) {
        sessions.end(caller, id, origin);
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/api/v1/me/sessions")
    public ResponseEntity<Void> endOthers(@AuthenticationPrincipal Caller caller, Origin origin) {
        sessions.endOthers(caller, origin);
        return ResponseEntity.noContent().build();
    }
}
