package dev.gatehouse.examples.clinic;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * What the clinic's administrator copies from Gatehouse when registering the application: the tenant's
 * issuer ({@code {publicUrl}/oauth2/{tenant}}), the client id, the secret of a confidential client (none for
 * a public one, which then proves its requests with PKCE alone), and the id of the location the demo
 * patients are kept at (none: they are asked about without a location). Set as {@code CLINIC_ISSUER},
 * {@code CLINIC_CLIENT_ID}, {@code CLINIC_CLIENT_SECRET}, {@code CLINIC_LOCATION}; Gatehouse's own URL and the
 * API key are the starter's ({@code gatehouse.url}, {@code gatehouse.api-key}).
 */
@ConfigurationProperties("clinic")
public record ClinicProperties(URI issuer, String clientId, @Nullable String clientSecret, @Nullable String location) {

    public ClinicProperties {
        if (clientSecret != null && clientSecret.isBlank()) {
            clientSecret = null;
        }
        if (location != null && location.isBlank()) {
            location = null;
        }
    }

    boolean confidential() {
        return clientSecret != null;
    }
}
