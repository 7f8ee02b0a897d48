package dev.gatehouse.server.identityproviders;

import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Ids;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserRoleService;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Connecting, changing and removing a tenant's identity providers (docs/api.md, "Identity providers
 * and provisioning"), for holders of {@code identity-providers.manage}. A provider's e-mail domains
 * are its own within the tenant; each mapping's role must exist and be one the caller may hand out
 * where it holds (the no-escalation rule of role assignments: a mapping is an assignment made later,
 * on the provider's word); the protocol checks and completes the configuration. Secrets are
 * write-only: sealed at rest, answered only as the names of those set. Each change and its audit
 * event (never with a secret) commit together.
 */
@Service
public class ProviderRegistry {

    public static final String MANAGE = "identity-providers.manage";
    /** Config of every kind: usernames whose password sign-in an enforced provider still allows ({@link EnforcedSignOn}). */
    public static final String BREAK_GLASS_USERS = "breakGlassUsers";
    static final int MAX_NAME = 100;
    static final int MAX_DOMAINS = 50;
    static final int MAX_MAPPINGS = 100;
    static final int MAX_TEXT = 256;
    static final Set<String> PRESETS = Set.of("ENTRA", "OKTA", "GOOGLE");
    private static final Set<String> FIELDS = Set.of("name", "kind", "preset", "domains", "config", "jitProvisioning",
            "mappings", "enforced", "enabled");
    private static final Set<String> MAPPING_FIELDS = Set.of("claim", "value", "group", "role", "location");
    // RFC 1035 §2.3.1 labels (letters, digits, hyphens inside), at least two, as an e-mail domain has.
    private static final Pattern DOMAIN = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

    /** A provider as the API answers it: its config without secrets, and which secrets are set. */
    public record View(UUID id, String name, ProviderKind kind, @Nullable String preset, List<String> domains,
            ObjectNode config, List<String> secretsSet, boolean jitProvisioning, List<Mapping> mappings,
            boolean enforced, boolean enabled, @Nullable String loginUrl, Map<String, String> endpoints,
            Instant createdAt, Instant updatedAt) {}

    private final ProviderStore store;
    private final Map<ProviderKind, ProviderProtocol> protocols = new EnumMap<>(ProviderKind.class);
    private final Access access;
    private final Actors actors;
    private final UserRoleService roles;
    private final AuditLog audit;
    private final TenantDirectory tenants;
    private final PublicUrl publicUrl;
    private final Clock clock;
    private final AccessChanges changes;

    ProviderRegistry(ProviderStore store, ObjectProvider<ProviderProtocol> protocols, Access access, Actors actors,
            UserRoleService roles, AuditLog audit, TenantDirectory tenants, PublicUrl publicUrl, Clock clock, AccessChanges changes) {
        this.store = store;
        // None until a protocol part is installed: a kind without its bean is refused at save. One bean per
        // kind ships; should a test add its own ahead of it (@Order), the first in order speaks for the kind,
        // as in Discovery.
        for (ProviderProtocol protocol : protocols.orderedStream().toList()) {
            this.protocols.putIfAbsent(protocol.kind(), protocol);
        }
        this.access = access;
        this.actors = actors;
        this.roles = roles;
        this.audit = audit;
        this.tenants = tenants;
        this.publicUrl = publicUrl;
        this.clock = clock;
        this.changes = changes;
    }

    @Transactional(readOnly = true)
    public List<View> list(Caller caller, TenantId tenant) {
        access.require(caller, MANAGE, null);
        return store.all(tenant).stream().map(this::view).toList();
    }

    @Transactional(readOnly = true)
    public View get(Caller caller, TenantId tenant, UUID id) {
        access.require(caller, MANAGE, null);
        return view(store.find(tenant, id).orElseThrow(() -> notFound(id)));
    }

    @Transactional
    public View create(Caller caller, TenantId tenant, JsonNode body, Origin origin) {
        access.require(caller, MANAGE, null);
        UUID id = UUID.randomUUID();
        Instant now = clock.instant();
        ProviderStore.Row row = edited(caller, tenant, null, id, object(body), now);
        store.insert(row);
        record(caller, tenant, "IDENTITY_PROVIDER_CREATED", row, described(row), origin);
        enforcementMayDiffer(tenant);
        return view(store.find(tenant, id).orElseThrow());
    }

    @Transactional
    public View update(Caller caller, TenantId tenant, UUID id, JsonNode body, Origin origin) {
        access.require(caller, MANAGE, null);
        ObjectNode patch = object(body);
        // The body is read before the provider is looked for: an unknown field is a 400 whatever the id.
        List<FieldError> unknown = unknownFields(patch);
        if (!unknown.isEmpty()) {
            throw ApiException.badRequest(unknown);
        }
        ProviderStore.Row before = store.findForUpdate(tenant, id).orElseThrow(() -> notFound(id));
        ProviderStore.Row after = edited(caller, tenant, before, id, patch, clock.instant());
        store.update(after);
        Map<String, Object> details = described(after);
        details.put("changed", changed(before, after));
        record(caller, tenant, "IDENTITY_PROVIDER_UPDATED", after, details, origin);
        enforcementMayDiffer(tenant);
        return view(store.find(tenant, id).orElseThrow());
    }

    @Transactional
    public void delete(Caller caller, TenantId tenant, UUID id, Origin origin) {
        access.require(caller, MANAGE, null);
        ProviderStore.Row row = store.findForUpdate(tenant, id).orElseThrow(() -> notFound(id));
        store.delete(tenant, id);
        record(caller, tenant, "IDENTITY_PROVIDER_DELETED", row, described(row), origin);
        enforcementMayDiffer(tenant);
    }

    /**
     * Every node keeps the tenant's enforced providers ({@link EnforcedSignOn}) until the tenant is
     * announced as changed: on this node right after the commit, on the others within about a quarter
     * of a second (PostgreSQL NOTIFY).
     */
    private void enforcementMayDiffer(TenantId tenant) {
        changes.policyChanged(tenant);
    }

    /** The kinds whose protocol is installed: the console offers only those. */
    public Set<ProviderKind> availableKinds() {
        return protocols.keySet();
    }

    /** The secret config fields of a kind, for the console's form. */
    public Set<String> secretFields(ProviderKind kind) {
        ProviderProtocol protocol = protocols.get(kind);
        return protocol == null ? Set.of() : protocol.secretFields();
    }

    private static List<FieldError> unknownFields(ObjectNode body) {
        List<FieldError> errors = new ArrayList<>();
        for (String field : body.propertyNames()) {
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError(field, "is not a field of an identity provider"));
            }
        }
        return errors;
    }

    /**
     * The row a create ({@code before} null) or a patch makes, every field checked; 400 naming every
     * field at fault, 403 when a mapping would hand out more than the caller may.
     */
    private ProviderStore.Row edited(Caller caller, TenantId tenant, ProviderStore.@Nullable Row before, UUID id,
            ObjectNode body, Instant now) {
        List<FieldError> errors = unknownFields(body);
        String name = before == null || body.has("name") ? name(tenant, id, body.get("name"), errors) : before.name();
        ProviderKind kind = before != null ? before.kind() : kind(body.get("kind"), errors);
        if (before != null && body.has("kind") && !body.get("kind").asString("").equals(before.kind().name())) {
            errors.add(new FieldError("kind", "cannot change; remove the provider and connect a new one"));
        }
        String preset = before == null || body.has("preset") ? preset(kind, body.get("preset"), errors) : before.preset();
        List<String> domains = before == null || body.has("domains") ? domains(tenant, id, body.get("domains"), errors)
                : before.domains();
        boolean jit = bool(body, "jitProvisioning", before == null ? false : before.jit(), errors);
        boolean enforced = bool(body, "enforced", before == null ? false : before.enforced(), errors);
        if (enforced && kind == ProviderKind.LDAP) {
            // A directory's people sign in with its password (ldap's DirectoryPasswords): refusing the
            // password step would shut them out, so only browser sign-in providers can be enforced.
            errors.add(new FieldError("enforced", "applies to OIDC and SAML providers; a directory's people sign in"
                    + " with their directory password"));
        }
        boolean enabled = bool(body, "enabled", before == null ? true : before.enabled(), errors);
        List<Mapping> mappings = before == null || body.has("mappings") ? mappings(tenant, body.get("mappings"), errors)
                : before.mappings();
        ObjectNode config = before == null ? JsonNodeFactory.instance.objectNode() : before.config().deepCopy();
        Map<String, String> secrets = before == null ? new LinkedHashMap<>() : new LinkedHashMap<>(before.secrets());
        ProviderProtocol protocol = kind == null ? null : protocols.get(kind);
        if (kind != null && protocol == null) {
            errors.add(new FieldError("config", "kind " + kind + " not available"));
        }
        if (protocol != null && (before == null || body.has("config") || body.has("preset"))) {
            JsonNode given = body.get("config");
            if (given != null && !given.isObject() && !given.isNull()) {
                errors.add(new FieldError("config", "must be an object"));
            } else {
                if (given != null && given.isObject()) {
                    config = splitSecrets((ObjectNode) given, protocol.secretFields(), secrets, errors);
                }
                // The registry's own config field, whatever the kind: the protocol never sees it.
                JsonNode breakGlass = breakGlassUsers(config.remove(BREAK_GLASS_USERS), errors);
                if (errors.isEmpty()) {
                    config = protocol.prepare(preset, config, Map.copyOf(secrets), id, tenants.slug(tenant), errors);
                    if (breakGlass != null) {
                        config.set(BREAK_GLASS_USERS, breakGlass);
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        Objects.requireNonNull(kind);
        Objects.requireNonNull(name);
        // A mapping is an assignment the provider makes later: whoever writes it must be able to make it now.
        if (before == null || body.has("mappings")) {
            Set<Mapping> already = before == null ? Set.of() : new LinkedHashSet<>(before.mappings());
            for (Mapping mapping : mappings) {
                if (!already.contains(mapping)) {
                    roles.requireMayGrant(caller, mapping.role(), mapping.location());
                }
            }
        }
        return new ProviderStore.Row(tenant, id, name, kind, preset, domains, config, secrets, jit, mappings, enforced,
                enabled, before == null ? JsonNodeFactory.instance.objectNode() : before.state(),
                before == null ? now : before.createdAt(), now);
    }

    /** Usernames still allowed a password when the provider is enforced: a list of at most 50 texts. */
    private static @Nullable JsonNode breakGlassUsers(@Nullable JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        boolean valid = value.isArray() && value.size() <= 50;
        if (valid) {
            for (JsonNode user : value) {
                valid &= user.isString() && !user.asString().isBlank() && user.asString().length() <= 64;
            }
        }
        if (!valid) {
            errors.add(new FieldError("config." + BREAK_GLASS_USERS, "must be a list of at most 50 usernames"));
            return null;
        }
        return value;
    }

    /**
     * The config without its secret fields, which go to {@code secrets}: a text sets one, null
     * clears it, leaving it out keeps what is stored.
     */
    private static ObjectNode splitSecrets(ObjectNode given, Set<String> secretFields, Map<String, String> secrets,
            List<FieldError> errors) {
        ObjectNode config = given.deepCopy();
        for (String field : secretFields) {
            JsonNode value = config.remove(field);
            if (value == null) {
                continue;
            }
            if (value.isNull()) {
                secrets.remove(field);
            } else if (value.isString() && !value.asString().isEmpty()) {
                secrets.put(field, value.asString());
            } else {
                errors.add(new FieldError("config." + field, "must be a text, or null to remove it"));
            }
        }
        return config;
    }

    private @Nullable String name(TenantId tenant, UUID id, @Nullable JsonNode value, List<FieldError> errors) {
        if (value == null || !value.isString() || value.asString().isBlank()) {
            errors.add(new FieldError("name", "is required"));
            return null;
        }
        String name = value.asString().strip();
        if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("name", "must be at most " + MAX_NAME + " characters, without control characters"));
            return null;
        }
        if (store.nameTaken(tenant, name, id)) {
            errors.add(new FieldError("name", "another identity provider of this tenant has this name"));
            return null;
        }
        return name;
    }

    private static @Nullable ProviderKind kind(@Nullable JsonNode value, List<FieldError> errors) {
        if (value == null || !value.isString()) {
            errors.add(new FieldError("kind", "is required: OIDC, SAML or LDAP"));
            return null;
        }
        try {
            return ProviderKind.valueOf(value.asString());
        } catch (IllegalArgumentException unknown) {
            errors.add(new FieldError("kind", "must be OIDC, SAML or LDAP"));
            return null;
        }
    }

    private static @Nullable String preset(@Nullable ProviderKind kind, @Nullable JsonNode value,
            List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString() || !PRESETS.contains(value.asString())) {
            errors.add(new FieldError("preset", "must be ENTRA, OKTA or GOOGLE"));
            return null;
        }
        if (kind != ProviderKind.OIDC) {
            errors.add(new FieldError("preset", "presets are OpenID Connect providers; only with kind OIDC"));
            return null;
        }
        return value.asString();
    }

    private List<String> domains(TenantId tenant, UUID id, @Nullable JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray() || value.size() > MAX_DOMAINS) {
            errors.add(new FieldError("domains", "must be a list of at most " + MAX_DOMAINS + " domain names"));
            return List.of();
        }
        Set<String> domains = new LinkedHashSet<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String domain = item.isString() ? item.asString().strip().toLowerCase(Locale.ROOT) : "";
            if (!DOMAIN.matcher(domain).matches()) {
                errors.add(new FieldError("domains[" + i + "]", "is not a domain name (example: clinic.example)"));
                continue;
            }
            Optional<String> claimant = store.claimantOf(tenant, domain, id);
            if (claimant.isPresent()) {
                errors.add(new FieldError("domains[" + i + "]", "identity provider " + claimant.get()
                        + " of this tenant has this domain already"));
                continue;
            }
            domains.add(domain);
        }
        return List.copyOf(domains);
    }

    private List<Mapping> mappings(TenantId tenant, @Nullable JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray() || value.size() > MAX_MAPPINGS) {
            errors.add(new FieldError("mappings", "must be a list of at most " + MAX_MAPPINGS + " rules"));
            return List.of();
        }
        TenantPolicy policy = access.policy(tenant).orElseThrow(() -> ApiException.notFound("tenant"));
        List<Mapping> mappings = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String at = "mappings[" + i + "]";
            JsonNode item = value.get(i);
            if (!item.isObject()) {
                errors.add(new FieldError(at, "must be an object {claim and value, or group; role; location?}"));
                continue;
            }
            int before = errors.size();
            for (String field : item.propertyNames()) {
                if (!MAPPING_FIELDS.contains(field)) {
                    errors.add(new FieldError(at + "." + field, "is not a field of a mapping"));
                }
            }
            String claim = text(item, "claim", at, errors);
            String claimValue = text(item, "value", at, errors);
            String group = text(item, "group", at, errors);
            String role = text(item, "role", at, errors);
            String location = text(item, "location", at, errors);
            if (group != null && (claim != null || claimValue != null)) {
                errors.add(new FieldError(at + ".group", "a rule matches a group or a claim's value, not both"));
            } else if (group == null && (claim == null || claimValue == null)) {
                errors.add(new FieldError(at + (claim == null ? ".claim" : ".value"),
                        "is required: a rule matches a group, or a claim with a value"));
            }
            if (role == null) {
                errors.add(new FieldError(at + ".role", "is required"));
            } else if (policy.role(role).isEmpty()) {
                errors.add(new FieldError(at + ".role", "unknown role"));
            }
            if (location != null) {
                location = Ids.canonical(location);
                if (!policy.locations().contains(location)) {
                    errors.add(new FieldError(at + ".location", "unknown location"));
                }
            }
            if (errors.size() == before && role != null) {
                mappings.add(new Mapping(claim, claimValue, group, role, location));
            }
        }
        return List.copyOf(mappings);
    }

    private static @Nullable String text(JsonNode item, String field, String at, List<FieldError> errors) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString() || value.asString().isBlank() || value.asString().length() > MAX_TEXT) {
            errors.add(new FieldError(at + "." + field, "must be a text of at most " + MAX_TEXT + " characters"));
            return null;
        }
        return value.asString().strip();
    }

    private static boolean bool(ObjectNode body, String field, boolean otherwise, List<FieldError> errors) {
        JsonNode value = body.get(field);
        if (value == null) {
            return otherwise;
        }
        if (!value.isBoolean()) {
            errors.add(new FieldError(field, "must be true or false"));
            return otherwise;
        }
        return value.asBoolean();
    }

    private static ObjectNode object(@Nullable JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object");
        }
        return (ObjectNode) body;
    }

    View view(ProviderStore.Row row) {
        String slug = tenants.slug(row.tenant());
        ProviderProtocol protocol = protocols.get(row.kind());
        String loginPath = protocol == null ? null : protocol.loginPath(slug, row.id());
        String base = publicUrl.base();
        Map<String, String> endpoints = new LinkedHashMap<>();
        switch (row.kind()) {
            case OIDC -> endpoints.put("redirectUri", base + "/sso/oidc/" + slug + "/" + row.id() + "/callback");
            case SAML -> {
                endpoints.put("acsUrl", base + "/sso/saml/" + slug + "/" + row.id() + "/acs");
                endpoints.put("metadataUrl", base + "/sso/saml/" + slug + "/" + row.id() + "/metadata");
            }
            case LDAP -> { }
        }
        return new View(row.id(), row.name(), row.kind(), row.preset(), row.domains(), row.config(),
                List.copyOf(new TreeSet<>(row.secrets().keySet())), row.jit(), row.mappings(), row.enforced(),
                row.enabled(), loginPath == null ? null : base + loginPath, endpoints, row.createdAt(), row.updatedAt());
    }

    /** What the trail says of a provider: never its config's secrets (nor the config, which may name hosts only). */
    private static Map<String, Object> described(ProviderStore.Row row) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", row.name());
        details.put("kind", row.kind().name());
        if (row.preset() != null) {
            details.put("preset", row.preset());
        }
        details.put("domains", row.domains());
        details.put("jitProvisioning", row.jit());
        details.put("enforced", row.enforced());
        details.put("enabled", row.enabled());
        details.put("mappings", row.mappings().stream().map(ProviderRegistry::describe).toList());
        details.put("secretsSet", List.copyOf(new TreeSet<>(row.secrets().keySet())));
        return details;
    }

    private static String describe(Mapping mapping) {
        String when = mapping.group() != null ? "group " + mapping.group()
                : "claim " + mapping.claim() + "=" + mapping.value();
        return when + " -> " + mapping.role() + (mapping.location() == null ? "" : "@" + mapping.location());
    }

    private static List<String> changed(ProviderStore.Row before, ProviderStore.Row after) {
        List<String> changed = new ArrayList<>();
        if (!before.name().equals(after.name())) {
            changed.add("name");
        }
        if (!Objects.equals(before.preset(), after.preset())) {
            changed.add("preset");
        }
        if (!before.domains().equals(after.domains())) {
            changed.add("domains");
        }
        if (!before.config().equals(after.config())) {
            changed.add("config");
        }
        for (String secret : new TreeSet<>(union(before.secrets().keySet(), after.secrets().keySet()))) {
            if (!Objects.equals(before.secrets().get(secret), after.secrets().get(secret))) {
                changed.add("config." + secret);
            }
        }
        if (before.jit() != after.jit()) {
            changed.add("jitProvisioning");
        }
        if (!before.mappings().equals(after.mappings())) {
            changed.add("mappings");
        }
        if (before.enforced() != after.enforced()) {
            changed.add("enforced");
        }
        if (before.enabled() != after.enabled()) {
            changed.add("enabled");
        }
        return changed;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private void record(Caller caller, TenantId tenant, String action, ProviderStore.Row row,
            Map<String, Object> details, Origin origin) {
        audit.record(tenant, action, actors.actor(caller), new AuditLog.Target("identity-provider",
                row.id().toString(), row.name()), origin.ip(), origin.userAgent(), details);
    }

    private static ApiException notFound(UUID id) {
        return ApiException.notFound("identity provider " + id);
    }
}
