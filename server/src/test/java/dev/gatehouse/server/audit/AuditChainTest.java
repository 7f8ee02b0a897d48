package dev.gatehouse.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AuditChainTest {

    private static final UUID TENANT = UUID.fromString("00000000-0000-0000-0000-000000000001");

    private static AuditChain.Content event(String username, List<String> roles, String details) {
        return new AuditChain.Content(TENANT, 7, Instant.parse("2026-11-21T07:00:00.123456789Z"), "USER_CREATED",
                null, username, roles, "user", "u1", null, "203.0.113.1", null, details);
    }

    @Test
    void detailsAreCanonicalWhateverTheKeyOrderAndNumberSpelling() {
        String canonical = AuditChain.canonicalJson("{\"b\": {\"y\": 1, \"x\": [2.50, true, null]}, \"a\": \"é\"}");
        assertThat(canonical).isEqualTo("{\"a\":\"é\",\"b\":{\"x\":[2.50,true,null],\"y\":1}}");
        assertThat(AuditChain.canonicalJson(canonical)).isEqualTo(canonical);
        assertThat(AuditChain.canonicalDetails(Map.of("ratio", 0.5, "n", 3))).isEqualTo("{\"n\":3,\"ratio\":0.5}");
    }

    @Test
    void theTimeIsHashedWithExactlyMicrosecondPrecision() {
        String text = new String(AuditChain.canonical(event("ann", List.of(), "{}")), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).contains("2026-11-21T07:00:00.123456Z");
        assertThat(AuditChain.truncate(Instant.parse("2026-11-21T07:00:00.123456789Z")))
                .isEqualTo(Instant.parse("2026-11-21T07:00:00.123456Z"));
    }

    @Test
    void fieldBoundariesCannotBeShiftedToForgeTheSameForm() {
        byte[] oneRole = AuditChain.canonical(event("ann", List.of("a,b"), "{}"));
        byte[] twoRoles = AuditChain.canonical(event("ann", List.of("a", "b"), "{}"));
        assertThat(oneRole).isNotEqualTo(twoRoles);
        byte[] absent = AuditChain.canonical(new AuditChain.Content(TENANT, 1, Instant.EPOCH, "A", null, null,
                List.of(), null, "", null, null, null, "{}"));
        byte[] shifted = AuditChain.canonical(new AuditChain.Content(TENANT, 1, Instant.EPOCH, "A", null, null,
                List.of(), "", null, null, null, null, "{}"));
        assertThat(absent).isNotEqualTo(shifted);
    }

    @Test
    void theHashCoversTheContentAndThePreviousHash() {
        AuditChain.Content content = event("ann", List.of("owner"), "{}");
        byte[] first = AuditChain.hash(content, AuditChain.ZERO);
        assertThat(first).hasSize(32).isEqualTo(AuditChain.hash(content, new byte[32]));
        assertThat(AuditChain.hash(content, first)).isNotEqualTo(first);
        assertThat(AuditChain.hash(event("ann2", List.of("owner"), "{}"), AuditChain.ZERO)).isNotEqualTo(first);
        assertThat(HexFormat.of().formatHex(first)).hasSize(64);
    }

    @Test
    void controlCharactersBecomeSpaces() {
        assertThat(AuditChain.clean("a\r\nb\u0000c\u007fd\u2029e\tf")).isEqualTo("a  b c d e f");
        assertThat(AuditChain.clean(null)).isNull();
        assertThat(AuditChain.clean("\u0085c1 \u2028ls \u009f")).isEqualTo(" c1  ls  ");
        String clean = "plain text, \u00e9 \u540d \uD83D\uDE00 and a\u00a0no-break space";
        assertThat(AuditChain.clean(clean)).isSameAs(clean);
        assertThat(AuditChain.canonicalJson("{\"k\\n\": \"v\\r\\n\"}")).isEqualTo("{\"k \":\"v  \"}");
    }
}
