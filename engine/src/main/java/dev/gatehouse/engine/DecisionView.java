package dev.gatehouse.engine;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A decision as the check API answers it, and as the Java SDK answers the same question in process
 * (issue 14: the same decision, reason included): the server and the client serialise this one
 * record, so the two cannot drift: {@code {allowed, reason, via?}}. The reason is its
 * {@code code} and {@code explanation} plus the reason's own fields (for {@code SCOPE_MISS} the
 * scope held, {@code heldScope}); {@code via} says, for an allow, which role, assignment and grant
 * allowed it, and the role that declared the grant (the role itself or one it inherits from).
 */
public record DecisionView(boolean allowed, Map<String, Object> reason, @Nullable Via via, @Nullable FieldsView fields) {

    /**
     * The fields a check named, allowed and denied in the order asked, and why each denied one is
     * (its reason, as {@code reason} above).
     */
    public record FieldsView(List<String> allowed, List<String> denied, Map<String, Map<String, Object>> reasons) {
        public static FieldsView of(FieldDecisions decisions) {
            Map<String, Map<String, Object>> reasons = new LinkedHashMap<>();
            decisions.fields().forEach((field, decision) -> {
                if (!decision.allowed()) {
                    reasons.put(field, reason(decision.reason()));
                }
            });
            return new FieldsView(decisions.allowed(), decisions.denied(), reasons);
        }
    }

    public record Via(String role, AssignmentView assignment, GrantView grant, String declaredBy) {
        public static Via of(Reason.GrantedBy granted) {
            return new Via(granted.role(), AssignmentView.of(granted.assignment()), GrantView.of(granted.grant()),
                    granted.declaredBy());
        }
    }

    /** The same shape as the users API's assignments (docs/api.md). */
    public record AssignmentView(String id, String role, @Nullable String location, @Nullable Instant startsAt,
            @Nullable Instant expiresAt, String source) {
        public static AssignmentView of(Assignment assignment) {
            return new AssignmentView(assignment.id(), assignment.role(), assignment.location(), assignment.startsAt(),
                    assignment.expiresAt(), assignment.source().name());
        }
    }

    public record GrantView(String permission, String scope, @Nullable String condition) {
        public static GrantView of(Grant grant) {
            return new GrantView(grant.permission(), grant.scope().name(),
                    grant.condition() == null ? null : grant.condition().expression());
        }
    }

    public static DecisionView of(Decision decision) {
        Reason reason = decision.reason();
        Via via = reason instanceof Reason.GrantedBy granted ? Via.of(granted) : null;
        return new DecisionView(decision.allowed(), reason(reason), via, null);
    }

    /** A check that named fields: the permission's decision with each field's. */
    public static DecisionView of(FieldDecisions decisions) {
        DecisionView view = of(decisions.decision());
        return new DecisionView(view.allowed(), view.reason(), view.via(), FieldsView.of(decisions));
    }

    /** {@code {code, explanation, ...}}: the machine-readable fields after the two every reason has. */
    public static Map<String, Object> reason(Reason reason) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("code", reason.code());
        view.put("explanation", reason.explain());
        switch (reason) {
            case Reason.GrantedBy granted -> {
                view.put("role", granted.role());
                view.put("permission", granted.grant().permission());
                view.put("scope", granted.grant().scope().name());
                if (granted.through() != null) {
                    view.put("through", through(granted.through()));
                }
            }
            case Reason.NoMatchingGrant none -> view.put("permission", none.permission());
            case Reason.UnknownPermission unknown -> view.put("permission", unknown.permission());
            case Reason.BeyondCredential beyond -> {
                view.put("permission", beyond.permission());
                view.put("why", beyond.why());
            }
            case Reason.ScopeMiss miss -> {
                view.put("permission", miss.permission());
                view.put("heldScope", miss.held().name());
                view.put("role", miss.role());
                view.put("why", miss.why());
            }
            case Reason.ConditionFailed failed -> {
                view.put("permission", failed.permission());
                view.put("role", failed.role());
                view.put("condition", failed.condition().expression());
                view.put("why", failed.why());
            }
            case Reason.OutsideValidity outside -> {
                view.put("permission", outside.permission());
                view.put("assignment", AssignmentView.of(outside.assignment()));
                view.put("at", outside.at());
            }
            case Reason.InactiveSubject inactive -> {
                view.put("status", inactive.status().name());
                putIfPresent(view, "lockedUntil", inactive.lockedUntil());
            }
            case Reason.ExpiredSubject expired -> view.put("expiredAt", expired.expiredAt());
            case Reason.InactiveTenant tenant -> view.put("tenant", tenant.tenant());
            case Reason.ForeignProfile foreign -> view.put("tenant", foreign.tenant());
            case Reason.Covers covers -> view.put("target", covers.target());
            case Reason.Uncovered miss -> {
                view.put("target", miss.target());
                view.put("permission", miss.permission());
                view.put("scope", miss.scope().name());
                view.put("role", miss.role());
                putIfPresent(view, "location", miss.location());
            }
        }
        return view;
    }

    /**
     * The stored relationship that made the subject an assignee: {@code {kind: ASSIGNED|CARE_TEAM|SHARED,
     * relation, object: {type, id}, careTeam?: {id, name}, until?}}.
     */
    private static Map<String, Object> through(RelationPath path) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("kind", path.kind().name());
        view.put("relation", path.relation());
        view.put("object", Map.of("type", path.objectType(), "id", path.objectId()));
        if (path.careTeam() != null) {
            view.put("careTeam", path.careTeamName() == null ? Map.of("id", path.careTeam())
                    : Map.of("id", path.careTeam(), "name", path.careTeamName()));
        }
        putIfPresent(view, "until", path.until());
        return view;
    }

    private static void putIfPresent(Map<String, Object> view, String name, @Nullable Object value) {
        if (value != null) {
            view.put(name, value);
        }
    }
}
