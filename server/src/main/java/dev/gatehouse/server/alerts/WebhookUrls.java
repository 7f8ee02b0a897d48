package dev.gatehouse.server.alerts;

import dev.gatehouse.server.outbound.OutboundGuard;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Which webhook addresses a tenant may give: what the outbound guard lets through (https to a
 * public address, plain http only where the operator allows it; package outbound), at most
 * {@value #MAX_LENGTH} characters and without a fragment, which is never sent.
 */
final class WebhookUrls {

    static final int MAX_LENGTH = 2000;

    private WebhookUrls() {}

    /** Why {@code url} is refused, or empty when it is fine (resolving its host now). */
    static Optional<String> problem(String url, OutboundGuard guard) {
        if (url.length() > MAX_LENGTH) {
            return Optional.of("at most " + MAX_LENGTH + " characters");
        }
        try {
            if (new URI(url).getRawFragment() != null) {
                return Optional.of("must not have a fragment (#...); it is never sent");
            }
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        return guard.problem(url);
    }

    /**
     * Scheme, host and port only: what the audit trail keeps of a webhook address. Many receivers
     * put a credential in the path or query (chat hooks do), and the trail carries no secrets.
     */
    static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT)
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }
}
