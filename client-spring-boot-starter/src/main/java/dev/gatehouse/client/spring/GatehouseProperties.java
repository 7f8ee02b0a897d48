package dev.gatehouse.client.spring;

import dev.gatehouse.client.WhenStale;
import java.net.URI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The starter's settings, under {@code gatehouse.*}: where Gatehouse is and with which API key the application
 * asks it (the key needs {@code access.check}), how in-process decisions behave when the change stream is down,
 * and whether denials are reported to Gatehouse's audit (seed 002 §7.4). Only {@code gatehouse.url} is required:
 * the tenant is learnt from the key when not given.
 *
 * @param url Gatehouse's base URL, e.g. {@code https://gatehouse.example.org}
 * @param apiKey the application's API key ({@code ghk_…}); without one the client cannot ask about users
 * @param tenant the tenant's slug; when absent, the key's own tenant
 * @param timeout how long one call to Gatehouse may take
 * @param maxRetries how often a call refused with 429 or 503, or not connected, is tried again
 * @param local in-process decisions
 * @param reportDenials whether each denial the starter answers is recorded in Gatehouse's audit
 * @param denialContact whom the denial page tells a person to ask for access
 * @param resourceServer the Gatehouse-issued access tokens the application's API accepts
 */
@ConfigurationProperties("gatehouse")
public record GatehouseProperties(
        URI url,
        @Nullable String apiKey,
        @Nullable String tenant,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("3") int maxRetries,
        @DefaultValue Local local,
        @DefaultValue("false") boolean reportDenials,
        @DefaultValue("your administrator") String denialContact,
        @DefaultValue ResourceServer resourceServer) {

    public GatehouseProperties {
        if (apiKey != null && apiKey.isBlank()) {
            apiKey = null;
        }
        if (tenant != null && tenant.isBlank()) {
            tenant = null;
        }
    }

    /**
     * In-process decisions ({@code gatehouse.local.*}).
     *
     * @param enabled decide in this JVM with the tenant's policy kept fresh by the change stream; when false every
     *         decision is an HTTP check
     * @param stalenessBound how long the stream may be silent before decisions stop being made in process
     * @param whenStale what a decision is then: {@code FAIL_CLOSED} (a deny saying why) or {@code HTTP} (asked over HTTP)
     */
    public record Local(@DefaultValue("true") boolean enabled, @DefaultValue("10s") Duration stalenessBound,
            @DefaultValue("FAIL_CLOSED") WhenStale whenStale) {}

    /**
     * The access tokens accepted when the application is an OAuth2 resource server
     * ({@code gatehouse.resource-server.*}).
     *
     * @param issuer the tokens' {@code iss}; by default {@code {url}/oauth2/{tenant}}, which differs only when
     *         Gatehouse's public URL is not the one the application reaches it at
     * @param audience when set, a token must name it in {@code aud} (the OAuth client it was issued to)
     */
    public record ResourceServer(@Nullable URI issuer, @Nullable String audience) {}
}
