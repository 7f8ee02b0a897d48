package dev.gatehouse.server.audittrail;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.audit.ChainPurge;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PathTenant.For;
import dev.gatehouse.server.shared.PathTenant;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import dev.gatehouse.server.users.UserStore;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail (docs/api.md, "Audit"): search it newest first by sequence, export it oldest
 * first, and let an application record who accessed which of its records.
 */
@RestController
class AuditController {

    record ResourceRequest(
            @NotBlank @Size(max = 64) String type,
            @NotBlank @Size(max = 200) String id,
            @Nullable @Size(max = 200) String location) {}

    record EventRequest(
            @NotBlank @Size(max = AuditFilter.MAX_ACTION) @Pattern(regexp = "[A-Z][A-Z0-9]*(_[A-Z0-9]+)*",
                    message = "an UPPER_SNAKE action name") String action,
            @NotBlank @Size(max = 64) String user,
            @NotNull @Valid ResourceRequest resource,
            @Nullable Map<String, Object> details) {}

    record EventRecorded(long seq) {}

    /** Up to {@value #MAX_BATCH} events, appended together or not at all. */
    record BatchRequest(@NotNull @Size(min = 1, max = MAX_BATCH) List<@NotNull @Valid EventRequest> events) {}

    record BatchRecorded(List<Long> seqs) {}

    /** Events one batch may carry: one request, one lock of the chain head, one commit. */
    static final int MAX_BATCH = 1000;

    /** Serialised size allowed for an application's details: an event, not a document store. */
    static final int MAX_DETAILS = 8192;

    /**
     * Gatehouse's own actions (docs/api.md): an application may not write them, so such an event in
     * the trail always comes from Gatehouse itself.
     */
    static final Set<String> RESERVED = Set.of("USER_CREATED", "USER_UPDATED", "USER_LOCKED", "USER_UNLOCKED",
            "USER_DISABLED", "USER_ENABLED", "USER_DELETED", "LOGIN_SUCCEEDED", "LOGIN_FAILED", "LOCKED_OUT", "LOGOUT",
            "PASSWORD_CHANGED", "PASSWORD_RESET", "INVITATION_SENT", "ROLE_CREATED", "ROLE_UPDATED", "ROLE_DELETED",
            "ROLE_ASSIGNED", "ROLE_REVOKED", "PERMISSION_DENIED", "SESSION_REVOKED", "SETTINGS_CHANGED",
            "MFA_ENABLED", "MFA_DISABLED", "RECOVERY_CODES_REGENERATED", "IMPERSONATION_STARTED", "BREAK_GLASS",
            "AUDIT_EXPORTED",
            "IMPERSONATION_ENDED",
            "TENANT_CREATED", "LOCATION_CREATED", "LOCATION_UPDATED", "LOCATION_DELETED", "PERMISSION_REGISTERED",
            "PASSWORD_RESET_REQUESTED", "REAUTHENTICATED", "MFA_ENROLMENT_STARTED", "MFA_CHALLENGE_ISSUED",
            "MFA_CODE_SENT", "MFA_RESET", "SIGN_IN_REFUSED_IP", "REQUEST_REFUSED_IP", "OUTBOX_MESSAGE_READ",
            ChainPurge.CHECKPOINT, "ALERT_RAISED", "ALERT_SETTINGS_CHANGED", "ALERT_WEBHOOK_FAILED",
            "ALERT_WEBHOOK_SECRET_ROTATED", "USER_AVAILABILITY_CHANGED", "USER_PHOTO_CHANGED",
            "USER_PHOTO_REMOVED", "TENANT_UPDATED", "USERS_EXPORTED", "REQUEST_THROTTLED", "API_KEY_CREATED",
            "API_KEY_ROTATED", "API_KEY_REVOKED",
            // issue 13, access reviews
            "ACCESS_REVIEW_CREATED", "ACCESS_REVIEW_DECIDED", "ACCESS_REVIEW_REMINDED", "ACCESS_REVIEW_COMPLETED",
            // issue 13, temporary access
            "DELEGATION_CREATED", "DELEGATION_ENDED", "ELEVATION_REQUESTED", "ELEVATION_APPROVED", "ELEVATION_DENIED",
            "ELEVATION_USED",
            // issue 15, LDAP sync
            "LDAP_SYNC_COMPLETED", "LDAP_SYNC_FAILED",
            // issue 13, clinical break-glass
            "BREAK_GLASS_REVIEWED", "BREAK_GLASS_ENDED",
            // issue 15, device awareness
            "NEW_DEVICE_SIGN_IN", "SESSION_DEVICE_MISMATCH", "DEVICE_FORGOTTEN",
            // issue 15, passkeys
            "PASSKEY_REGISTERED", "PASSKEY_RENAMED", "PASSKEY_REMOVED",
            // issue 16, signup: domain mappings and the approval queue
            "DOMAIN_MAPPING_CREATED", "DOMAIN_MAPPING_CHANGED", "DOMAIN_MAPPING_DELETED", "REGISTRATION_REQUESTED",
            "REGISTRATION_APPROVED", "REGISTRATION_REJECTED", "ROLE_REQUESTED", "ROLE_REQUEST_APPROVED",
            "ROLE_REQUEST_REJECTED",
            // issue 16, tenant lifecycle
            "TENANT_SUSPENDED", "TENANT_REACTIVATED", "TENANT_MOVED", "TENANT_DELETED",
            // issue 16, consoleplus: platform mail settings, outbox retries, test alerts
            "PLATFORM_SMTP_SETTINGS_CHANGED", "PLATFORM_SMTP_TEST_MAIL", "OUTBOX_MESSAGE_RETRIED", "ALERT_TEST_REQUESTED",
            // issue 16, compliance reports
            "REPORT_REQUESTED", "REPORT_GENERATED", "REPORT_FAILED", "REPORT_DOWNLOADED", "REPORT_SCHEDULE_CREATED",
            "REPORT_SCHEDULE_UPDATED",
            "REPORT_SCHEDULE_DELETED");

    private final Access access;
    private final Actors actors;
    private final AuditTrail trail;
    private final AuditEvents events;
    private final UserStore users;
    private final JsonMapper json = JsonMapper.builder().build();

    AuditController(Access access, Actors actors, AuditTrail trail, AuditEvents events,
            UserStore users) {
        this.access = access;
        this.actors = actors;
        this.trail = trail;
        this.events = events;
        this.users = users;
    }

    @GetMapping("/api/v1/tenants/{tenant}/audit")
    AuditTrail.AuditPage search(@AuthenticationPrincipal Caller caller, AuditFilters filters,
            @RequestParam(required = false) @Nullable @Min(1) Long before,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size, @PathTenant(For.TRAIL) TenantId tenant) {
        return trail.search(caller, tenant, filters, before, size);
    }

    /** The platform's own trail, for operators with {@code platform.audit.read} (docs/api.md, "Tenants (lifecycle)"). */
    @GetMapping("/api/v1/platform/audit")
    AuditTrail.AuditPage platform(@AuthenticationPrincipal Caller caller, AuditFilters filters,
            @RequestParam(required = false) @Nullable @Min(1) Long before,
            @RequestParam(defaultValue = "50") @Min(1) @Max(200) int size) {
        return trail.searchPlatform(caller, filters, before, size);
    }

    /**
     * Streams the matching events oldest first, written straight to the response as rows arrive
     * from a database cursor. The AUDIT_EXPORTED event is committed first; the export holds the
     * events before it, a consistent cut however long the download takes.
     */
    @GetMapping("/api/v1/tenants/{tenant}/audit/export")
    void export(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "csv") String format,
            AuditFilters filters, Origin origin, HttpServletResponse response, @PathTenant(For.TRAIL) TenantId tenant)
            throws IOException {
        try (AuditTrail.Download download = trail.export(caller, tenant, format, filters, actors.actor(caller), origin)) {
            response.setStatus(200);
            response.setContentType(download.mediaType() + ";charset=UTF-8");
            response.setHeader("Content-Disposition", "attachment; filename=\"" + download.fileName() + "\"");
            download.writeTo(response.getOutputStream());
        }
    }

    /**
     * Records an application's data access (seed 000: who accessed which patient records and
     * when). The caller must hold {@code access.check}, the permission applications hold to ask
     * Gatehouse about their users; the packs have no narrower one. The event's actor is the named
     * user with the roles they hold now; the application is kept in {@code details.recordedBy}.
     */
    @PostMapping("/api/v1/tenants/{tenant}/audit/events")
    ResponseEntity<EventRecorded> record(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody EventRequest body, HttpServletRequest request,
            @PathTenant TenantPaths.TenantRef tenant) {
        access.require(caller, "access.check", null);
        AuditLog.Entry entry = new Entries(caller, tenant.id(), request).entry(body, "");
        long seq = events.record(tenant.id(), List.of(entry)).getFirst();
        return ResponseEntity.created(URI.create("/api/v1/tenants/" + tenant.slug() + "/audit?before=" + (seq + 1)
                + "&size=1"))
                .body(new EventRecorded(seq));
    }

    /**
     * Records many data-access events in one request: an application that logs every record view
     * sends them in batches rather than one request each. Every event is checked first; one bad
     * event (named as {@code events[i].field}) and none is recorded. Their sequence numbers are
     * consecutive, in the order sent.
     */
    @PostMapping("/api/v1/tenants/{tenant}/audit/events/batch")
    ResponseEntity<BatchRecorded> recordBatch(@AuthenticationPrincipal Caller caller,
            @Valid @RequestBody BatchRequest body, HttpServletRequest request, @PathTenant TenantId id) {
        access.require(caller, "access.check", null);
        Entries entries = new Entries(caller, id, request);
        List<AuditLog.Entry> batch = new ArrayList<>(body.events().size());
        for (int i = 0; i < body.events().size(); i++) {
            batch.add(entries.entry(body.events().get(i), "events[" + i + "]."));
        }
        // No Location: a batch can be larger than one page of the trail.
        return ResponseEntity.status(HttpStatus.CREATED).body(new BatchRecorded(events.record(id, batch)));
    }

    /** Turns an application's requests into events, looking each user up once per request. */
    private final class Entries {

        private final Caller caller;
        private final TenantId tenant;
        private final @Nullable String ip;
        private final @Nullable String userAgent;
        private final Map<String, AuditLog.Actor> byUser = new HashMap<>();

        Entries(Caller caller, TenantId tenant, HttpServletRequest request) {
            this.caller = caller;
            this.tenant = tenant;
            this.ip = Origin.of(request).ip();
            this.userAgent = Origin.of(request).userAgent();
        }

        /**
         * @throws ApiException 400 naming the field (after {@code prefix}) that is not acceptable
         */
        AuditLog.Entry entry(EventRequest body, String prefix) {
            if (RESERVED.contains(body.action())) {
                throw ApiException.badRequest(prefix + "action", "is one of Gatehouse's own actions");
            }
            AuditLog.Actor actor = byUser.get(body.user());
            if (actor == null) {
                actor = actor(body.user(), prefix);
                byUser.put(body.user(), actor);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            if (body.details() != null) {
                for (String reserved : List.of("recordedBy", "location", "impersonatedBy")) {
                    if (body.details().containsKey(reserved)) {
                        throw ApiException.badRequest(prefix + "details." + reserved, "is set by Gatehouse");
                    }
                }
                body.details().forEach((key, value) -> {
                    if (AuditLog.looksSecret(key, value)) {
                        throw ApiException.badRequest(prefix + "details." + key, "a name ending in password, token, "
                                + "secret, code or hash would put a secret in the audit trail: choose another name");
                    }
                });
                if (json.writeValueAsString(body.details()).length() > MAX_DETAILS) {
                    throw ApiException.badRequest(prefix + "details", "at most " + MAX_DETAILS + " characters of JSON");
                }
                details.putAll(body.details());
            }
            if (body.resource().location() != null) {
                details.put("location", body.resource().location());
            }
            Map<String, Object> recordedBy = new LinkedHashMap<>();
            recordedBy.put("id", caller.userId().toString());
            recordedBy.put("username", caller.username());
            if (!Actors.via(caller).isEmpty()) {
                recordedBy.put("via", Actors.via(caller));
            }
            details.put("recordedBy", recordedBy);
            if (caller.impersonatedBy() != null) {
                // The application's session is an operator's impersonation: the event names them (AuditLog).
                actor = new AuditLog.Actor(actor.id(), actor.username(), actor.roles(), caller.impersonatedBy());
            }
            return new AuditLog.Entry(body.action(), actor,
                    new AuditLog.Target(body.resource().type(), body.resource().id(), null), ip, userAgent, details);
        }

        /** The named user with the roles they hold now. */
        private AuditLog.Actor actor(String user, String prefix) {
            UUID userId = access.findUser(tenant, user)
                    .orElseThrow(() -> ApiException.badRequest(prefix + "user", "no such user in this tenant"));
            String username = users.username(tenant, userId)
                    .orElseThrow(() -> ApiException.badRequest(prefix + "user", "no such user in this tenant"));
            return actors.of(tenant, userId, username);
        }
    }
}
