package dev.gatehouse.server.tenancy;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.settings.TenantSettingsStore;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells the settings store's node cache of a change announced on any node: a settings change, a
 * move under another parent and a suspension are announced as the tenant's (and a settings change
 * as each descendant's, {@link SettingsService}). Here rather than in {@code settings}, which the
 * access feature reads and so cannot listen to it.
 */
@Component
class SettingsEviction {

    private final TenantSettingsStore settings;

    SettingsEviction(TenantSettingsStore settings) {
        this.settings = settings;
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Policy policy -> settings.forget(policy.tenant());
            case AccessChanged.Everything everything -> settings.forgetAll();
            case AccessChanged.Subject subject -> {
                // One user's state: no tenant's settings.
            }
        }
    }
}
