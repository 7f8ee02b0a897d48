package dev.gatehouse.server.oidc;

import dev.gatehouse.server.shared.FieldError;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a client's registration must satisfy, each failure naming its field. Redirect URIs are
 * compared exactly by the authorization server (OAuth 2.1 §2.3.1, no wildcards), so they must be
 * absolute, without a fragment (RFC 6749 §3.1.2) or user information, and https — except the
 * loopback http addresses native applications listen on (RFC 8252 §7.3).
 */
final class ClientRules {

    static final String AUTHORIZATION_CODE = "authorization_code";
    static final String REFRESH_TOKEN = "refresh_token";
    static final String CLIENT_CREDENTIALS = "client_credentials";
    static final Set<String> GRANT_TYPES = Set.of(AUTHORIZATION_CODE, REFRESH_TOKEN, CLIENT_CREDENTIALS);
    /** The scopes the provider knows: OpenID's, the roles claim, and calling Gatehouse's own API. */
    static final Set<String> SCOPES = Set.of("openid", "profile", "email", "roles", "gatehouse.api");
    static final int MAX_URIS = 20;
    static final int MAX_NAME = 200;

    private ClientRules() {}

    static @Nullable String name(@Nullable String name, List<FieldError> errors) {
        if (name == null || name.isBlank()) {
            errors.add(new FieldError("name", "is required"));
            return null;
        }
        if (name.strip().length() > MAX_NAME) {
            errors.add(new FieldError("name", "must be at most " + MAX_NAME + " characters"));
        }
        return name.strip();
    }

    static @Nullable String type(@Nullable String type, List<FieldError> errors) {
        if (type == null || !(type.equals(OAuthClient.CONFIDENTIAL) || type.equals(OAuthClient.PUBLIC))) {
            errors.add(new FieldError("type", "must be confidential or public"));
            return null;
        }
        return type;
    }

    static List<String> redirectUris(String field, @Nullable List<String> uris, List<FieldError> errors) {
        if (uris == null) {
            return List.of();
        }
        if (uris.size() > MAX_URIS) {
            errors.add(new FieldError(field, "at most " + MAX_URIS + " URIs"));
        }
        Set<String> kept = new LinkedHashSet<>();
        for (int i = 0; i < uris.size(); i++) {
            String uri = uris.get(i);
            String at = field + "[" + i + "]";
            String problem = uri == null ? "is required" : problem(uri);
            if (problem != null) {
                errors.add(new FieldError(at, problem));
            } else if (!kept.add(uri)) {
                errors.add(new FieldError(at, "is listed twice"));
            }
        }
        return List.copyOf(kept);
    }

    static List<String> grantTypes(@Nullable List<String> grants, List<FieldError> errors) {
        if (grants == null || grants.isEmpty()) {
            errors.add(new FieldError("grantTypes", "name at least one of authorization_code, refresh_token,"
                    + " client_credentials"));
            return List.of();
        }
        Set<String> kept = new LinkedHashSet<>();
        for (int i = 0; i < grants.size(); i++) {
            if (grants.get(i) == null || !GRANT_TYPES.contains(grants.get(i))) {
                errors.add(new FieldError("grantTypes[" + i + "]", "must be authorization_code, refresh_token or"
                        + " client_credentials"));
            } else {
                kept.add(grants.get(i));
            }
        }
        return List.copyOf(kept);
    }

    static List<String> scopes(@Nullable List<String> scopes, List<FieldError> errors) {
        if (scopes == null) {
            return List.of("openid");
        }
        Set<String> kept = new LinkedHashSet<>();
        for (int i = 0; i < scopes.size(); i++) {
            if (scopes.get(i) == null || !SCOPES.contains(scopes.get(i))) {
                errors.add(new FieldError("scopes[" + i + "]", "must be one of " + String.join(", ",
                        SCOPES.stream().sorted().toList())));
            } else {
                kept.add(scopes.get(i));
            }
        }
        return List.copyOf(kept);
    }

    /**
     * The rules across fields: a public client (a browser or native app, which cannot keep a
     * secret) never uses client credentials; a code flow needs a redirect URI; refresh tokens come
     * from a code flow; client credentials act as a service account, and only they do.
     */
    static void combination(String type, List<String> grants, List<String> redirectUris, boolean hasServiceAccount,
            List<FieldError> errors) {
        if (type.equals(OAuthClient.PUBLIC) && grants.contains(CLIENT_CREDENTIALS)) {
            errors.add(new FieldError("grantTypes", "a public client cannot use client_credentials: it has no secret"));
        }
        if (grants.contains(AUTHORIZATION_CODE) && redirectUris.isEmpty()) {
            errors.add(new FieldError("redirectUris", "authorization_code needs at least one redirect URI"));
        }
        if (grants.contains(REFRESH_TOKEN) && !grants.contains(AUTHORIZATION_CODE)) {
            errors.add(new FieldError("grantTypes", "refresh_token comes with authorization_code"));
        }
        if (grants.contains(CLIENT_CREDENTIALS) && !hasServiceAccount) {
            errors.add(new FieldError("serviceAccount", "client_credentials needs the service account whose identity"
                    + " its tokens carry"));
        }
        if (!grants.contains(CLIENT_CREDENTIALS) && hasServiceAccount) {
            errors.add(new FieldError("serviceAccount", "only a client with client_credentials acts as a service"
                    + " account"));
        }
    }

    /** Why {@code text} is not an exact redirect URI, or null when it is one. */
    static @Nullable String problem(String text) {
        if (text.contains("*")) {
            return "must be exact: no wildcards";
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return "is not a URI";
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            return "must be an absolute URI with a host";
        }
        if (uri.getRawFragment() != null || text.contains("#")) {
            return "must not have a fragment";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry user information";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return null;
        }
        if (scheme.equals("http") && isLoopback(uri.getHost())) {
            return null;
        }
        return "must be https (plain http only for 127.0.0.1, [::1] or localhost, RFC 8252)";
    }

    private static boolean isLoopback(String host) {
        return host.equals("127.0.0.1") || host.equals("[::1]") || host.equalsIgnoreCase("localhost");
    }

    static List<FieldError> errors() {
        return new ArrayList<>();
    }
}
