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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
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

    /** The most relationships one {@code POST …/relationships/batch} writes. */
    public static final int MAX_BATCH = 10_000;

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
     * The stored tuple {@code subject relation object}, expired or not: for a feature that must not
     * shorten an existing tuple's expiry by writing it again (a write replaces the expiry).
     */
    @Transactional(readOnly = true)
    public Optional<Relationship> find(TenantId tenant, Party subject, String relation, Party object) {
        if (!(subject.type().equals(Party.USER) || subject.type().equals(Party.CARE_TEAM))
                || Ids.parse(subject.id()).isEmpty()) {
            return Optional.empty();
        }
        Party canonical = new Party(subject.type(), Ids.canonical(subject.id()));
        return store.find(tenant, canonical, relation, object);
    }

    /** {@code POST …/relationships}: requires {@code relationships.write} tenant-wide. */
    @Transactional
    public Written write(Caller caller, TenantId tenant, NewRelationship request, AuditLog.Actor actor,
            Origin origin) {
        access.require(caller, WRITE, TENANT_WIDE);
        return write(tenant, request, actor, origin);
    }

    /**
     * {@code POST …/relationships/batch}: requires {@code relationships.write} tenant-wide, as a single
     * write does. Every item follows the rules of a single write (the same 400s, named
     * {@code items[i].field}); the batch is one transaction, written whole or not at all, each new or
     * re-expired tuple with its own {@code RELATIONSHIP_WRITTEN}, as single writes record them, and
     * its subjects announced once each. Answers what each item became, in order.
     *
     * @throws ApiException 400 naming {@code items} when there are none or more than {@link #MAX_BATCH}
     */
    @Transactional
    public List<Written> writeAll(Caller caller, TenantId tenant, @Nullable List<NewRelationship> items,
            AuditLog.Actor actor, Origin origin) {
        access.require(caller, WRITE, TENANT_WIDE);
        if (items == null || items.isEmpty() || items.size() > MAX_BATCH) {
            throw ApiException.badRequest("items", "must hold 1 to " + MAX_BATCH + " relationships");
        }
        List<Relationship> asked = validatedAll(tenant, items);
        store.lockAll(tenant, asked.stream().map(Relationship::subject).toList());
        Map<String, Relationship> stored = new HashMap<>();
        store.findAll(tenant, asked).forEach(found -> stored.put(tupleKey(found), found));
        List<Written> written = new ArrayList<>(asked.size());
        List<Relationship> created = new ArrayList<>();
        List<AuditLog.Entry> events = new ArrayList<>();
        List<Party> changed = new ArrayList<>();
        for (Relationship one : asked) {
            Relationship before = stored.get(tupleKey(one));
            if (before == null) {
                created.add(one);
                events.add(new AuditLog.Entry("RELATIONSHIP_WRITTEN", actor, target(one), origin.ip(),
                        origin.userAgent(), details(one)));
                written.add(new Written(one, true));
                changed.add(one.subject());
            } else if (Objects.equals(before.expiresAt(), one.expiresAt())) {
                written.add(new Written(before, false));
            } else {
                store.expire(tenant, before.id(), one.expiresAt());
                Relationship after = new Relationship(before.id(), before.subject(), before.relation(),
                        before.object(), one.expiresAt(), before.createdAt());
                Map<String, Object> details = details(after);
                details.put("previousExpiresAt", before.expiresAt() == null ? null : before.expiresAt().toString());
                events.add(new AuditLog.Entry("RELATIONSHIP_WRITTEN", actor, target(after), origin.ip(),
                        origin.userAgent(), details));
                written.add(new Written(after, false));
                changed.add(after.subject());
            }
        }
        store.insertAll(tenant, created, actor.id());
        // Announced before the events are appended: the append locks the tenant's chain head until the
        // commit, so it is held for the shortest time and batches sent at once overlap the rest.
        announceAll(tenant, changed);
        audit.recordAll(tenant, events);
        return written;
    }

    /**
     * Every item of a batch validated as a single write validates it, the batch's users and care teams
     * looked up at once; a 400 naming each field at fault as {@code items[i].field}, and a tuple named
     * twice as the later item's {@code items[i]}.
     */
    private List<Relationship> validatedAll(TenantId tenant, List<NewRelationship> items) {
        Set<UUID> named = new HashSet<>();
        for (NewRelationship item : items) {
            if (item != null) {
                named.addAll(uuids(item.subject()));
                named.addAll(uuids(item.object()));
            }
        }
        Set<UUID> knownUsers = users.existing(tenant, named);
        Set<UUID> knownTeams = teams.existing(tenant, named);
        Known known = new Known(knownUsers::contains, knownTeams::contains);
        Instant now = clock.instant();
        List<FieldError> errors = new ArrayList<>();
        List<Relationship> asked = new ArrayList<>(items.size());
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            NewRelationship item = items.get(i);
            if (item == null) {
                errors.add(new FieldError("items[" + i + "]", "must be a relationship {subject, relation, object}"));
                continue;
            }
            Relationship one = validated(item, now, "items[" + i + "].", known, errors);
            if (one == null) {
                continue;
            }
            Integer earlier = seen.putIfAbsent(tupleKey(one), i);
            if (earlier != null) {
                errors.add(new FieldError("items[" + i + "]", "repeats items[" + earlier + "]"));
            }
            asked.add(one);
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return asked;
    }

    private static List<UUID> uuids(@Nullable PartyRequest party) {
        return party == null ? List.of() : Ids.parse(party.id()).stream().toList();
    }

    /** What makes a tuple one fact: its subject, relation and object. */
    private static String tupleKey(Relationship relationship) {
        return relationship.subject() + " " + relationship.relation() + " " + relationship.object();
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
        Relationship relationship = validated(request, now, "", new Known(
                id -> users.find(tenant, id).isPresent(), id -> teams.find(tenant, id).isPresent()), errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        return relationship;
    }

    /** Which users and care teams are the tenant's: asked one at a time, or known at once for a batch. */
    private record Known(Predicate<UUID> user, Predicate<UUID> team) {}

    /**
     * The tuple asked for, or null with {@code errors} naming each field at fault under {@code prefix}
     * ({@code items[3].} in a batch).
     */
    private @Nullable Relationship validated(NewRelationship request, Instant now, String prefix, Known known,
            List<FieldError> errors) {
        int before = errors.size();
        Party subject = null;
        PartyRequest subjectRequest = request.subject();
        if (subjectRequest == null) {
            errors.add(new FieldError(prefix + "subject", "is required: {type: \"user\" or \"careteam\", id}"));
        } else if (!Party.USER.equals(subjectRequest.type()) && !Party.CARE_TEAM.equals(subjectRequest.type())) {
            errors.add(new FieldError(prefix + "subject.type", "must be user or careteam"));
        } else {
            UUID id = Ids.parse(subjectRequest.id()).orElse(null);
            if (id == null) {
                errors.add(new FieldError(prefix + "subject.id", "must be the id (a UUID) of a " + subjectRequest.type()));
            } else if (subjectRequest.type().equals(Party.USER) && !known.user().test(id)) {
                errors.add(new FieldError(prefix + "subject.id", "no user " + id + " in this tenant"));
            } else if (subjectRequest.type().equals(Party.CARE_TEAM) && !known.team().test(id)) {
                errors.add(new FieldError(prefix + "subject.id", "no care team " + id + " in this tenant"));
            } else {
                subject = new Party(subjectRequest.type(), id.toString());
            }
        }
        String relation = request.relation();
        if (relation == null || !NAME.matcher(relation).matches()) {
            errors.add(new FieldError(prefix + "relation", "is required: a lower-case word such as assigned_provider,"
                    + " shared_with, member or care_team"));
            relation = null;
        }
        Party object = null;
        PartyRequest objectRequest = request.object();
        if (objectRequest == null) {
            errors.add(new FieldError(prefix + "object", "is required: {type, id}, such as {type: \"patient\", id: \"123\"}"));
        } else if (objectRequest.type() == null || !NAME.matcher(objectRequest.type()).matches()) {
            errors.add(new FieldError(prefix + "object.type", "must be a lower-case word such as patient"));
        } else if (objectRequest.type().equals(Party.CARE_TEAM)) {
            UUID id = Ids.parse(objectRequest.id()).orElse(null);
            if (id == null || !known.team().test(id)) {
                errors.add(new FieldError(prefix + "object.id", "no care team " + objectRequest.id() + " in this tenant"));
            } else {
                object = Party.careTeam(id);
            }
        } else if (objectRequest.id() == null || !OBJECT_ID.matcher(objectRequest.id()).matches()) {
            errors.add(new FieldError(prefix + "object.id", "must be 1 to 200 letters, digits or . _ @ ~ / + = -,"
                    + " starting with a letter or digit"));
        } else {
            object = new Party(objectRequest.type(), objectRequest.id());
        }
        if (request.expiresAt() != null && !request.expiresAt().isAfter(now)) {
            errors.add(new FieldError(prefix + "expiresAt", "must be in the future"));
        }
        if (errors.size() == before) {
            shapeErrors(subject, relation, object, prefix, errors);
        }
        if (errors.size() > before) {
            return null;
        }
        // PostgreSQL keeps microseconds: the answer says what is stored, and a rewrite compares alike.
        Instant expiresAt = request.expiresAt() == null ? null : request.expiresAt().truncatedTo(ChronoUnit.MICROS);
        return new Relationship(Ids.timeOrdered(), subject, relation, object, expiresAt,
                now.truncatedTo(ChronoUnit.MICROS));
    }

    private static void shapeErrors(Party subject, String relation, Party object, String prefix,
            List<FieldError> errors) {
        boolean team = subject.type().equals(Party.CARE_TEAM);
        if (relation.equals(Relationship.MEMBER)) {
            if (team || !object.type().equals(Party.CARE_TEAM)) {
                errors.add(new FieldError(prefix + "relation", "member relates a user to a care team (user member careteam)"));
            }
        } else if (object.type().equals(Party.CARE_TEAM)) {
            errors.add(new FieldError(prefix + "object.type", "a care team is the object only of member"));
        } else if (team && !relation.equals(Relationship.CARE_TEAM)) {
            errors.add(new FieldError(prefix + "relation", "a care team is the subject only of care_team (the patients it"
                    + " cares for)"));
        } else if (!team && relation.equals(Relationship.CARE_TEAM)) {
            errors.add(new FieldError(prefix + "subject.type", "care_team relates a care team to what it cares for"));
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

    /** {@link #announce} for the subjects of a batch, with one announcement for all the users concerned. */
    private void announceAll(TenantId tenant, List<Party> subjects) {
        Set<UUID> affected = new LinkedHashSet<>();
        for (Party subject : new LinkedHashSet<>(subjects)) {
            if (subject.type().equals(Party.USER)) {
                affected.add(subject.uuid());
            } else {
                affected.addAll(store.members(tenant, subject.uuid()));
            }
        }
        changes.relationshipsChanged(tenant, affected);
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
