package dev.gatehouse.server.platform;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.authentication.Reauthentication;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Problems;
import dev.gatehouse.server.shared.TenantPaths;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an operator must show before reaching a tenant's user (docs/access-model.md: "their access
 * to a tenant's data is impersonation or break-glass, both audited"), in this order: that they are
 * an operator (a tenant's user naming their own tenant is told so with a 403; naming any other
 * tenant they get the 404 of every other tenant's path), the platform permission for
 * it (403, recorded as PERMISSION_DENIED in the platform's trail), a reason (400 naming
 * {@code reason}), a recent proof of their own factor (ASVS 7.5.1, as for other sensitive
 * operations), and a tenant that is not the platform itself. The tenant comes resolved from the path
 * ({@code PathTenant.For.OPERATOR}), so an unknown one answers 404 before any of these.
 */
@Component
class OperatorReach {

    /** Long enough for a ticket number and a sentence; an event, not a document. */
    static final int MAX_REASON = 500;

    /** A tenant and a user of it that an operator may act on, once the checks passed. */
    record Reached(TenantPaths.TenantRef tenant, UUID user, String reason) {}

    private final Access access;
    private final Reauthentication reauthentication;
    // As strict as the API's own reading (edge.EdgeConfiguration): a key given twice is refused.
    private final JsonMapper json = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    OperatorReach(Access access, Reauthentication reauthentication) {
        this.access = access;
        this.reauthentication = reauthentication;
    }

    /**
     * @param what the act, for a refusal to name ("start an impersonation")
     * @throws ApiException 404, 403, 400 or 403 as described above
     */
    Reached reach(Caller caller, String permission, String what, TenantPaths.TenantRef target, String user,
            @Nullable String body) {
        caller.refuseIfImpersonated(what);
        if (!caller.isPlatformOperator()) {
            throw notAnOperator(caller, what, target);
        }
        access.require(caller, permission, null);
        String reason = reason(body);
        reauthentication.require(caller);
        if (target.slug().equals(Caller.PLATFORM)) {
            throw ApiException.forbidden("platform operators are outside tenants and cannot " + what
                    + " on one another; this reaches tenants' users only");
        }
        return new Reached(target, userId(user), reason);
    }

    /**
     * A tenant's user naming their own tenant learns nothing by being told the truth: this is for
     * operators only. Any other tenant answers the 404 of every other tenant's path, so the refusal
     * still tells no one which tenants exist (the edge answered it for tenants the caller does not
     * reach; a child tenant their parent roles reach answers it here).
     */
    private static ApiException notAnOperator(Caller caller, String what, TenantPaths.TenantRef target) {
        if (!target.id().equals(caller.tenant())) {
            return ApiException.notFound("tenant " + target.slug());
        }
        return ApiException.forbidden("only platform operators may " + what + "; " + caller.username()
                + " is a user of tenant " + caller.tenantSlug() + ", whose admins lock, unlock, reset and end the"
                + " sessions of its users themselves");
    }

    /** The body's {@code reason}: required, a non-blank string of at most {@value #MAX_REASON} characters. */
    String reason(@Nullable String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest("reason", "is required: say why (a ticket, the user's request)");
        }
        JsonNode document;
        try {
            document = json.readTree(body);
        } catch (JacksonException e) {
            String duplicate = e instanceof StreamReadException read ? Problems.duplicateKey(read) : null;
            if (duplicate != null) {
                throw ApiException.badRequest(duplicate, "is given more than once");
            }
            throw ApiException.badRequest("body", "is not valid JSON");
        }
        if (!document.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object {\"reason\": \"...\"}");
        }
        for (String name : document.propertyNames()) {
            if (!name.equals("reason")) {
                throw ApiException.badRequest(name, "is not a field of this request; the only field is reason");
            }
        }
        JsonNode reason = document.path("reason");
        if (reason.isMissingNode() || reason.isNull()) {
            throw ApiException.badRequest("reason", "is required: say why (a ticket, the user's request)");
        }
        if (!reason.isString()) {
            throw ApiException.badRequest("reason", "must be a string");
        }
        String text = reason.asString().strip();
        if (text.isEmpty()) {
            throw ApiException.badRequest("reason", "must not be blank");
        }
        if (text.codePointCount(0, text.length()) > MAX_REASON) {
            throw ApiException.badRequest("reason", "must be at most " + MAX_REASON + " characters");
        }
        return text;
    }

    /** A user id of the path; anything but a UUID names no user (404, like an unknown one). */
    private static UUID userId(String user) {
        return Ids.inPath(user, "user");
    }
}
