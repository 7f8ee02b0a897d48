package dev.gatehouse.server.oidcin;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * What a provider's discovery document (OpenID Connect DiscoveryDocuments 1.0) says Gatehouse needs: where to
 * send the browser, where to exchange the code, its signing keys, userinfo, where to sign out, and
 * the ID token signature algorithms it uses. Stored in the provider's config under {@code discovered}
 * when it is saved (the console shows it); fetched again at use, cached for some minutes.
 */
record Discovered(String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri,
        @Nullable String userinfoEndpoint, @Nullable String endSessionEndpoint, List<String> signingAlgorithms,
        List<String> tokenAuthMethods) {

    static final String FIELD = "discovered";

    /** The document's fields, or null when one that is required is missing or not a string. */
    static @Nullable Discovered of(JsonNode document) {
        String issuer = text(document, "issuer");
        String authorization = text(document, "authorization_endpoint");
        String token = text(document, "token_endpoint");
        String jwks = text(document, "jwks_uri");
        if (issuer == null || authorization == null || token == null || jwks == null) {
            return null;
        }
        return new Discovered(issuer, authorization, token, jwks, text(document, "userinfo_endpoint"),
                text(document, "end_session_endpoint"), strings(document, "id_token_signing_alg_values_supported"),
                strings(document, "token_endpoint_auth_methods_supported"));
    }

    void writeTo(ObjectNode config) {
        ObjectNode node = config.putObject(FIELD);
        node.put("authorizationEndpoint", authorizationEndpoint);
        node.put("tokenEndpoint", tokenEndpoint);
        node.put("jwksUri", jwksUri);
        node.put("userinfoEndpoint", userinfoEndpoint);
        node.put("endSessionEndpoint", endSessionEndpoint);
        node.putArray("signingAlgorithms").addAll(signingAlgorithms.stream().map(StringNode::valueOf).toList());
    }

    private static @Nullable String text(JsonNode document, String name) {
        JsonNode node = document.get(name);
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }

    private static List<String> strings(JsonNode document, String name) {
        JsonNode node = document.get(name);
        if (node == null || !node.isArray()) {
            return List.of();
        }
        return node.valueStream().filter(JsonNode::isString).map(JsonNode::asString).toList();
    }
}
