package dev.gatehouse.server.alerts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a receiver knows a webhook call came from Gatehouse and is fresh (docs/audit.md, "Verifying a
 * webhook call"): {@code HMAC-SHA256(secret, timestamp + "." + body)} in hex, the key being the
 * secret exactly as shown (its UTF-8 bytes) and the timestamp Unix seconds, sent as
 * {@link #TIMESTAMP_HEADER} and {@link #SIGNATURE_HEADER} ({@code sha256=<hex>}). Signing the
 * timestamp lets the receiver refuse old calls replayed by someone who captured one.
 */
final class WebhookSignature {

    static final String TIMESTAMP_HEADER = "X-Gatehouse-Timestamp";
    static final String SIGNATURE_HEADER = "X-Gatehouse-Signature";
    static final String DELIVERY_HEADER = "X-Gatehouse-Delivery";

    private WebhookSignature() {}

    /** The {@link #SIGNATURE_HEADER} value for {@code body} sent at {@code timestamp}. */
    static String sign(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
