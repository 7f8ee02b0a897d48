package dev.gatehouse.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The JSON bodies the client sends and the answers it reads, as docs/api.md and the server's controllers name them. */
final class Wire {

    private Wire() {}

    record CheckBody(String user, String permission, @Nullable ResourceBody resource, @Nullable ContextBody context,
            @Nullable Boolean audit, @Nullable List<String> fields) {
        static CheckBody of(Check check) {
            ResourceRef on = check.resource();
            ResourceBody resource = on == null ? null : new ResourceBody(on.type(), on.id(), on.location(), on.owner(),
                    on.assignees().isEmpty() ? null : on.assignees(), on.attributes().isEmpty() ? null : on.attributes());
            ContextBody context = check.ip() == null && check.at() == null ? null
                    : new ContextBody(check.ip(), check.at() == null ? null : check.at().toString());
            return new CheckBody(check.user(), check.permission(), resource, context, check.audit(), check.fields());
        }
    }

    record ResourceBody(String type, String id, @Nullable String location, @Nullable String owner,
            @Nullable List<String> assignees, @Nullable Map<String, Object> attributes) {}

    record ContextBody(@Nullable String ip, @Nullable String time) {}

    record BatchBody(List<CheckBody> checks, boolean audit) {}

    record BatchAnswer(List<Map<String, Object>> results) {}

    record PermissionsAnswer(List<EffectivePermissionView> permissions) {}

    record RelationshipBody(Relationship.Party subject, String relation, Relationship.Party object,
            @Nullable Instant expiresAt) {}

    record EventRecorded(long seq) {}

    record EventsBody(List<AuditEventRequest> events) {}

    record EventsRecorded(List<Long> seqs) {}

    record Me(Map<String, Object> tenant) {}

    /** A check's answer from its JSON tree ({@code {allowed, reason, via?, fields?}}). */
    @SuppressWarnings("unchecked")
    static CheckResult result(Map<String, Object> tree, Answered answeredBy) {
        return new CheckResult(Boolean.TRUE.equals(tree.get("allowed")), (Map<String, Object>) tree.get("reason"),
                (Map<String, Object>) tree.get("via"), (Map<String, Object>) tree.get("fields"), answeredBy);
    }

    /** One batch answer: a decision, or {@code {error: {status, detail}}}. */
    @SuppressWarnings("unchecked")
    static BatchResult batchResult(Map<String, Object> tree) {
        if (tree.get("error") instanceof Map<?, ?> error) {
            return new BatchResult(null, new BatchResult.Error(((Number) error.get("status")).intValue(),
                    String.valueOf(error.get("detail"))));
        }
        return new BatchResult(result(tree, Answered.SERVER), null);
    }

    static List<BatchResult> batchResults(BatchAnswer answer) {
        List<BatchResult> results = new ArrayList<>(answer.results().size());
        answer.results().forEach(tree -> results.add(batchResult(tree)));
        return results;
    }

    /** One path segment or query value, percent-encoded (a username may hold {@code @} or {@code +}). */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
