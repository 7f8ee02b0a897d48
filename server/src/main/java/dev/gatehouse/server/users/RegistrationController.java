package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.throttling.Throttle;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/auth/register} (unauthenticated; seed 003). The answer is the same 202
 * whether a tenant matched, the username or address was already taken, or nothing happened (ASVS
 * 6.3: no account enumeration); only a malformed request is a 400. Rate-limited per address, per
 * e-mail address and per tenant (the domain's, or the domain itself when no tenant lists it), so
 * that a 429 tells no more than a 202 (docs/security.md, "Throttling").
 */
@RestController
class RegistrationController {

    record Registration(@Nullable String email, @Nullable String username, @Nullable String firstName,
            @Nullable String lastName) {}

    record Accepted(String status, String detail) {}

    private static final Accepted ACCEPTED = new Accepted("ACCEPTED",
            "if your organisation uses Gatehouse with this e-mail domain, an invitation is on its way to you");

    private final SelfRegistration registration;
    private final Throttle throttle;

    RegistrationController(SelfRegistration registration, Throttle throttle) {
        this.registration = registration;
        this.throttle = throttle;
    }

    @PostMapping("/api/v1/auth/register")
    public ResponseEntity<Accepted> register(@RequestBody @Nullable Registration body, Origin origin) {
        if (body == null) {
            throw ApiException.badRequest("body", "must be a JSON object {email, username, firstName, lastName}");
        }
        AccountFields fields = new AccountFields();
        String username = fields.username("username", body.username());
        String firstName = fields.name("firstName", body.firstName());
        String lastName = fields.name("lastName", body.lastName());
        String email = fields.email("email", body.email());
        if (email == null && body.email() == null || body.email() != null && body.email().isBlank()) {
            fields.reject("email", "is required");
        }
        fields.throwIfAny();
        throttle.enter(new Throttle.Attempt(Throttle.Door.REGISTRATION, origin.ip(),
                registration.tenantFor(email).<Throttle.Tenant>map(Throttle.Tenant.Id::new)
                        .orElseGet(() -> new Throttle.Tenant.Unknown(SelfRegistration.domain(email))),
                email, origin.userAgent()));
        try {
            registration.register(new SelfRegistration.Applicant(email, username, firstName, lastName),
                    origin.ip(), origin.userAgent());
        } catch (DataIntegrityViolationException alreadyThere) {
            // A parallel registration won the username or address: the same answer as for any taken one.
        }
        return ResponseEntity.accepted().body(ACCEPTED);
    }
}
