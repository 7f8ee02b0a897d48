package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.Access;
import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.authentication.IpRules;
import dev.gatehouse.server.settings.SettingsDocument;
import dev.gatehouse.server.settings.TenantSettings;
import dev.gatehouse.server.settings.TenantSettingsStore;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.Caller;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantPaths;
import java.util.Map;
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
    private final TenantPaths paths;
    private final Access access;
    private final AuditLog audit;
    private final AccessChanges changes;

    SettingsService(Tenants tenants, TenantSettingsStore settings, TenantPaths paths, Access access, AuditLog audit,
            AccessChanges changes) {
        this.tenants = tenants;
        this.settings = settings;
        this.paths = paths;
        this.access = access;
        this.audit = audit;
        this.changes = changes;
    }

    /**
     * The settings of {@code tenant} (slug or id), for a caller holding settings.read there.
     *
     * @throws ApiException 404 unless it is the caller's own tenant, 403 without settings.read
     */
    @Transactional(readOnly = true)
    public SettingsView read(Caller caller, String tenant) {
        TenantId id = paths.own(caller, tenant);
        access.require(caller, "settings.read", null);
        return get(id);
    }

    /**
     * Deep-merges {@code patch} into the settings of {@code tenant}, for a caller holding settings.edit.
     *
     * @throws ApiException 404 unless it is the caller's own tenant, 403 without settings.edit, 400
     *     naming every field at fault
     */
    @Transactional
    public SettingsView change(Caller caller, String tenant, JsonNode patch, AuditLog.Actor actor, Origin origin) {
        TenantId id = paths.own(caller, tenant);
        access.require(caller, "settings.edit", null);
        return change(id, patch, actor, origin);
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
        SettingsDocument.Patched outcome = SettingsDocument.patch(tenants.settingsJsonForUpdate(tenant), patch,
                role -> access.policy(tenant).flatMap(policy -> policy.role(role)).isPresent());
        requireOwnAddressAdmitted(outcome, actor, origin);
        // Issue 16 (guests): anonymous checks are answered as the pack's GUEST role; a pack without one has no guest.
        if (outcome.settings().guestAccess() && outcome.after().containsKey("guestAccess")
                && !access.hasGuestRole(tenant)) {
            throw ApiException.badRequest("guestAccess", "this tenant has no GUEST role, so it cannot let guests in;"
                    + " add a role with the key GUEST first");
        }
        if (outcome.changed()) {
            tenants.updateSettings(tenant, outcome.json());
            audit.record(tenant, "SETTINGS_CHANGED", actor,
                    new AuditLog.Target("tenant", tenant.toString(),
                            tenants.find(tenant.toString()).map(Tenant::slug).orElse(null)), origin.ip(), origin.userAgent(),
                    Map.of("before", outcome.before(), "after", outcome.after()));
            // The tenant's policies (IP allowlist, required second factors) apply before the engine's
            // step 2 (docs/access-model.md, "Decision"): whatever caches decisions must see the change.
            changes.policyChanged(tenant);
        }
        return SettingsView.of(outcome.settings());
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
