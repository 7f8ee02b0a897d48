package dev.gatehouse.server.oidcin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gatehouse.server.outbound.OutboundGuard;
import dev.gatehouse.server.outbound.OutboundHttp;
import dev.gatehouse.server.outbound.RefusedDestination;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fetches a provider's discovery document through the outbound guard and checks it: the issuer it
 * states must be the one configured, exactly (OpenID Connect DiscoveryDocuments §4.3, against a document
 * that impersonates another issuer), and every endpoint Gatehouse itself calls (token, JWK set,
 * userinfo) must pass the guard. Documents are cached for {@link #FRESH}: a provider's endpoints and
 * keys location change rarely, and a save or sign-in should not wait on it each time.
 */
@Component
class DiscoveryDocuments {

    static final Duration FRESH = Duration.ofMinutes(10);
    private static final int MAX_BYTES = 256 * 1024;

    /** Why a provider cannot be used, in words for the admin (a field error) or the sign-in page. */
    static final class Failed extends Exception {
        Failed(String message) {
            super(message);
        }
    }

    private final OutboundHttp http;
    private final OutboundGuard guard;
    private final JsonMapper json = JsonMapper.builder().build();
    private final Cache<String, Discovered> cache = Caffeine.newBuilder().maximumSize(10_000)
            .expireAfterWrite(FRESH).build();

    DiscoveryDocuments(OutboundHttp http, OutboundGuard guard) {
        this.http = http;
        this.guard = guard;
    }

    /** The issuer's document, from the cache while fresh. */
    Discovered of(String issuer) throws Failed {
        Discovered known = cache.getIfPresent(issuer);
        if (known != null) {
            return known;
        }
        Discovered fetched = fetch(issuer);
        cache.put(issuer, fetched);
        return fetched;
    }

    /** The issuer's document fetched now (a save checks the provider as it is), then cached. */
    Discovered fresh(String issuer) throws Failed {
        Discovered fetched = fetch(issuer);
        cache.put(issuer, fetched);
        return fetched;
    }

    private Discovered fetch(String issuer) throws Failed {
        String url = issuer + "/.well-known/openid-configuration";
        OutboundHttp.Response response;
        try {
            response = http.get(url, Map.of("Accept", "application/json"), MAX_BYTES);
        } catch (RefusedDestination e) {
            throw new Failed("cannot be called: " + e.reason());
        } catch (IOException e) {
            throw new Failed("did not answer at " + url + " (" + e.getMessage() + ")");
        }
        if (response.status() != 200) {
            throw new Failed("answered " + response.status() + " at " + url + ", not a discovery document");
        }
        JsonNode document;
        try {
            document = json.readTree(response.body());
        } catch (JacksonException e) {
            throw new Failed("answered with something that is not JSON at " + url);
        }
        Discovered discovered = document == null || !document.isObject() ? null : Discovered.of(document);
        if (discovered == null) {
            throw new Failed("has no valid discovery document at " + url + " (issuer, authorization_endpoint,"
                    + " token_endpoint and jwks_uri are required)");
        }
        if (!discovered.issuer().equals(issuer)) {
            throw new Failed("states another issuer in its discovery document (" + discovered.issuer() + ")");
        }
        called("token endpoint", discovered.tokenEndpoint());
        called("JWK set", discovered.jwksUri());
        if (discovered.userinfoEndpoint() != null) {
            called("userinfo endpoint", discovered.userinfoEndpoint());
        }
        browser("authorization endpoint", discovered.authorizationEndpoint());
        if (discovered.endSessionEndpoint() != null) {
            browser("end session endpoint", discovered.endSessionEndpoint());
        }
        return discovered;
    }

    /** Gatehouse calls it: the guard must let it through now (and checks again at every call). */
    private void called(String what, String url) throws Failed {
        Optional<String> problem = guard.problem(url);
        if (problem.isPresent()) {
            throw new Failed("has a " + what + " that cannot be called: " + url + " " + problem.get());
        }
    }

    /** The browser goes there, not Gatehouse: an http(s) URL without user info is all that is asked. */
    private static void browser(String what, @Nullable String url) throws Failed {
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new Failed("has an " + what + " that is not a URL");
        }
        if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                || uri.getRawUserInfo() != null || uri.getHost() == null) {
            throw new Failed("has an " + what + " that is not an http(s) URL");
        }
    }
}
