package dev.gatehouse.server.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Verifies a retention archive the way an auditor does offline (docs/audit.md "Retention"): from the
 * file's lines alone and the tenant id in its name, recomputing each hash from the line's fields and
 * the previous line's hash, starting from the first line's {@code prevHash}.
 */
public final class OfflineArchive {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private OfflineArchive() {}

    /** The lines' sequence numbers, after checking that every line chains to the one before. */
    public static List<Long> verify(UUID tenant, List<String> lines) {
        List<Long> seqs = new ArrayList<>();
        byte @Nullable [] previous = null;
        for (String line : lines) {
            JsonNode event = JSON.readTree(line);
            byte[] prevHash = HexFormat.of().parseHex(event.get("prevHash").asString());
            if (previous != null && !java.util.Arrays.equals(previous, prevHash)) {
                throw new AssertionError("seq " + event.get("seq") + " does not follow the line before");
            }
            List<String> roles = new ArrayList<>();
            event.path("actor").path("roles").values().forEach(role -> roles.add(role.asString()));
            JsonNode target = event.path("target");
            AuditChain.Content content = new AuditChain.Content(tenant, event.get("seq").asLong(),
                    Instant.parse(event.get("at").asString()), event.get("action").asString(),
                    text(event.path("actor").path("id")) == null ? null
                            : UUID.fromString(text(event.path("actor").path("id"))),
                    text(event.path("actor").path("username")), roles, text(target.path("type")),
                    text(target.path("id")), text(target.path("name")), text(event.path("ip")),
                    text(event.path("userAgent")), AuditChain.canonicalJson(event.get("details").toString()));
            byte[] hash = AuditChain.hash(content, prevHash);
            if (!HexFormat.of().formatHex(hash).equals(event.get("hash").asString())) {
                throw new AssertionError("seq " + content.seq() + ": the recomputed hash differs");
            }
            previous = hash;
            seqs.add(content.seq());
        }
        return seqs;
    }

    private static @Nullable String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asString();
    }
}
