package dev.gatehouse.server.users;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.throttling.Throttle;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/auth/register} (unauthenticated; seed 003; issue 16 adds the optional
 * {@code tenant}, a slug, for a tenant's open registration, seed 002). The answer is the same 202
 * whether a tenant matched, the registration waits for approval, the username or address was
 * already taken, or nothing happened (ASVS 6.3: no account enumeration); only a malformed request
 * is a 400. Rate-limited per address, per
 * e-mail address and per tenant (the domain's, or the domain itself when no tenant lists it), so
 * that a 429 tells no more than a 202 (docs/security.md, "Throttling").
 */
@RestController
class RegistrationController {

    record Registration(@Nullable String email, @Nullable String username, @Nullable String firstName,
            @Nullable String lastName, @Nullable String tenant) {}

    record Accepted(String status, String detail) {}

    private static final Accepted ACCEPTED = new Accepted("ACCEPTED",
            "if this organisation takes registrations from your address, a message is on its way to you: an"
                    + " invitation to choose a password, or word that an administrator approves your registration first");

    private final SelfRegistration registration;
    private final Throttle throttle;

    RegistrationController(SelfRegistration registration, Throttle throttle) {
        this.registration = registration;
        this.throttle = throttle;
    }

    @PostMapping("/api/v1/auth/register")
    public ResponseEntity<Accepted> register(@RequestBody @Nullable Registration body, Origin origin) {
        if (body == null) {
            throw ApiException.badRequest("body", "must be a JSON object {email, username, firstName, lastName, tenant?}");
        }
        AccountFields fields = new AccountFields();
        String username = fields.username("username", body.username());
        String firstName = fields.name("firstName", body.firstName());
        String lastName = fields.name("lastName", body.lastName());
        String email = fields.email("email", body.email());
        if (email == null && body.email() == null || body.email() != null && body.email().isBlank()) {
            fields.reject("email", "is required");
        }
        if (body.tenant() != null && (body.tenant().isBlank() || body.tenant().length() > 100)) {
            fields.reject("tenant", "must be a tenant's slug, or left out");
        }
        fields.throwIfAny();
        // An unknown or closed tenant is no different from one without open registration: the same 202.
        TenantId named = registration.named(body.tenant()).orElse(null);
        throttle.enter(new Throttle.Attempt(Throttle.Door.REGISTRATION, origin.ip(),
                registration.tenantFor(email, named).<Throttle.Tenant>map(Throttle.Tenant.Id::new)
                        .orElseGet(() -> new Throttle.Tenant.Unknown(body.tenant() != null ? body.tenant().strip()
                                : SelfRegistration.domain(email))),
                email, origin.userAgent()));
        if (body.tenant() != null && named == null) {
            // A tenant named but unknown (or not active) takes nobody: never fall back to another tenant's domains.
            return ResponseEntity.accepted().body(ACCEPTED);
        }
        try {
            registration.register(new SelfRegistration.Applicant(email, username, firstName, lastName), named,
                    origin.ip(), origin.userAgent());
        } catch (DataIntegrityViolationException alreadyThere) {
            // A parallel registration won the username or address: the same answer as for any taken one.
        }
        return ResponseEntity.accepted().body(ACCEPTED);
    }
}
