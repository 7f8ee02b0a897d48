package dev.gatehouse.server.scim;

import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.ProvisionedAccounts;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserAccount;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * SCIM Groups (RFC 7643 §4.2): a name and members, both SCIM's to set; what a group gives its
 * members is the {@link GroupRoles}' (by default the role named as the group). Every change that
 * moves members or what the group gives sets the affected members' SCIM assignments in the same
 * transaction, and is audited (SCIM_GROUP_CREATED, _UPDATED, _DELETED with the members added and
 * removed).
 */
@Service
class ScimGroups {

    private static final Set<String> KNOWN = Set.of("schemas", "id", "externalid", "meta", "displayname", "members");
    private static final int MAX_MEMBERS = 10_000;

    private record Parsed(String displayName, @Nullable String externalId, Set<UUID> members) {}

    private final ScimStore store;
    private final ProvisionedAccounts accounts;
    private final GroupRoles roles;
    private final ScimUsers users;
    private final AuditLog audit;
    private final Actors actors;
    private final Clock clock;

    ScimGroups(ScimStore store, ProvisionedAccounts accounts, GroupRoles roles, ScimUsers users, AuditLog audit,
            Actors actors, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.roles = roles;
        this.users = users;
        this.audit = audit;
        this.actors = actors;
        this.clock = clock;
    }

    @Transactional
    public ObjectNode create(Caller caller, TenantScope.Scoped tenant, JsonNode body, Origin origin) {
        Map<UUID, UserAccount> people = people(caller, tenant.id());
        Parsed parsed = parse(body, null, people);
        if (store.groupNameTaken(tenant.id(), parsed.displayName(), null)) {
            throw ScimException.uniqueness("a group named " + parsed.displayName() + " exists in this tenant");
        }
        UUID id = UUID.randomUUID();
        store.insertGroup(tenant.id(), id, parsed.displayName(), parsed.externalId(), clock.instant());
        store.setMembers(tenant.id(), id, parsed.members());
        record(caller, tenant, "SCIM_GROUP_CREATED", id, parsed.displayName(), parsed.members(), Set.of(), origin);
        roles.sync(caller, tenant, parsed.members(), origin);
        return get(caller, tenant, id);
    }

    @Transactional(readOnly = true)
    public ObjectNode get(Caller caller, TenantScope.Scoped tenant, UUID id) {
        ScimStore.GroupRow group = store.group(tenant.id(), id).orElseThrow(() -> ScimException.notFound("Group " + id));
        return render(tenant, group, store.members(tenant.id(), id), people(caller, tenant.id()));
    }

    @Transactional(readOnly = true)
    public List<ObjectNode> all(Caller caller, TenantScope.Scoped tenant) {
        Map<UUID, UserAccount> people = people(caller, tenant.id());
        Map<UUID, List<UUID>> members = store.members(tenant.id());
        return store.groups(tenant.id()).stream()
                .map(group -> render(tenant, group, members.getOrDefault(group.id(), List.of()), people)).toList();
    }

    @Transactional
    public ObjectNode replace(Caller caller, TenantScope.Scoped tenant, UUID id, JsonNode body, @Nullable String ifMatch,
            Origin origin) {
        ObjectNode current = current(caller, tenant, id);
        ScimResources.requireMatch(ifMatch, current);
        return save(caller, tenant, id, body, origin);
    }

    @Transactional
    public ObjectNode patch(Caller caller, TenantScope.Scoped tenant, UUID id, JsonNode body, @Nullable String ifMatch,
            Origin origin) {
        ObjectNode current = current(caller, tenant, id);
        ScimResources.requireMatch(ifMatch, current);
        return save(caller, tenant, id, ScimPatch.apply(current, body), origin);
    }

    @Transactional
    public void delete(Caller caller, TenantScope.Scoped tenant, UUID id, @Nullable String ifMatch, Origin origin) {
        ObjectNode current = current(caller, tenant, id);
        ScimResources.requireMatch(ifMatch, current);
        List<UUID> members = store.members(tenant.id(), id);
        store.deleteGroup(tenant.id(), id);
        record(caller, tenant, "SCIM_GROUP_DELETED", id, current.get("displayName").asString(), Set.of(),
                new LinkedHashSet<>(members), origin);
        roles.sync(caller, tenant, members, origin);
    }

    private ObjectNode current(Caller caller, TenantScope.Scoped tenant, UUID id) {
        ScimStore.GroupRow group = store.groupForUpdate(tenant.id(), id)
                .orElseThrow(() -> ScimException.notFound("Group " + id));
        return render(tenant, group, store.members(tenant.id(), id), people(caller, tenant.id()));
    }

    private ObjectNode save(Caller caller, TenantScope.Scoped tenant, UUID id, JsonNode body, Origin origin) {
        Map<UUID, UserAccount> people = people(caller, tenant.id());
        Parsed parsed = parse(body, id, people);
        ScimStore.GroupRow before = store.group(tenant.id(), id).orElseThrow();
        if (store.groupNameTaken(tenant.id(), parsed.displayName(), id)) {
            throw ScimException.uniqueness("a group named " + parsed.displayName() + " exists in this tenant");
        }
        Set<UUID> was = new LinkedHashSet<>(store.members(tenant.id(), id));
        Set<UUID> added = new LinkedHashSet<>(parsed.members());
        added.removeAll(was);
        Set<UUID> removed = new LinkedHashSet<>(was);
        removed.removeAll(parsed.members());
        boolean renamed = !before.displayName().equals(parsed.displayName());
        store.updateGroup(tenant.id(), id, parsed.displayName(), parsed.externalId(), clock.instant());
        store.setMembers(tenant.id(), id, parsed.members());
        if (renamed || !added.isEmpty() || !removed.isEmpty()
                || !Objects.equals(before.externalId(), parsed.externalId())) {
            record(caller, tenant, "SCIM_GROUP_UPDATED", id, parsed.displayName(), added, removed, origin);
        }
        // A new name may name another role (the default mapping): then every member's roles move.
        Set<UUID> affected = new LinkedHashSet<>(renamed && !before.rolesSet() ? was : Set.of());
        affected.addAll(added);
        affected.addAll(removed);
        roles.sync(caller, tenant, affected, origin);
        return get(caller, tenant, id);
    }

    private Parsed parse(JsonNode body, @Nullable UUID id, Map<UUID, UserAccount> people) {
        if (!body.isObject()) {
            throw ScimException.invalidSyntax("a Group is a JSON object");
        }
        JsonNode schemas = ScimFilter.field(body, "schemas");
        if (schemas == null || !schemas.isArray() || schemas.values().stream()
                .noneMatch(schema -> schema.isString() && schema.asString().equals(ScimFilter.GROUP_SCHEMA))) {
            throw ScimException.invalidSyntax("schemas must hold " + ScimFilter.GROUP_SCHEMA);
        }
        for (String name : body.propertyNames()) {
            if (!KNOWN.contains(name.toLowerCase(Locale.ROOT))) {
                throw ScimException.invalidValue("unknown attribute " + name + " of a Group");
            }
        }
        JsonNode givenId = ScimFilter.field(body, "id");
        if (givenId != null && !givenId.isNull() && (id == null || !givenId.asString().equals(id.toString()))) {
            throw ScimException.mutability("id is assigned by Gatehouse and never changes");
        }
        JsonNode displayName = ScimFilter.field(body, "displayName");
        if (displayName == null || !displayName.isString() || displayName.asString().isBlank()) {
            throw ScimException.invalidValue("displayName is required");
        }
        if (displayName.asString().strip().length() > 256) {
            throw ScimException.invalidValue("displayName is at most 256 characters");
        }
        JsonNode externalId = ScimFilter.field(body, "externalId");
        if (externalId != null && !externalId.isNull() && !externalId.isString()) {
            throw ScimException.invalidValue("externalId must be a string");
        }
        Set<UUID> members = new LinkedHashSet<>();
        JsonNode given = ScimFilter.field(body, "members");
        if (given != null && !given.isNull()) {
            if (!given.isArray()) {
                throw ScimException.invalidValue("members must be a list");
            }
            if (given.size() > MAX_MEMBERS) {
                throw ScimException.invalidValue("members: at most " + MAX_MEMBERS);
            }
            for (JsonNode member : given) {
                JsonNode value = ScimFilter.field(member, "value");
                JsonNode type = ScimFilter.field(member, "type");
                if (type != null && type.isString() && !type.asString().equalsIgnoreCase("User")) {
                    throw ScimException.invalidValue("members: a member is a User; groups within groups are not supported");
                }
                UUID user = value == null || !value.isString() ? null : uuid(value.asString());
                if (user == null || !people.containsKey(user)) {
                    throw ScimException.invalidValue("members: " + (value == null ? "a member without value"
                            : "no User " + value.asString() + " in this tenant"));
                }
                members.add(user);
            }
        }
        return new Parsed(displayName.asString().strip(), externalId == null || externalId.isNull() ? null
                : externalId.asString(), members);
    }

    private Map<UUID, UserAccount> people(Caller caller, TenantId tenant) {
        Map<UUID, UserAccount> people = new LinkedHashMap<>();
        Map<UUID, ScimStore.UserRow> rows = store.users(tenant);
        for (UserAccount person : accounts.people(caller, tenant)) {
            ScimStore.UserRow row = rows.get(person.id());
            if (row == null || !row.removed()) {
                people.put(person.id(), person);
            }
        }
        return people;
    }

    private ObjectNode render(TenantScope.Scoped tenant, ScimStore.GroupRow group, List<UUID> members,
            Map<UUID, UserAccount> people) {
        ObjectNode resource = JsonNodeFactory.instance.objectNode();
        resource.putArray("schemas").add(ScimFilter.GROUP_SCHEMA);
        resource.put("id", group.id().toString());
        if (group.externalId() != null) {
            resource.put("externalId", group.externalId());
        }
        resource.put("displayName", group.displayName());
        ArrayNode list = resource.putArray("members");
        for (UUID member : members) {
            UserAccount person = people.get(member);
            if (person == null) {
                continue;
            }
            ObjectNode entry = list.addObject();
            entry.put("value", member.toString());
            entry.put("display", person.username());
            entry.put("type", "User");
            entry.put("$ref", users.base(tenant) + "/Users/" + member);
        }
        ObjectNode meta = resource.putObject("meta");
        meta.put("resourceType", "Group");
        meta.put("created", group.createdAt().toString());
        meta.put("lastModified", group.updatedAt().toString());
        meta.put("location", users.base(tenant) + "/Groups/" + group.id());
        return ScimResources.versioned(resource);
    }

    private void record(Caller caller, TenantScope.Scoped tenant, String action, UUID id, String name, Set<UUID> added,
            Set<UUID> removed, Origin origin) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("source", ScimUsers.SOURCE);
        details.put("displayName", name);
        if (!added.isEmpty()) {
            details.put("membersAdded", new ArrayList<>(added.stream().map(UUID::toString).toList()));
        }
        if (!removed.isEmpty()) {
            details.put("membersRemoved", new ArrayList<>(removed.stream().map(UUID::toString).toList()));
        }
        audit.record(tenant.id(), action, actors.actor(caller), new AuditLog.Target("scimGroup", id.toString(), name),
                origin.ip(), origin.userAgent(), details);
    }

    private static @Nullable UUID uuid(String text) {
        return Ids.parse(text).orElse(null);
    }
}
