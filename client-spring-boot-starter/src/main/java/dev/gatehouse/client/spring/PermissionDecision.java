package dev.gatehouse.client.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.security.authorization.AuthorizationResult;

/**
 * Gatehouse's answer to one {@link PermissionQuestion}, as Spring Security carries it: a denial thrown by the
 * authorization filter or the method interceptor holds it ({@code AuthorizationDeniedException}), so the
 * denial page and problem document can say what was refused and why, in Gatehouse's words.
 *
 * @param user the Gatehouse user asked about, null when nobody was signed in
 * @param code the decision's reason code ({@code NO_MATCHING_GRANT}, {@code STALE_DECISIONS}, …)
 * @param explanation the decision's explanation, one sentence for a person
 */
public record PermissionDecision(boolean granted, @Nullable String user, String permission, @Nullable String resourceType,
        @Nullable String resourceId, @Nullable String location, String code, String explanation)
        implements AuthorizationResult {

    static PermissionDecision of(PermissionQuestion question, @Nullable String user, boolean granted, String code,
            String explanation) {
        return new PermissionDecision(granted, user, question.permission(), question.resourceType(), question.resourceId(),
                question.location(), code, explanation);
    }

    static PermissionDecision denied(PermissionQuestion question, @Nullable String user, String code, String explanation) {
        return of(question, user, false, code, explanation);
    }

    @Override
    public boolean isGranted() {
        return granted;
    }

    /** What was asked, as {@link PermissionQuestion#describe()} words it. */
    public String asked() {
        return new PermissionQuestion(permission, resourceType, resourceId, location).describe();
    }
}
