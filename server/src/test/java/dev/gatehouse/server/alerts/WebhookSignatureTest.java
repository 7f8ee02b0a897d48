package dev.gatehouse.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The webhook signature docs/audit.md tells receivers to check; the expected value is openssl's. */
class WebhookSignatureTest {

    private static final String BODY = "{\"id\":\"a1\",\"rule\":\"breakGlass\"}";

    @Test
    void signsTimestampDotBodyWithTheSecretAsShown() {
        // printf '%s' '1767225600.{"id":"a1","rule":"breakGlass"}' | openssl dgst -sha256 -hmac 'whsec_test'
        assertThat(WebhookSignature.sign("whsec_test", 1767225600L, BODY))
                .isEqualTo("sha256=3430d2762d857ada72a68e749169d6584b3df1b41c4bfe0bb64ea5d1fe131bec");
    }

    @Test
    void anotherTimestampOrSecretGivesAnotherSignature() {
        String signature = WebhookSignature.sign("whsec_test", 1767225600L, BODY);

        assertThat(WebhookSignature.sign("whsec_test", 1767225601L, BODY)).isNotEqualTo(signature);
        assertThat(WebhookSignature.sign("whsec_other", 1767225600L, BODY)).isNotEqualTo(signature);
    }
}
