package dev.gatehouse.server.scim;

import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.users.ProvisionedAccounts;
import dev.gatehouse.server.users.TenantScope;
import dev.gatehouse.server.users.UserAccount;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * SCIM Users (RFC 7643 §4.1, with the enterprise extension §4.3) over the tenant's people. The
 * account's username, names, e-mail address, phone and status are Gatehouse's own (changed through
 * {@link ProvisionedAccounts}, as the key's owner); what SCIM says beyond them — externalId, the
 * other parts of the name, every address and number as sent, title, locale, the enterprise
 * extension — is kept beside the account and given back. The address Gatehouse keeps is the
 * primary one (else the first of type work, else the first); likewise the phone. A password sent
 * (Okta may) is not kept: these people sign in through the tenant's identity provider.
 */
@Service
class ScimUsers {

    static final String SOURCE = "SCIM";
    /** RFC 7643 §4.1's attributes, and the enterprise extension; anything else is refused. */
    private static final Set<String> KNOWN = Set.of("schemas", "id", "externalid", "meta", "username", "name",
            "displayname", "nickname", "profileurl", "title", "usertype", "preferredlanguage", "locale", "timezone",
            "active", "password", "emails", "phonenumbers", "ims", "photos", "addresses", "groups", "entitlements",
            "roles", "x509certificates", ScimFilter.ENTERPRISE_SCHEMA.toLowerCase(Locale.ROOT));
    /** Not kept beside the account: Gatehouse's own, read-only, or given through Groups. */
    private static final Set<String> NOT_KEPT = Set.of("schemas", "id", "externalid", "meta", "username", "active",
            "password", "groups", "roles");

    /** A User resource as sent, read into what Gatehouse keeps. */
    record Parsed(ProvisionedAccounts.Fields fields, boolean active, @Nullable String externalId, ObjectNode attributes) {}

    private final ProvisionedAccounts accounts;
    private final ScimStore store;
    private final GroupRoles roles;
    private final PublicUrl publicUrl;
    private final Clock clock;

    ScimUsers(ProvisionedAccounts accounts, ScimStore store, GroupRoles roles, PublicUrl publicUrl, Clock clock) {
        this.accounts = accounts;
        this.store = store;
        this.roles = roles;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    @Transactional
    public ObjectNode create(Caller caller, TenantScope.Scoped tenant, JsonNode body, Origin origin) {
        Parsed parsed = parse(body, null);
        UUID id;
        try {
            id = accounts.create(caller, tenant, parsed.fields(), parsed.active(), SOURCE, origin);
        } catch (ApiException e) {
            throw e.status() == HttpStatus.CONFLICT ? ScimException.uniqueness(e.getMessage()) : e;
        }
        store.saveUser(tenant.id(), id, parsed.externalId(), parsed.attributes(), clock.instant());
        return get(caller, tenant, id);
    }

    @Transactional(readOnly = true)
    public ObjectNode get(Caller caller, TenantScope.Scoped tenant, UUID id) {
        UserAccount user = accounts.person(caller, tenant.id(), id).orElseThrow(() -> ScimException.notFound("User " + id));
        ScimStore.UserRow row = store.user(tenant.id(), id).orElse(null);
        if (row != null && row.removed()) {
            throw ScimException.notFound("User " + id);
        }
        return render(tenant, user, row);
    }

    /** Every user SCIM sees, rendered, for a list query to filter. */
    @Transactional(readOnly = true)
    public List<ObjectNode> all(Caller caller, TenantScope.Scoped tenant) {
        Map<UUID, ScimStore.UserRow> rows = store.users(tenant.id());
        List<ObjectNode> users = new ArrayList<>();
        for (UserAccount user : accounts.people(caller, tenant.id())) {
            ScimStore.UserRow row = rows.get(user.id());
            if (row == null || !row.removed()) {
                users.add(render(tenant, user, row));
            }
        }
        return users;
    }

    @Transactional
    public ObjectNode replace(Caller caller, TenantScope.Scoped tenant, UUID id, JsonNode body, @Nullable String ifMatch,
            Origin origin) {
        ObjectNode current = get(caller, tenant, id);
        ScimResources.requireMatch(ifMatch, current);
        return save(caller, tenant, id, parse(body, id), origin);
    }

    @Transactional
    public ObjectNode patch(Caller caller, TenantScope.Scoped tenant, UUID id, JsonNode body, @Nullable String ifMatch,
            Origin origin) {
        ObjectNode current = get(caller, tenant, id);
        ScimResources.requireMatch(ifMatch, current);
        ObjectNode patched = ScimPatch.apply(current, body);
        return save(caller, tenant, id, parse(patched, id), origin);
    }

    /**
     * Deletes the account when Gatehouse's rules allow (the tenant owner's key, nothing attributed to
     * the account); otherwise disables it and SCIM forgets it (404 from then on, RFC 7644 §3.6),
     * while the account stays, disabled, for its history. Either way it leaves its groups, losing
     * the roles they gave.
     */
    @Transactional
    public void delete(Caller caller, TenantScope.Scoped tenant, UUID id, @Nullable String ifMatch, Origin origin) {
        ObjectNode current = get(caller, tenant, id);
        ScimResources.requireMatch(ifMatch, current);
        if (!store.groupsOf(tenant.id(), id).isEmpty()) {
            store.leaveAll(tenant.id(), id);
            roles.sync(caller, tenant, List.of(id), origin);
        }
        if (!accounts.remove(caller, tenant, id, SOURCE, origin)) {
            store.markRemoved(tenant.id(), id, clock.instant());
        }
    }

    private ObjectNode save(Caller caller, TenantScope.Scoped tenant, UUID id, Parsed parsed, Origin origin) {
        try {
            accounts.update(caller, tenant, id, parsed.fields(), SOURCE, origin);
        } catch (ApiException e) {
            throw e.status() == HttpStatus.CONFLICT ? ScimException.uniqueness(e.getMessage()) : e;
        }
        accounts.setActive(caller, tenant, id, parsed.active(), SOURCE, origin);
        store.saveUser(tenant.id(), id, parsed.externalId(), parsed.attributes(), clock.instant());
        return get(caller, tenant, id);
    }

    /** Reads a User resource, refusing what is malformed or unknown with the attribute named. */
    static Parsed parse(JsonNode body, @Nullable UUID id) {
        if (!body.isObject()) {
            throw ScimException.invalidSyntax("a User is a JSON object");
        }
        JsonNode schemas = ScimFilter.field(body, "schemas");
        if (schemas == null || !schemas.isArray() || schemas.values().stream()
                .noneMatch(schema -> schema.isString() && schema.asString().equals(ScimFilter.USER_SCHEMA))) {
            throw ScimException.invalidSyntax("schemas must hold " + ScimFilter.USER_SCHEMA);
        }
        ObjectNode attributes = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> property : body.properties()) {
            String name = property.getKey().toLowerCase(Locale.ROOT);
            if (!KNOWN.contains(name)) {
                throw ScimException.invalidValue("unknown attribute " + property.getKey() + " of a User");
            }
            if (!NOT_KEPT.contains(name) && !property.getValue().isNull()) {
                attributes.set(property.getKey(), property.getValue());
            }
        }
        JsonNode givenId = ScimFilter.field(body, "id");
        if (givenId != null && !givenId.isNull() && (id == null || !givenId.asString().equals(id.toString()))) {
            throw ScimException.mutability("id is assigned by Gatehouse and never changes");
        }
        JsonNode roles = ScimFilter.field(body, "roles");
        if (roles != null && !roles.isNull() && (!roles.isArray() || !roles.isEmpty())) {
            throw ScimException.invalidValue("roles: a user's roles come from their Groups (a group maps to roles)");
        }
        String username = text(body, "userName", true);
        JsonNode name = ScimFilter.field(body, "name");
        if (name != null && !name.isNull() && !name.isObject()) {
            throw ScimException.invalidValue("name must be an object");
        }
        JsonNode enterprise = ScimFilter.field(body, ScimFilter.ENTERPRISE_SCHEMA);
        if (enterprise != null && !enterprise.isNull() && !enterprise.isObject()) {
            throw ScimException.invalidValue(ScimFilter.ENTERPRISE_SCHEMA + " must be an object");
        }
        String givenName = name == null ? null : text(name, "givenName", false);
        String familyName = name == null ? null : text(name, "familyName", false);
        String email = chosen(body, "emails");
        String phone = chosen(body, "phoneNumbers");
        return new Parsed(new ProvisionedAccounts.Fields(username, givenName, familyName, email, phone), active(body),
                text(body, "externalId", false), attributes);
    }

    /** RFC 7643 §4.1.1 active, a boolean; Entra ID has sent it as the string "True" or "False". */
    private static boolean active(JsonNode body) {
        JsonNode active = ScimFilter.field(body, "active");
        if (active == null || active.isNull()) {
            return true;
        }
        if (active.isBoolean()) {
            return active.booleanValue();
        }
        if (active.isString() && (active.asString().equalsIgnoreCase("true") || active.asString().equalsIgnoreCase("false"))) {
            return active.asString().equalsIgnoreCase("true");
        }
        throw ScimException.invalidValue("active must be true or false");
    }

    private static @Nullable String text(JsonNode node, String attribute, boolean required) {
        JsonNode value = ScimFilter.field(node, attribute);
        if (value == null || value.isNull()) {
            if (required) {
                throw ScimException.invalidValue(attribute + " is required");
            }
            return null;
        }
        if (!value.isString()) {
            throw ScimException.invalidValue(attribute + " must be a string");
        }
        return value.asString();
    }

    /** The value Gatehouse keeps of a multi-valued attribute: the primary one, else type work, else the first. */
    private static @Nullable String chosen(JsonNode body, String attribute) {
        JsonNode values = ScimFilter.field(body, attribute);
        if (values == null || values.isNull()) {
            return null;
        }
        if (!values.isArray()) {
            throw ScimException.invalidValue(attribute + " must be a list");
        }
        int primaries = 0;
        for (JsonNode value : values) {
            if (!value.isObject()) {
                throw ScimException.invalidValue(attribute + " holds objects with value, type and primary");
            }
            text(value, "value", false);
            JsonNode primary = ScimFilter.field(value, "primary");
            if (primary != null && primary.isBoolean() && primary.booleanValue()) {
                primaries++;
            }
        }
        if (primaries > 1) {
            // RFC 7643 §2.4: primary is true of at most one value.
            throw ScimException.invalidValue(attribute + ": at most one value is primary");
        }
        JsonNode picked = pick(values);
        return picked == null ? null : text(picked, "value", false);
    }

    private static @Nullable JsonNode pick(JsonNode values) {
        JsonNode work = null;
        for (JsonNode value : values) {
            JsonNode primary = ScimFilter.field(value, "primary");
            if (primary != null && primary.asBoolean(false)) {
                return value;
            }
            JsonNode type = ScimFilter.field(value, "type");
            if (work == null && type != null && type.isString() && type.asString().equalsIgnoreCase("work")) {
                work = value;
            }
        }
        return work != null ? work : values.isEmpty() ? null : values.get(0);
    }

    /** The User resource: what is kept beside the account, with the account's own fields laid over it. */
    private ObjectNode render(TenantScope.Scoped tenant, UserAccount user, ScimStore.@Nullable UserRow row) {
        ObjectNode resource = JsonNodeFactory.instance.objectNode();
        ObjectNode kept = row == null ? JsonNodeFactory.instance.objectNode() : row.attributes().deepCopy();
        ArrayNode schemas = resource.putArray("schemas").add(ScimFilter.USER_SCHEMA);
        if (ScimFilter.field(kept, ScimFilter.ENTERPRISE_SCHEMA) != null) {
            schemas.add(ScimFilter.ENTERPRISE_SCHEMA);
        }
        resource.put("id", user.id().toString());
        if (row != null && row.externalId() != null) {
            resource.put("externalId", row.externalId());
        }
        resource.put("userName", user.username());
        ObjectNode name = ScimFilter.field(kept, "name") instanceof ObjectNode given ? given
                : JsonNodeFactory.instance.objectNode();
        name.put(key(name, "givenName"), user.firstName());
        name.put(key(name, "familyName"), user.lastName());
        kept.remove(key(kept, "name"));
        resource.set("name", name);
        resource.put("active", !user.status().equals("DISABLED") && !user.status().equals("LOCKED"));
        reconcile(resource, kept, "emails", user.email());
        reconcile(resource, kept, "phoneNumbers", user.phone());
        for (Map.Entry<String, JsonNode> property : kept.properties()) {
            resource.set(property.getKey(), property.getValue());
        }
        ObjectNode meta = resource.putObject("meta");
        meta.put("resourceType", "User");
        Instant created = row != null && row.createdAt().isBefore(user.createdAt()) ? row.createdAt() : user.createdAt();
        Instant modified = row != null && row.updatedAt().isAfter(user.updatedAt()) ? row.updatedAt() : user.updatedAt();
        meta.put("created", created.toString());
        meta.put("lastModified", modified.toString());
        meta.put("location", base(tenant) + "/Users/" + user.id());
        return ScimResources.versioned(resource);
    }

    /** The kept addresses (or numbers), the one Gatehouse keeps set to the account's, or that one alone. */
    private static void reconcile(ObjectNode resource, ObjectNode kept, String attribute, @Nullable String own) {
        JsonNode values = ScimFilter.field(kept, attribute);
        kept.remove(key(kept, attribute));
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        JsonNode picked = values != null && values.isArray() ? pick(values) : null;
        if (values != null && values.isArray()) {
            for (JsonNode value : values) {
                if (value != picked) {
                    result.add(value);
                } else if (own != null) {
                    ObjectNode updated = ((ObjectNode) value).deepCopy();
                    updated.put(key(updated, "value"), own);
                    result.add(updated);
                }
            }
        }
        if (picked == null && own != null) {
            ObjectNode added = JsonNodeFactory.instance.objectNode();
            added.put("value", own);
            added.put("type", "work");
            added.put("primary", true);
            result.insert(0, added);
        }
        if (!result.isEmpty()) {
            resource.set(attribute, result);
        }
    }

    private static String key(ObjectNode node, String name) {
        for (String existing : node.propertyNames()) {
            if (existing.equalsIgnoreCase(name)) {
                return existing;
            }
        }
        return name;
    }

    String base(TenantScope.Scoped tenant) {
        return publicUrl.base() + "/scim/v2/" + tenant.slug();
    }

    static UUID id(String text) {
        return Ids.parse(text).orElseThrow(() -> ScimException.notFound("resource " + text));
    }
}
