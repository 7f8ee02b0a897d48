package dev.gatehouse.server.relationships;

import dev.gatehouse.engine.Resource;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.relationships.Relationship.Party;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.Page;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Writes, lists and deletes a tenant's relationships (docs/api.md, "Relationships, care teams,
 * conditions, fields"), each change with its audit event in the same transaction, and announces it
 * to every node's caches of the users whose answers it shapes.
 *
 * <p>The Java API ({@link #write(TenantId, Party, String, Party, Instant, AuditLog.Actor, Origin)},
 * {@link #delete(TenantId, UUID, AuditLog.Actor, Origin)}) validates but does not authorize: the
 * feature calling it has decided that the actor may (clinical break-glass writes a time-boxed
 * {@code shared_with}). The {@link Caller} methods are the HTTP API's and require
 * {@code relationships.read}/{@code relationships.write} tenant-wide.
 *
 * <p>Writing a tuple that exists is idempotent: the same row, its expiry replaced by the new one
 * (a share extended or made permanent), audited only when the expiry changed.
 */
@Service
public class Relationships {

    static final String READ = "relationships.read";
    static final String WRITE = "relationships.write";

    /** Types and relations: lower-case words, as {@code patient}, {@code assigned_provider}. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** An application's object id: no spaces, no colon (the tuple's text form is {@code type:id}). */
    private static final Pattern OBJECT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@~/+=-]{0,199}");

    /** A resource with no location: only a tenant-wide reach covers it. */
    private static final Resource TENANT_WIDE = new Resource("relationship", null, null, null, Set.of(), Map.of());

    /** A tuple as the API's body names it; every part may be missing, and is then a 400 naming it. */
    public record PartyRequest(@Nullable String type, @Nullable String id) {}

    public record NewRelationship(@Nullable PartyRequest subject, @Nullable String relation,
            @Nullable PartyRequest object, @Nullable Instant expiresAt) {}

    /** The tuple as stored, and whether this write made it ({@code false}: it existed and was rewritten). */
    public record Written(Relationship relationship, boolean created) {}

    private final RelationshipStore store;
    private final CareTeamStore teams;
    private final UserStore users;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final Access access;
    private final Clock clock;

    Relationships(RelationshipStore store, CareTeamStore teams, UserStore users, AuditLog audit,
            AccessChanges changes, Access access, Clock clock) {
        this.store = store;
        this.teams = teams;
        this.users = users;
        this.audit = audit;
        this.changes = changes;
        this.access = access;
        this.clock = clock;
    }

    /**
     * Writes {@code subject relation object} until {@code expiresAt} (forever when null), or rewrites
     * its expiry when the tuple exists; audited as {@code RELATIONSHIP_WRITTEN}. Does not authorize.
     *
     * @throws ApiException 400 naming the field: a malformed type, id or relation, a subject that is not
     *     a user or care team of the tenant, an unknown care team, an expiry not in the future
     */
    @Transactional
    public Written write(TenantId tenant, Party subject, String relation, Party object, @Nullable Instant expiresAt,
            AuditLog.Actor actor, Origin origin) {
        return write(tenant, new NewRelationship(new PartyRequest(subject.type(), subject.id()), relation,
                new PartyRequest(object.type(), object.id()), expiresAt), actor, origin);
    }

    /**
     * Deletes one tuple; audited as {@code RELATIONSHIP_DELETED}. Does not authorize.
     *
     * @throws ApiException 404 for an unknown id or another tenant's
     */
    @Transactional
    public Relationship delete(TenantId tenant, UUID id, AuditLog.Actor actor, Origin origin) {
        Relationship found = store.find(tenant, id).orElseThrow(() -> ApiException.notFound("relationship " + id));
        store.lock(tenant, found.subject());
        Relationship relationship = store.find(tenant, id)
                .orElseThrow(() -> ApiException.notFound("relationship " + id));
        store.delete(tenant, id);
        audit.record(tenant, "RELATIONSHIP_DELETED", actor, target(relationship), origin.ip(), origin.userAgent(),
                details(relationship));
        announce(tenant, relationship.subject());
        return relationship;
    }

    /** The tenant's tuple {@code id}, if any. */
    @Transactional(readOnly = true)
    public Optional<Relationship> find(TenantId tenant, UUID id) {
        return store.find(tenant, id);
    }

    /**
     * The tuple {@code subject relation object}, expired or not, if stored: a feature about to write
     * one can see whether it would replace a longer expiry (break-glass never shortens a share).
     */
    @Transactional(readOnly = true)
    public Optional<Relationship> find(TenantId tenant, Party subject, String relation, Party object) {
        return store.find(tenant, subject, relation, object);
    }

    /** {@code POST …/relationships}: requires {@code relationships.write} tenant-wide. */
    @Transactional
    public Written write(Caller caller, TenantId tenant, NewRelationship request, AuditLog.Actor actor,
            Origin origin) {
        access.require(caller, WRITE, TENANT_WIDE);
        return write(tenant, request, actor, origin);
    }

    /** {@code GET …/relationships/{id}}: requires {@code relationships.read} tenant-wide. */
    @Transactional(readOnly = true)
    public Relationship get(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, READ, TENANT_WIDE);
        return store.find(tenant, id).orElseThrow(() -> ApiException.notFound("relationship " + id));
    }

    /** {@code DELETE …/relationships/{id}}: requires {@code relationships.write} tenant-wide. */
    @Transactional
    public void delete(Caller caller, TenantId tenant, UUID id, AuditLog.Actor actor, Origin origin) {
        access.require(caller, WRITE, TENANT_WIDE);
        delete(tenant, id, actor, origin);
    }

    /**
     * {@code GET …/relationships}: requires {@code relationships.read} tenant-wide. Filters are the
     * text forms {@code user:<id>}, {@code careteam:<id>} (subject), {@code patient:123} (object).
     */
    @Transactional(readOnly = true)
    public Page<Relationship> list(Caller caller, TenantId tenant, @Nullable String subject, @Nullable String relation,
            @Nullable String object, int page, int size) {
        access.require(caller, READ, TENANT_WIDE);
        List<FieldError> errors = new ArrayList<>();
        Party subjectFilter = subject == null ? null : subjectFilter(subject, errors);
        if (relation != null && !NAME.matcher(relation).matches()) {
            errors.add(new FieldError("relation", "must be a relation such as assigned_provider"));
        }
        Party objectFilter = object == null ? null : objectFilter(object, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        RelationshipStore.Filter filter = new RelationshipStore.Filter(subjectFilter, relation, objectFilter);
        return new Page<>(store.list(tenant, filter, page, size), page, size, store.count(tenant, filter));
    }

    private Written write(TenantId tenant, NewRelationship request, AuditLog.Actor actor, Origin origin) {
        Instant now = clock.instant();
        Relationship asked = validated(tenant, request, now);
        store.lock(tenant, asked.subject());
        Optional<Relationship> existing = store.find(tenant, asked.subject(), asked.relation(), asked.object());
        if (existing.isPresent()) {
            Relationship before = existing.get();
            if (Objects.equals(before.expiresAt(), asked.expiresAt())) {
                return new Written(before, false);
            }
            store.expire(tenant, before.id(), asked.expiresAt());
            Relationship after = new Relationship(before.id(), before.subject(), before.relation(), before.object(),
                    asked.expiresAt(), before.createdAt());
            Map<String, Object> details = details(after);
            details.put("previousExpiresAt", before.expiresAt() == null ? null : before.expiresAt().toString());
            audit.record(tenant, "RELATIONSHIP_WRITTEN", actor, target(after), origin.ip(), origin.userAgent(), details);
            announce(tenant, after.subject());
            return new Written(after, false);
        }
        store.insert(tenant, asked, actor.id());
        audit.record(tenant, "RELATIONSHIP_WRITTEN", actor, target(asked), origin.ip(), origin.userAgent(),
                details(asked));
        announce(tenant, asked.subject());
        return new Written(asked, true);
    }

    /**
     * The tuple asked for, with canonical ids, or a 400 naming every field at fault. A care team is
     * a subject only of {@code care_team} (the patients it cares for) and an object only of
     * {@code member} by a user, so that every stored tuple is one the engine reads as documented.
     */
    private Relationship validated(TenantId tenant, NewRelationship request, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        Party subject = null;
        PartyRequest subjectRequest = request.subject();
        if (subjectRequest == null) {
            errors.add(new FieldError("subject", "is required: {type: \"user\" or \"careteam\", id}"));
        } else if (!Party.USER.equals(subjectRequest.type()) && !Party.CARE_TEAM.equals(subjectRequest.type())) {
            errors.add(new FieldError("subject.type", "must be user or careteam"));
        } else {
            UUID id = Ids.parse(subjectRequest.id()).orElse(null);
            if (id == null) {
                errors.add(new FieldError("subject.id", "must be the id (a UUID) of a " + subjectRequest.type()));
            } else if (subjectRequest.type().equals(Party.USER) && users.find(tenant, id).isEmpty()) {
                errors.add(new FieldError("subject.id", "no user " + id + " in this tenant"));
            } else if (subjectRequest.type().equals(Party.CARE_TEAM) && teams.find(tenant, id).isEmpty()) {
                errors.add(new FieldError("subject.id", "no care team " + id + " in this tenant"));
            } else {
                subject = new Party(subjectRequest.type(), id.toString());
            }
        }
        String relation = request.relation();
        if (relation == null || !NAME.matcher(relation).matches()) {
            errors.add(new FieldError("relation", "is required: a lower-case word such as assigned_provider,"
                    + " shared_with, member or care_team"));
            relation = null;
        }
        Party object = null;
        PartyRequest objectRequest = request.object();
        if (objectRequest == null) {
            errors.add(new FieldError("object", "is required: {type, id}, such as {type: \"patient\", id: \"123\"}"));
        } else if (objectRequest.type() == null || !NAME.matcher(objectRequest.type()).matches()) {
            errors.add(new FieldError("object.type", "must be a lower-case word such as patient"));
        } else if (objectRequest.type().equals(Party.CARE_TEAM)) {
            UUID id = Ids.parse(objectRequest.id()).orElse(null);
            if (id == null || teams.find(tenant, id).isEmpty()) {
                errors.add(new FieldError("object.id", "no care team " + objectRequest.id() + " in this tenant"));
            } else {
                object = Party.careTeam(id);
            }
        } else if (objectRequest.id() == null || !OBJECT_ID.matcher(objectRequest.id()).matches()) {
            errors.add(new FieldError("object.id", "must be 1 to 200 letters, digits or . _ @ ~ / + = -,"
                    + " starting with a letter or digit"));
        } else {
            object = new Party(objectRequest.type(), objectRequest.id());
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            errors.add(new FieldError("expiresAt", "must be in the future"));
        }
        if (errors.isEmpty()) {
            shapeErrors(subject, relation, object, errors);
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        // PostgreSQL keeps microseconds: the answer says what is stored, and a rewrite compares alike.
        Instant expiresAt = request.expiresAt() == null ? null : request.expiresAt().truncatedTo(ChronoUnit.MICROS);
        return new Relationship(UUID.randomUUID(), subject, relation, object, expiresAt,
                now.truncatedTo(ChronoUnit.MICROS));
    }

    private static void shapeErrors(Party subject, String relation, Party object, List<FieldError> errors) {
        boolean team = subject.type().equals(Party.CARE_TEAM);
        if (relation.equals(Relationship.MEMBER)) {
            if (team || !object.type().equals(Party.CARE_TEAM)) {
                errors.add(new FieldError("relation", "member relates a user to a care team (user member careteam)"));
            }
        } else if (object.type().equals(Party.CARE_TEAM)) {
            errors.add(new FieldError("object.type", "a care team is the object only of member"));
        } else if (team && !relation.equals(Relationship.CARE_TEAM)) {
            errors.add(new FieldError("relation", "a care team is the subject only of care_team (the patients it"
                    + " cares for)"));
        } else if (!team && relation.equals(Relationship.CARE_TEAM)) {
            errors.add(new FieldError("subject.type", "care_team relates a care team to what it cares for"));
        }
    }

    /**
     * Announces a change of {@code subject}'s tuples to every node: for a user, theirs; for a care team,
     * its members' (what the team cares for reaches them).
     */
    private void announce(TenantId tenant, Party subject) {
        Set<UUID> affected = new LinkedHashSet<>();
        if (subject.type().equals(Party.USER)) {
            affected.add(subject.uuid());
        } else {
            affected.addAll(store.members(tenant, subject.uuid()));
        }
        for (UUID user : affected) {
            changes.relationshipsChanged(tenant, user);
        }
    }

    private static AuditLog.Target target(Relationship relationship) {
        return new AuditLog.Target("relationship", relationship.id().toString(), relationship.toString());
    }

    private static Map<String, Object> details(Relationship relationship) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("subject", relationship.subject().toString());
        details.put("relation", relationship.relation());
        details.put("object", relationship.object().toString());
        details.put("expiresAt", relationship.expiresAt() == null ? null : relationship.expiresAt().toString());
        return details;
    }

    private static @Nullable Party subjectFilter(String text, List<FieldError> errors) {
        int colon = text.indexOf(':');
        String type = colon < 0 ? "" : text.substring(0, colon);
        UUID id = colon < 0 ? null : Ids.parse(text.substring(colon + 1)).orElse(null);
        if (!(type.equals(Party.USER) || type.equals(Party.CARE_TEAM)) || id == null) {
            errors.add(new FieldError("subject", "must be user:<id> or careteam:<id>"));
            return null;
        }
        return new Party(type, id.toString());
    }

    private static @Nullable Party objectFilter(String text, List<FieldError> errors) {
        int colon = text.indexOf(':');
        String type = colon < 0 ? "" : text.substring(0, colon);
        String id = colon < 0 ? "" : text.substring(colon + 1);
        if (!NAME.matcher(type).matches() || !OBJECT_ID.matcher(id).matches()) {
            errors.add(new FieldError("object", "must be type:id, such as patient:123"));
            return null;
        }
        return new Party(type, type.equals(Party.CARE_TEAM) ? Ids.canonical(id) : id);
    }
}
