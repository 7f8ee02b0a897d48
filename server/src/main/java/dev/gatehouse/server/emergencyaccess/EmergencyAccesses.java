package dev.gatehouse.server.emergencyaccess;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.relationships.Relationship;
import dev.gatehouse.server.relationships.Relationship.Party;
import dev.gatehouse.server.relationships.Relationships;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TooManyRequests;
import dev.gatehouse.server.throttling.CredentialLimits;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Clinical break-glass (issue 13; docs/api.md, "Temporary access"; seed 000 "Break-glass access ...
 * fully audited"). A clinician holding {@code break_glass.open} opens emergency access to one
 * resource with a reason: a {@code user shared_with type:id} relationship until now plus the
 * tenant's {@code breakGlass.minutes}, so the engine lets their {@code ASSIGNED} grants reach that
 * resource and no other. Opening is audited as {@code BREAK_GLASS} with {@code kind: "clinical"} (the
 * action docs/api.md reserves; the operator's account unlock writes it without a kind), which the
 * {@code clinicalBreakGlass} alert rule tells the tenant's admins at once. Someone else holding
 * {@code break_glass.review} who covers the clinician reviews it once ({@code BREAK_GLASS_REVIEWED});
 * not justified ends the access at once. The clinician may end it early ({@code BREAK_GLASS_ENDED}).
 */
@Service
public class EmergencyAccesses {

    public static final String OPEN = "break_glass.open";
    public static final String REVIEW = "break_glass.review";

    /** A reason a reviewer can judge: "emergency" alone is not one. */
    static final int MIN_REASON = 10;
    static final int MAX_REASON = 1000;
    static final int MAX_NOTE = 2000;

    /**
     * Openings per user per hour. An emergency is one patient, or a handful in a mass-casualty
     * event; more than ten in an hour is a clinician using the tool to browse, which the review
     * queue would then have to absorb. Spent only by openings that were allowed.
     */
    static final int OPENINGS_PER_HOUR = 10;

    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@~/+=-]{0,199}");

    /** {@code resource} of the request; every part may be missing, and is then a 400 naming it. */
    public record ResourceRequest(@Nullable String type, @Nullable String id, @Nullable String location) {}

    /** {@code POST …/break-glass}. */
    public record OpenRequest(@Nullable ResourceRequest resource, @Nullable String reason) {}

    /** {@code POST …/break-glass/{id}/review}. */
    public record ReviewRequest(@Nullable String outcome, @Nullable String note) {}

    private final EmergencyAccessStore store;
    private final Relationships relationships;
    private final Access access;
    private final Actors actors;
    private final AuditLog audit;
    private final TenantSettingsStore settings;
    private final CredentialLimits limits;
    private final UserStore users;
    private final Clock clock;

    EmergencyAccesses(EmergencyAccessStore store, Relationships relationships, Access access, Actors actors,
            AuditLog audit, TenantSettingsStore settings, CredentialLimits limits, UserStore users, Clock clock) {
        this.store = store;
        this.relationships = relationships;
        this.access = access;
        this.actors = actors;
        this.audit = audit;
        this.settings = settings;
        this.limits = limits;
        this.users = users;
        this.clock = clock;
    }

    /** The tenant's break-glass settings, for a form that shows how long access would last. */
    public TenantSettings.BreakGlass settings(Caller caller) {
        return settings.of(caller.tenant()).breakGlass();
    }

    /** Whether the caller may open emergency access anywhere (the console offers the form only then). */
    public boolean mayOpen(Caller caller) {
        return settings(caller).enabled() && access.allows(caller, OPEN, null);
    }

    /** Whether the caller reviews others' emergency access somewhere (the console shows the queue only then). */
    public boolean mayReview(Caller caller) {
        return access.allows(caller, REVIEW, null);
    }

    /**
     * Opens emergency access for the caller, a signed-in person (never an API key or an operator's
     * impersonation): the share, its row and its audit event in one transaction.
     *
     * @throws ApiException 403 when break-glass is turned off or the caller lacks {@code break_glass.open}
     *     there; 400 naming the field; 409 when the caller already has access to it; 429 past
     *     {@link #OPENINGS_PER_HOUR}
     */
    @Transactional
    public EmergencyAccess open(Caller caller, OpenRequest request, Origin origin) {
        caller.requireSession("open emergency access");
        caller.refuseIfImpersonated("open emergency access");
        TenantSettings.BreakGlass policy = settings.of(caller.tenant()).breakGlass();
        if (!policy.enabled()) {
            throw ApiException.forbidden("break-glass is turned off for this organisation (setting"
                    + " breakGlass.enabled); ask an administrator for access to this record");
        }
        ResourceRequest resource = validated(caller, request);
        String reason = request.reason().strip();
        access.require(caller, OPEN, Resource.of(resource.type(), resource.id()).locatedAt(resource.location()));
        long waitNanos = limits.spend("break-glass:" + caller.tenant() + ":" + caller.userId(), OPENINGS_PER_HOUR,
                Duration.ofHours(1));
        if (waitNanos > 0) {
            throw new TooManyRequests(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos)));
        }
        Instant now = clock.instant();
        Instant until = now.plus(policy.duration()).truncatedTo(ChronoUnit.MICROS);
        store.lockUser(caller.tenant(), caller.userId());
        Party subject = Party.user(caller.userId());
        Party object = new Party(resource.type(), resource.id());
        store.openFor(caller.tenant(), caller.userId(), resource.type(), resource.id(), now).ifPresent(open -> {
            throw ApiException.conflict("you already have emergency access to " + describe(open) + " until "
                    + open.expiresAt() + " (" + open.id() + ")");
        });
        Optional<Relationship> shared = relationships.find(caller.tenant(), subject, Relationship.SHARED_WITH, object);
        if (shared.isPresent() && shared.get().inForceAt(now)
                && (shared.get().expiresAt() == null || !shared.get().expiresAt().isBefore(until))) {
            throw ApiException.conflict(object.type() + " " + object.id() + " is already shared with you"
                    + (shared.get().expiresAt() == null ? "" : " until " + shared.get().expiresAt())
                    + ": no emergency access is needed");
        }
        AuditLog.Actor actor = actors.actor(caller);
        Relationship share = relationships.write(caller.tenant(), subject, Relationship.SHARED_WITH, object, until,
                actor, origin).relationship();
        EmergencyAccess opened = new EmergencyAccess(UUID.randomUUID(), caller.userId(), resource.type(),
                resource.id(), resource.location(), reason, now.truncatedTo(ChronoUnit.MICROS),
                share.expiresAt() == null ? until : share.expiresAt(), share.id(), null, null, null, null, null,
                null);
        store.insert(caller.tenant(), opened);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", "clinical");
        details.put("emergencyAccess", opened.id().toString());
        details.put("resource", opened.resource());
        if (opened.location() != null) {
            details.put("location", opened.location());
        }
        details.put("reason", reason);
        details.put("expiresAt", opened.expiresAt().toString());
        audit.record(caller.tenant(), "BREAK_GLASS", actor, target(opened), origin.ip(), origin.userAgent(),
                details);
        return opened;
    }

    /**
     * {@code GET …/break-glass}: a reviewer ({@code break_glass.review} anywhere) sees the tenant's
     * queue; anyone else only their own.
     *
     * @throws ApiException 403 when someone who reviews nothing asks for another user's
     */
    @Transactional(readOnly = true)
    public Page<EmergencyAccess> list(Caller caller, EmergencyAccess.@Nullable Status status, @Nullable UUID user,
            int page, int size) {
        UUID only = user;
        if (!mayReview(caller)) {
            if (user != null && !user.equals(caller.userId())) {
                access.require(caller, REVIEW, null);
            }
            only = caller.userId();
        }
        EmergencyAccessStore.Filter filter = new EmergencyAccessStore.Filter(status, only);
        return new Page<>(store.list(caller.tenant(), filter, page, size), page, size,
                store.count(caller.tenant(), filter));
    }

    /** One of the tenant's, for its user or a reviewer; 404 for anyone else, as for another tenant's. */
    @Transactional(readOnly = true)
    public EmergencyAccess get(Caller caller, UUID id) {
        EmergencyAccess found = store.find(caller.tenant(), id).orElseThrow(() -> notFound(id));
        if (!found.user().equals(caller.userId()) && !mayReview(caller)) {
            throw notFound(id);
        }
        return found;
    }

    /**
     * Records a review by someone other than the user who broke the glass, who holds
     * {@code break_glass.review} where it happened and covers that user; not justified ends the access
     * at once if it is still open.
     *
     * @throws ApiException 404 unknown here; 403 for the user themselves, a caller without the
     *     permission or not covering the user; 400 naming the field; 409 when already reviewed
     */
    @Transactional
    public EmergencyAccess review(Caller caller, UUID id, ReviewRequest request, Origin origin) {
        caller.requireSession("review emergency access");
        EmergencyAccess found = store.find(caller.tenant(), id).orElseThrow(() -> notFound(id));
        if (found.user().equals(caller.userId())) {
            // seed 000: separation of duties; whoever broke the glass never judges it.
            throw ApiException.forbidden("you cannot review your own emergency access: someone else with "
                    + REVIEW + " must");
        }
        access.require(caller, REVIEW, Resource.of(found.resourceType(), found.resourceId())
                .locatedAt(found.location()));
        access.requireCovers(caller, found.user(), null, REVIEW, "review the emergency access of");
        List<FieldError> errors = new ArrayList<>();
        EmergencyAccess.Outcome outcome = null;
        if (request.outcome() == null) {
            errors.add(new FieldError("outcome", "is required: JUSTIFIED or NOT_JUSTIFIED"));
        } else {
            try {
                outcome = EmergencyAccess.Outcome.valueOf(request.outcome());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("outcome", "must be JUSTIFIED or NOT_JUSTIFIED"));
            }
        }
        String note = request.note() == null || request.note().isBlank() ? null : request.note().strip();
        if (note != null && note.length() > MAX_NOTE) {
            errors.add(new FieldError("note", "must be at most " + MAX_NOTE + " characters"));
        } else if (note == null && outcome == EmergencyAccess.Outcome.NOT_JUSTIFIED) {
            errors.add(new FieldError("note", "is required when the access was not justified: say why, for the"
                    + " clinician and the trail"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        EmergencyAccess current = store.findForUpdate(caller.tenant(), id).orElseThrow(() -> notFound(id));
        if (current.outcome() != null) {
            throw ApiException.conflict("this emergency access was already reviewed: " + current.outcome() + " at "
                    + current.reviewedAt());
        }
        Instant now = clock.instant();
        AuditLog.Actor actor = actors.actor(caller);
        boolean ended = outcome == EmergencyAccess.Outcome.NOT_JUSTIFIED && current.openAt(now);
        if (ended) {
            endShare(caller.tenant(), current, now, actor, origin);
            store.end(caller.tenant(), id, now, caller.userId());
        }
        store.review(caller.tenant(), id, outcome, note, caller.userId(), now);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", "clinical");
        details.put("emergencyAccess", id.toString());
        details.put("resource", current.resource());
        details.put("user", current.user().toString());
        details.put("outcome", outcome.name());
        details.put("note", note);
        details.put("ended", ended);
        audit.record(caller.tenant(), "BREAK_GLASS_REVIEWED", actor, userTarget(caller, current.user()),
                origin.ip(), origin.userAgent(), details);
        return store.find(caller.tenant(), id).orElseThrow();
    }

    /**
     * The clinician ends their own emergency access before it expires.
     *
     * @throws ApiException 404 unknown here or another user's; 409 when it has already ended or expired
     */
    @Transactional
    public EmergencyAccess end(Caller caller, UUID id, Origin origin) {
        EmergencyAccess current = store.findForUpdate(caller.tenant(), id)
                .filter(found -> found.user().equals(caller.userId())).orElseThrow(() -> notFound(id));
        Instant now = clock.instant();
        if (!current.openAt(now)) {
            throw ApiException.conflict("this emergency access already ended at " + current.until());
        }
        AuditLog.Actor actor = actors.actor(caller);
        endShare(caller.tenant(), current, now, actor, origin);
        store.end(caller.tenant(), id, now, caller.userId());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kind", "clinical");
        details.put("emergencyAccess", id.toString());
        details.put("resource", current.resource());
        details.put("expiresAt", current.expiresAt().toString());
        audit.record(caller.tenant(), "BREAK_GLASS_ENDED", actor, target(current), origin.ip(), origin.userAgent(),
                details);
        return store.find(caller.tenant(), id).orElseThrow();
    }

    /** Whether the access still lets its user in now. */
    public boolean isOpen(EmergencyAccess access) {
        return access.openAt(clock.instant());
    }

    /** The username of {@code user}, for views: a deleted user's rows are gone with them. */
    public String username(Caller caller, UUID user) {
        return users.username(caller.tenant(), user).orElse(user.toString());
    }

    /**
     * Deletes the share this access wrote, unless it has since become someone else's: an admin who
     * made it permanent or longer keeps it (the expiry is no longer this access's).
     */
    private void endShare(TenantId tenant, EmergencyAccess current, Instant now,
            AuditLog.Actor actor, Origin origin) {
        relationships.find(tenant, current.relationshipId())
                .filter(share -> current.expiresAt().equals(share.expiresAt()) && share.inForceAt(now))
                .ifPresent(share -> relationships.delete(tenant, share.id(), actor, origin));
    }

    private ResourceRequest validated(Caller caller, OpenRequest request) {
        List<FieldError> errors = new ArrayList<>();
        ResourceRequest resource = request.resource();
        String location = null;
        if (resource == null) {
            errors.add(new FieldError("resource", "is required: {type, id, location?}, such as {type: \"patient\","
                    + " id: \"123\"}"));
        } else {
            if (resource.type() == null || !TYPE.matcher(resource.type()).matches()) {
                errors.add(new FieldError("resource.type", "must be a lower-case word such as patient"));
            } else if (resource.type().equals(Party.USER) || resource.type().equals(Party.CARE_TEAM)) {
                errors.add(new FieldError("resource.type", "must be a record's type, such as patient; break-glass"
                        + " does not reach " + resource.type() + "s"));
            }
            if (resource.id() == null || !RESOURCE_ID.matcher(resource.id()).matches()) {
                errors.add(new FieldError("resource.id", "must be 1 to 200 letters, digits or . _ @ ~ / + = -,"
                        + " starting with a letter or digit"));
            }
            if (resource.location() != null) {
                TenantPolicy policy = access.policy(caller.tenant()).orElse(null);
                location = Ids.parse(resource.location()).map(UUID::toString).orElse(null);
                if (location == null || policy == null || !policy.locations().contains(location)) {
                    errors.add(new FieldError("resource.location", "no location " + resource.location()
                            + " in this organisation"));
                }
            }
        }
        String reason = request.reason() == null ? "" : request.reason().strip();
        if (reason.length() < MIN_REASON || reason.length() > MAX_REASON) {
            errors.add(new FieldError("reason", "is required: " + MIN_REASON + " to " + MAX_REASON + " characters"
                    + " saying why this record is needed now (a reviewer reads it)"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return new ResourceRequest(resource.type(), resource.id(), location);
    }

    private static AuditLog.Target target(EmergencyAccess access) {
        return new AuditLog.Target(access.resourceType(), access.resourceId(), null);
    }

    private AuditLog.Target userTarget(Caller caller, UUID user) {
        return new AuditLog.Target("user", user.toString(), username(caller, user));
    }

    static String describe(EmergencyAccess access) {
        return access.resourceType().replace('_', ' ').toLowerCase(Locale.ROOT) + " " + access.resourceId();
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("emergency access " + id);
    }
}
