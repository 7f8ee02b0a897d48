package dev.gatehouse.server.shared;

import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * A user of a parent tenant acting in one of its children in this request: set by
 * {@link TenantPaths} once the engine let them in, read by the audit trail, which names the
 * parent beside the actor in the child's trail and writes each event to the parent's trail too.
 * Request-scoped, so it ends with the request.
 *
 * @param home the actor's own tenant (the parent or an ancestor)
 * @param child the tenant acted in
 */
public record ChildActing(TenantId home, String homeSlug, TenantId child, String childSlug, UUID user) {

    private static final String ATTRIBUTE = ChildActing.class.getName();

    /** The act of this request, if a parent user is acting in a child; null outside a request. */
    public static @Nullable ChildActing current() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        return request == null ? null
                : (ChildActing) request.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
    }

    void remember() {
        RequestAttributes request = RequestContextHolder.getRequestAttributes();
        if (request != null) {
            request.setAttribute(ATTRIBUTE, this, RequestAttributes.SCOPE_REQUEST);
        }
    }
}
