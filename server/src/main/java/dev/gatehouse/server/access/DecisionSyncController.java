package dev.gatehouse.server.access;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What the Java SDK keeps its in-process decisions with (issue 14, docs/changes.md): the tenant's
 * policy and one user as the engine sees them, and the stream of changes that make its copies stale.
 * Each needs {@code access.check}, the permission that lets an application ask about other users.
 */
@RestController
class DecisionSyncController {

    private final Access access;
    private final DecisionDocuments documents;
    private final ChangeStreams streams;

    DecisionSyncController(Access access, DecisionDocuments documents, ChangeStreams streams) {
        this.access = access;
        this.documents = documents;
        this.streams = streams;
    }

    @Operation(summary = "The tenant's policy, as the engine is built from it", description = """
            {version, tenant: {id, slug, key}, active, timeZone, permissions, roles, locations}: the permission \
            catalog, the roles with their inheritance and grants (scope, condition), and the location tree, in the \
            order the server's engine is built in. version is the tenant's change-log version read before the data: \
            every change the document may lack arrives on GET …/changes with a higher version. Needs access.check.""")
    @GetMapping("/api/v1/tenants/{tenant}/decisions/policy")
    DecisionDocuments.PolicyDocument policy(@AuthenticationPrincipal Caller caller, @PathTenant TenantId tenant) {
        access.require(caller, CheckController.ASK_ABOUT_OTHERS, null);
        return documents.policy(tenant, caller.tenantSlug());
    }

    @Operation(summary = "One user, as the engine sees them", description = """
            {version, id, username, status, lockedUntil, expiresAt, assignments, relations: {tuples, careTeams}} for \
            the user named by id or username: their assignments (a delegation carries its lender as they stand, \
            with the lender's own assignments) and the stored relationships that make them an assignee. An unknown \
            user is a 404 naming `user`. Needs access.check.""")
    @GetMapping("/api/v1/tenants/{tenant}/decisions/subjects/{user}")
    DecisionDocuments.SubjectDocument subject(@AuthenticationPrincipal Caller caller, @PathVariable String user,
            @PathTenant TenantId tenant) {
        access.require(caller, CheckController.ASK_ABOUT_OTHERS, null);
        return access.findUser(tenant, user).flatMap(id -> documents.subject(tenant, id))
                .orElseThrow(() -> CheckController.unknownUser("user", user));
    }

    @Operation(summary = "The changes that can alter decisions (server-sent events)", description = """
            text/event-stream. First `hello` {version}: the tenant's newest version. With ?since=<version> (or the \
            Last-Event-ID header; the query wins): every change after it, then live ones; or `reset` {version} when \
            the server no longer holds them all (pruned, or since is ahead): drop every cached copy and reload. Each \
            change: id <version>, `change` {version, kind: POLICY|SUBJECT|RELATIONS, user}. `heartbeat` {version} \
            every gatehouse.changes.heartbeat (5 s); the stream ends when the credential stops working or loses \
            access.check. Needs access.check; a tenant over its cap of open streams on a server gets 429 with \
            Retry-After.""")
    @GetMapping("/api/v1/tenants/{tenant}/changes")
    SseEmitter changes(@AuthenticationPrincipal Caller caller, @RequestParam(required = false) @Nullable String since,
            @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId,
            @PathTenant TenantId tenant, HttpServletRequest request) {
        access.require(caller, CheckController.ASK_ABOUT_OTHERS, null);
        return streams.open(caller, request, resumeFrom(since, lastEventId));
    }

    /** The version to resume after: the query's, else the header's, else none (live only). */
    private static @Nullable Long resumeFrom(@Nullable String since, @Nullable String lastEventId) {
        if (since != null) {
            return version("since", since);
        }
        if (lastEventId != null) {
            return version("Last-Event-ID", lastEventId);
        }
        return null;
    }

    private static long version(String field, String text) {
        try {
            long version = Long.parseLong(text.strip());
            if (version >= 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(field, "must be a version: a whole number, 0 or more");
    }
}
