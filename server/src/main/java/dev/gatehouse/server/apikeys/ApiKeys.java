package dev.gatehouse.server.apikeys;

import dev.gatehouse.engine.Permission;
import dev.gatehouse.engine.PermissionCatalog;
import dev.gatehouse.engine.TenantPolicy;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.access.Actors;
import dev.gatehouse.server.access.Members;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Making, listing, rotating and revoking API keys (docs/api.md, "Applications"). A key belongs to
 * the person who made it (a person makes keys only for themselves), or to a service account the
 * maker may act on — {@code users.edit} and covering it ({@code Access.covers}). Keys are
 * made and rotated only from a signed-in session: a key minting keys could outlive any revocation.
 * Every change and its audit event commit together, and announce the owner as changed, which drops
 * the key from every node's cache within about a second.
 */
@Service
public class ApiKeys {

    /** Who may see and look after keys of others: the same as for their accounts. */
    static final String READ_OTHERS = "users.read";
    static final String EDIT_OTHERS = "users.edit";
    static final int MAX_SCOPES = 50;
    static final int MAX_NAME = 100;
    /** Seven days: long enough for a deployment that rolls out once a week, short enough to be a window. */
    static final int MAX_OVERLAP_HOURS = 168;
    static final int DEFAULT_OVERLAP_HOURS = 24;

    /** What a new key asks for, as sent. */
    public record NewKey(@Nullable String name, @Nullable String serviceAccount, @Nullable List<String> scopes,
            @Nullable List<String> locations, @Nullable Instant expiresAt, @Nullable RateLimit rateLimit) {}

    public record RateLimit(@Nullable Integer requests, @Nullable Integer perSeconds) {}

    /** A key and the secret shown this once. */
    public record Issued(ApiKeyView key, String secret) {}

    private final KeyStore keys;
    private final KeyUsage usage;
    private final Access access;
    private final AccessChanges changes;
    private final Actors actors;
    private final Members members;
    private final UserStore users;
    private final TenantSettingsStore settings;
    private final AuditLog audit;
    private final Clock clock;

    ApiKeys(KeyStore keys, KeyUsage usage, Access access, AccessChanges changes, Actors actors, Members members,
            UserStore users, TenantSettingsStore settings, AuditLog audit, Clock clock) {
        this.users = users;
        this.keys = keys;
        this.usage = usage;
        this.access = access;
        this.changes = changes;
        this.actors = actors;
        this.members = members;
        this.settings = settings;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public Issued create(Caller caller, TenantId tenant, NewKey request, Origin origin) {
        caller.requireSession("make API keys");
        Instant now = clock.instant();
        TenantSettings.ApiKeyPolicy policy = settings.of(tenant).apiKeyPolicy();
        List<FieldError> errors = new ArrayList<>();
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            errors.add(new FieldError("name", "is required, at most " + MAX_NAME + " characters"));
        }
        UUID owner = ownerOf(caller, tenant, request.serviceAccount(), errors);
        List<String> scopes = scopes(tenant, request.scopes(), errors);
        List<String> locations = locations(tenant, request.locations(), errors);
        Instant expiresAt = expiry(request.expiresAt(), policy, now, errors);
        TenantSettings.RateLimit limit = rateLimit(request.rateLimit(), policy, errors);
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        if (!owner.equals(caller.userId())) {
            access.require(caller, EDIT_OTHERS, null);
            access.requireCovers(caller, owner, null, EDIT_OTHERS, "make an API key for");
        }
        String publicId = KeySecrets.newPublicId();
        String secret = KeySecrets.newKey(publicId);
        KeyStore.Key key = new KeyStore.Key(tenant, UUID.randomUUID(), publicId, name, owner, caller.userId(), scopes,
                locations, limit.requests(), limit.perSeconds(), now, expiresAt, null, null, null, null, null);
        keys.insert(key, KeySecrets.hash(secret));
        Map<String, Object> details = details(key, ownerName(tenant, owner));
        details.put("expiresAt", expiresAt.toString());
        details.put("rateLimit", Map.of("requests", limit.requests(), "perSeconds", limit.perSeconds()));
        record(caller, "API_KEY_CREATED", key, details, origin);
        return new Issued(listed(tenant, List.of(key)).getFirst(), secret);
    }

    /** The keys the caller may see: their own, and, with users.read, those of the service accounts they cover. */
    public List<ApiKeyView> list(Caller caller, TenantId tenant, @Nullable UUID owner) {
        boolean others = access.allows(caller, READ_OTHERS, null);
        List<KeyStore.Key> all = keys.all(tenant, owner);
        Set<UUID> services = others ? users.serviceAccounts(tenant, all.stream().map(KeyStore.Key::owner)
                .filter(o -> !o.equals(caller.userId())).distinct().toList()) : Set.of();
        Map<UUID, Boolean> visible = new LinkedHashMap<>();
        List<KeyStore.Key> seen = all.stream()
                .filter(key -> visible.computeIfAbsent(key.owner(), o -> o.equals(caller.userId())
                        || services.contains(o) && access.covers(caller, o, null).allowed()))
                .toList();
        return listed(tenant, seen);
    }

    public ApiKeyView get(Caller caller, TenantId tenant, UUID id) {
        KeyStore.Key key = keys.find(tenant, id)
                .filter(found -> mayRead(caller, found.owner(), access.allows(caller, READ_OTHERS, null)))
                .orElseThrow(() -> ApiException.notFound("API key " + id));
        return listed(tenant, List.of(key)).getFirst();
    }

    @Transactional
    public Issued rotate(Caller caller, TenantId tenant, UUID id, @Nullable Integer overlapHours, Origin origin) {
        caller.requireSession("rotate API keys");
        if (overlapHours != null && (overlapHours < 0 || overlapHours > MAX_OVERLAP_HOURS)) {
            throw ApiException.badRequest("overlapHours", "must be between 0 and " + MAX_OVERLAP_HOURS);
        }
        KeyStore.Key key = editable(caller, tenant, id, "rotate an API key of");
        Instant now = clock.instant();
        String status = key.status(now);
        if (status.equals("REVOKED") || status.equals("EXPIRED")) {
            throw ApiException.conflict("the key is " + status.toLowerCase(java.util.Locale.ROOT)
                    + "; make a new one instead");
        }
        Duration overlap = Duration.ofHours(overlapHours == null ? DEFAULT_OVERLAP_HOURS : overlapHours);
        Instant previousUntil = now.plus(overlap).isAfter(key.expiresAt()) ? key.expiresAt() : now.plus(overlap);
        String secret = KeySecrets.newKey(key.publicId());
        keys.rotate(tenant, id, KeySecrets.hash(secret), now, previousUntil);
        Map<String, Object> details = details(key, ownerName(tenant, key.owner()));
        details.put("overlapHours", overlap.toHours());
        details.put("previousWorksUntil", previousUntil.toString());
        record(caller, "API_KEY_ROTATED", key, details, origin);
        changes.subjectChanged(tenant, key.owner());
        return new Issued(listed(tenant, List.of(keys.find(tenant, id).orElseThrow())).getFirst(), secret);
    }

    @Transactional
    public void revoke(Caller caller, TenantId tenant, UUID id, Origin origin) {
        KeyStore.Key key = editable(caller, tenant, id, "revoke an API key of");
        if (key.revokedAt() != null) {
            return;
        }
        revoke(tenant, key, actors.actor(caller), "revoked", origin);
    }

    /**
     * Revokes every key of a user whose account closes, in the closing transaction, each audited as
     * done by whoever closed it (issue 12: deleting or disabling a service account kills its keys).
     */
    @Transactional
    void revokeAllOf(TenantId tenant, UUID owner, AuditLog.Actor by, String why, Origin origin) {
        for (KeyStore.Key key : keys.unrevokedOf(tenant, owner)) {
            revoke(tenant, key, by, why, origin);
        }
    }

    private void revoke(TenantId tenant, KeyStore.Key key, AuditLog.Actor by, String why, Origin origin) {
        keys.revoke(tenant, key.id(), clock.instant());
        Map<String, Object> details = details(key, ownerName(tenant, key.owner()));
        details.put("reason", why);
        audit.record(tenant, "API_KEY_REVOKED", by, target(key), origin.ip(), origin.userAgent(), details);
        changes.subjectChanged(tenant, key.owner());
    }

    /** The key, locked, when the caller may look after it: their own, or of a user they may edit and cover. */
    private KeyStore.Key editable(Caller caller, TenantId tenant, UUID id, String what) {
        KeyStore.Key key = keys.findForUpdate(tenant, id)
                .filter(found -> mayRead(caller, found.owner(), access.allows(caller, READ_OTHERS, null)))
                .orElseThrow(() -> ApiException.notFound("API key " + id));
        if (!key.owner().equals(caller.userId())) {
            access.require(caller, EDIT_OTHERS, null);
            access.requireCovers(caller, key.owner(), null, EDIT_OTHERS, what);
        }
        return key;
    }

    private boolean mayRead(Caller caller, UUID owner, boolean readsOthers) {
        return owner.equals(caller.userId()) || readsOthers && users.serviceAccounts(caller.tenant(), List.of(owner))
                .contains(owner) && access.covers(caller, owner, null).allowed();
    }

    private List<ApiKeyView> listed(TenantId tenant, List<KeyStore.Key> found) {
        Instant now = clock.instant();
        LocalDate today = now.atOffset(ZoneOffset.UTC).toLocalDate();
        Map<UUID, KeyStore.Use> use = new LinkedHashMap<>();
        keys.use(tenant, found.stream().map(KeyStore.Key::id).toList(), today).forEach(u -> use.put(u.key(), u));
        Map<UUID, String> names = new LinkedHashMap<>();
        members.named(tenant, found.stream().map(KeyStore.Key::owner).distinct().toList())
                .forEach(named -> names.put(named.id(), named.username()));
        return found.stream().map(key -> {
            KeyStore.Use used = use.getOrDefault(key.id(), new KeyStore.Use(key.id(), 0, 0));
            long pending = usage.pending(tenant, key.id(), today);
            return ApiKeyView.of(key, names.get(key.owner()),
                    new ApiKeyView.Usage(used.today() + pending, used.last30Days() + pending), now);
        }).toList();
    }

    /** The caller themselves, or the user named by {@code serviceAccount}. */
    private UUID ownerOf(Caller caller, TenantId tenant, @Nullable String serviceAccount, List<FieldError> errors) {
        if (serviceAccount == null || serviceAccount.isBlank()) {
            return caller.userId();
        }
        UUID owner = dev.gatehouse.server.shared.Ids.parse(serviceAccount.strip()).orElse(null);
        if (owner == null || members.username(tenant, owner).isEmpty()) {
            errors.add(new FieldError("serviceAccount", "is not a user of this tenant"));
            return caller.userId();
        }
        if (!owner.equals(caller.userId()) && !users.serviceAccounts(tenant, List.of(owner)).contains(owner)) {
            errors.add(new FieldError("serviceAccount", "is a person, not a service account; a person makes API keys"
                    + " only for themselves"));
            return caller.userId();
        }
        return owner;
    }

    /** Permission keys or patterns of the tenant's catalog: a pattern must cover at least one. */
    private List<String> scopes(TenantId tenant, @Nullable List<String> given, List<FieldError> errors) {
        if (given == null || given.isEmpty() || given.size() > MAX_SCOPES) {
            errors.add(new FieldError("scopes", "needs 1 to " + MAX_SCOPES
                    + " permission keys or patterns (patients.read, patients.*, *)"));
            return List.of();
        }
        PermissionCatalog catalog = access.policy(tenant).map(TenantPolicy::catalog).orElseThrow();
        Set<String> scopes = new java.util.LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String scope = given.get(i) == null ? "" : given.get(i).strip();
            boolean known = catalog.contains(scope) || Permission.isWildcard(scope)
                    && catalog.permissions().stream().anyMatch(p -> Permission.patternCovers(scope, p.key()));
            if (!known) {
                errors.add(new FieldError("scopes[" + i + "]", "is not a permission of this tenant's catalog, nor a"
                        + " pattern covering one"));
            }
            scopes.add(scope);
        }
        return List.copyOf(scopes);
    }

    private List<String> locations(TenantId tenant, @Nullable List<String> given, List<FieldError> errors) {
        if (given == null) {
            return List.of();
        }
        TenantPolicy policy = access.policy(tenant).orElseThrow();
        Set<String> locations = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String location = given.get(i) == null ? "" : given.get(i).strip();
            if (!policy.locations().contains(location)) {
                errors.add(new FieldError("locations[" + i + "]", "is not a location of this tenant"));
            }
            locations.add(location);
        }
        return locations.stream().sorted().toList();
    }

    private static Instant expiry(@Nullable Instant asked, TenantSettings.ApiKeyPolicy policy, Instant now,
            List<FieldError> errors) {
        Instant latest = now.plus(Duration.ofDays(policy.maxDays()));
        if (asked == null) {
            return now.plus(Duration.ofDays(Math.min(policy.defaultDays(), policy.maxDays())));
        }
        if (!asked.isAfter(now)) {
            errors.add(new FieldError("expiresAt", "must be in the future"));
        } else if (asked.isAfter(latest)) {
            errors.add(new FieldError("expiresAt", "must be at most " + policy.maxDays()
                    + " days ahead (the tenant's apiKeyPolicy.maxDays)"));
        }
        return asked;
    }

    private static TenantSettings.RateLimit rateLimit(@Nullable RateLimit asked, TenantSettings.ApiKeyPolicy policy,
            List<FieldError> errors) {
        if (asked == null) {
            return policy.rateLimit();
        }
        if (asked.requests() == null || asked.requests() < 1 || asked.requests() > 1_000_000) {
            errors.add(new FieldError("rateLimit.requests", "must be between 1 and 1000000"));
        }
        if (asked.perSeconds() == null || asked.perSeconds() < 1 || asked.perSeconds() > 86_400) {
            errors.add(new FieldError("rateLimit.perSeconds", "must be between 1 and 86400"));
        }
        return errors.isEmpty() ? new TenantSettings.RateLimit(asked.requests(), asked.perSeconds())
                : policy.rateLimit();
    }

    private @Nullable String ownerName(TenantId tenant, UUID owner) {
        return members.username(tenant, owner).orElse(null);
    }

    /** What every key event says: never the secret. */
    private static Map<String, Object> details(KeyStore.Key key, @Nullable String ownerName) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("prefix", key.prefix());
        details.put("name", key.name());
        details.put("scopes", key.scopes());
        details.put("locations", key.locations());
        details.put("owner", key.owner().toString());
        details.put("ownerUsername", String.valueOf(ownerName));
        return details;
    }

    private void record(Caller caller, String action, KeyStore.Key key, Map<String, Object> details, Origin origin) {
        audit.record(key.tenant(), action, actors.actor(caller), target(key), origin.ip(), origin.userAgent(), details);
    }

    private static AuditLog.Target target(KeyStore.Key key) {
        return new AuditLog.Target("apiKey", key.id().toString(), key.prefix());
    }
}
