package dev.gatehouse.server.settings;

import dev.gatehouse.server.shared.TenantDirectory;
import dev.gatehouse.server.shared.TenantId;
import org.springframework.stereotype.Component;

/**
 * The one reader of a tenant's settings: every feature asks here for the typed value. Not cached:
 * a change must hold on the very next request on every node (an IP allowlist, a lockout policy),
 * and the read is one lookup by primary key.
 */
@Component
public class TenantSettingsStore {

    private final TenantDirectory tenants;

    TenantSettingsStore(TenantDirectory tenants) {
        this.tenants = tenants;
    }

    /** The settings of {@code tenant}, the defaults for a field it never set (and for no such tenant). */
    public TenantSettings of(TenantId tenant) {
        return SettingsDocument.parse(tenants.settingsJson(tenant));
    }
}
