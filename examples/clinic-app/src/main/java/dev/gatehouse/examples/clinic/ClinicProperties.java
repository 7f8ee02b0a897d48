package dev.gatehouse.examples.clinic;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the clinic's administrator copies from Gatehouse when registering the application: the tenant's
 * issuer ({@code {publicUrl}/oauth2/{tenant}}), the client id, the secret of a confidential client (none for
 * a public one, which then proves its requests with PKCE alone), and Gatehouse's base URL for its API.
 * Set as {@code CLINIC_ISSUER}, {@code CLINIC_CLIENT_ID}, {@code CLINIC_CLIENT_SECRET}, {@code CLINIC_GATEHOUSE}.
 */
@ConfigurationProperties("clinic")
public record ClinicProperties(URI issuer, String clientId, @Nullable String clientSecret, URI gatehouse) {

    public ClinicProperties {
        if (clientSecret != null && clientSecret.isBlank()) {
            clientSecret = null;
        }
    }

    boolean confidential() {
        return clientSecret != null;
    }
}
