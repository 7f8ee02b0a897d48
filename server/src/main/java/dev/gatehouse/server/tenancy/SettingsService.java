package dev.gatehouse.server.tenancy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.IpRules;
import dev.gatehouse.server.settings.SettingsDocument;
import dev.gatehouse.server.settings.SettingsInheritance;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantTree;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;

/**
 * Reads and changes a tenant's security settings, for the API and the console alike (one place
 * that resolves the tenant, asks the engine and audits). Only stores and returns them: enforcing
 * each policy belongs to the feature it governs (sign-in, sessions, second factors).
 */
@Service
public class SettingsService {

    private final Tenants tenants;
    private final TenantSettingsStore settings;
    private final Access access;
    private final AuditLog audit;
    private final AccessChanges changes;
    private final TenantTree tree;

    /**
     * Where a tenant's effective settings come from (docs/organisations.md): {@code inheritsFrom} is
     * its parent's slug (null without one), and each value's path names {@code own}, the slug of the
     * ancestor that set it, or {@code default}.
     */
    public record Origins(@JsonInclude(JsonInclude.Include.ALWAYS) @Nullable String inheritsFrom,
            Map<String, String> origins) {}

    SettingsService(Tenants tenants, TenantSettingsStore settings, Access access, AuditLog audit,
            AccessChanges changes, TenantTree tree) {
        this.tree = tree;
        this.tenants = tenants;
        this.settings = settings;
        this.access = access;
        this.audit = audit;
        this.changes = changes;
    }

    /**
     * The settings of the tenant {@code id} (a path's, resolved at the edge), for a caller holding settings.read there.
     *
     * @throws ApiException 403 without settings.read
     */
    @Transactional(readOnly = true)
    public SettingsView read(Caller caller, TenantId id) {
        access.require(caller, "settings.read", null);
        return get(id);
    }

    /**
     * Deep-merges {@code patch} into the settings of the tenant {@code id}, for a caller holding settings.edit.
     *
     * @throws ApiException 403 without settings.edit, 400
     *     naming every field at fault
     */
    @Transactional
    public SettingsView change(Caller caller, TenantId id, JsonNode patch, AuditLog.Actor actor, Origin origin) {
        access.require(caller, "settings.edit", null);
        requireDefaultRoleWithinCaller(caller, patch);
        return change(id, patch, actor, origin);
    }

    /**
     * {@code registration.defaultRole} is the role strangers get when they register, so setting it
     * is no way up to more power: the caller must hold everything the role grants, tenant-wide.
     */
    private void requireDefaultRoleWithinCaller(Caller caller, JsonNode patch) {
        JsonNode role = patch.path("registration").path("defaultRole");
        if (role.isString() && !role.asString().isBlank()) {
            List<String> beyond = access.grantsBeyondCaller(caller, role.asString().strip(), null);
            if (!beyond.isEmpty() && !beyond.equals(List.of(role.asString().strip()))) {
                throw ApiException.forbidden("you cannot make " + role.asString().strip() + " the role of everyone who"
                        + " registers: it grants " + String.join(", ", beyond.subList(0, Math.min(5, beyond.size())))
                        + " beyond your own access");
            }
        }
    }

    /**
     * Where each of the settings of {@code tenant} comes from, for a caller holding settings.read there.
     *
     * @throws ApiException 403 without settings.read
     */
    @Transactional(readOnly = true)
    public Origins origins(Caller caller, TenantId id) {
        access.require(caller, "settings.read", null);
        return origins(id);
    }

    @Transactional(readOnly = true)
    Origins origins(TenantId tenant) {
        List<TenantTree.Link> lineage = tree.lineage(tenant);
        return new Origins(lineage.size() > 1 ? lineage.get(1).slug() : null, settings.origins(tenant));
    }

    /**
     * Drops the tenant's own value at {@code path} (a field, a section, or {@code *} for all), so it
     * follows its parent again (the default, without a parent), for a caller holding settings.edit.
     *
     * @throws ApiException 403 without settings.edit, 400
     *     naming {@code path} for no such field
     */
    @Transactional
    public SettingsView inherit(Caller caller, TenantId id, String path, AuditLog.Actor actor, Origin origin) {
        access.require(caller, "settings.edit", null);
        return inherit(id, path, actor, origin);
    }

    /** {@link #inherit(Caller, String, String, AuditLog.Actor, Origin)} once the caller was let in. */
    @Transactional
    SettingsView inherit(TenantId tenant, String path, AuditLog.Actor actor, Origin origin) {
        SettingsDocument.Patched outcome = SettingsInheritance.inherit(tenants.settingsJsonForUpdate(tenant),
                settings.inheritedJson(tenant), path);
        requireOwnAddressAdmitted(outcome, actor, origin);
        store(tenant, outcome, actor, origin, Map.of("inherited", path));
        return SettingsView.of(outcome.settings());
    }

    /** What a new tenant starts with; a field a tenant never changed reads as this. */
    public SettingsView defaults() {
        return SettingsView.of(TenantSettings.DEFAULTS);
    }

    @Transactional(readOnly = true)
    SettingsView get(TenantId tenant) {
        return SettingsView.of(settings.of(tenant));
    }

    /** Deep-merges {@code patch} into the settings; records the changed fields' values before and after. */
    @Transactional
    SettingsView change(TenantId tenant, JsonNode patch, AuditLog.Actor actor, Origin origin) {
        SettingsDocument.Patched outcome = SettingsInheritance.patch(tenants.settingsJsonForUpdate(tenant),
                settings.inheritedJson(tenant), patch,
                role -> access.policy(tenant).flatMap(policy -> policy.role(role)).isPresent());
        requireOwnAddressAdmitted(outcome, actor, origin);
        // Issue 16 (guests): anonymous checks are answered as the pack's GUEST role; a pack without one has no guest.
        if (outcome.settings().guestAccess() && outcome.after().containsKey("guestAccess")
                && !access.hasGuestRole(tenant)) {
            throw ApiException.badRequest("guestAccess", "this tenant has no GUEST role, so it cannot let guests in;"
                    + " add a role with the key GUEST first");
        }
        store(tenant, outcome, actor, origin, Map.of());
        return SettingsView.of(outcome.settings());
    }

    /**
     * Stores the document (always: a child's own fields may change while its effective values do
     * not) and, when a value changed, audits it and tells every cache; the tenants below it inherit
     * the change, so theirs are told too.
     */
    private void store(TenantId tenant, SettingsDocument.Patched outcome, AuditLog.Actor actor, Origin origin,
            Map<String, Object> extra) {
        tenants.updateSettings(tenant, outcome.json());
        if (!outcome.changed()) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>(extra);
        details.put("before", outcome.before());
        details.put("after", outcome.after());
        audit.record(tenant, "SETTINGS_CHANGED", actor,
                new AuditLog.Target("tenant", tenant.toString(),
                        tenants.find(tenant).map(Tenant::slug).orElse(null)), origin.ip(), origin.userAgent(),
                details);
        // The tenant's policies (IP allowlist, required second factors) apply before the engine's
        // step 2 (docs/access-model.md, "Decision"): whatever caches decisions must see the change,
        // in this tenant and in every tenant that inherits from it.
        changes.policyChanged(tenant);
        tree.descendants(tenant).forEach(below -> changes.policyChanged(below.id()));
    }

    /**
     * seed 004's self-protection, for networks: an allowlist that refuses the admin's own address
     * would end their access (and likely everyone's at their site) with this very request.
     */
    private static void requireOwnAddressAdmitted(SettingsDocument.Patched outcome, AuditLog.Actor actor, Origin origin) {
        String changed = outcome.after().keySet().stream().filter(path -> path.startsWith("ipAllowlist"))
                .map(path -> path.startsWith("ipAllowlistByRole") ? "ipAllowlistByRole" : "ipAllowlist")
                .findFirst().orElse(null);
        if (changed != null && origin.ip() != null && !IpRules.admit(outcome.settings(),
                actor.roles(), origin.ip())) {
            throw ApiException.badRequest(changed, "would refuse your own address " + origin.ip()
                    + " and lock you out at once; include it (or its range) first");
        }
    }
}
