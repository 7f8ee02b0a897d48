package dev.gatehouse.server.alerts;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which webhook addresses a tenant may give: https anywhere, plain http only to this machine
 * (127.0.0.1, ::1, localhost), for tests and a local relay. An alert must not cross a network in
 * clear text.
 */
final class WebhookUrls {

    static final int MAX_LENGTH = 2000;
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "[::1]", "localhost");

    private WebhookUrls() {}

    /** Why {@code url} is refused, or empty when it is fine. */
    static Optional<String> problem(String url) {
        if (url.length() > MAX_LENGTH) {
            return Optional.of("at most " + MAX_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return Optional.of("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("must be an absolute https URL with a host, without user info or fragment");
        }
        if (scheme.equals("https") || scheme.equals("http") && LOOPBACK.contains(host)) {
            return Optional.empty();
        }
        return Optional.of("must be https (plain http only to 127.0.0.1, ::1 or localhost)");
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
