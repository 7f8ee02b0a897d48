package dev.gatehouse.server.settings;

import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantTree;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The one reader of a tenant's settings: every feature asks here for the typed value. Not cached:
 * a change must hold on the very next request on every node (an IP allowlist, a lockout policy),
 * and the read is one query, the tenant's document with each ancestor's (a child tenant's settings
 * are its parent's with its own on top, {@link SettingsInheritance}); so a parent's change and a
 * child's move reach the child at once.
 */
@Component
public class TenantSettingsStore {

    private final TenantTree tree;

    TenantSettingsStore(TenantTree tree) {
        this.tree = tree;
    }

    /**
     * Within {@link #readOnce}: the tenants whose settings this thread read already, as read the
     * first time.
     */
    private static final ThreadLocal<@Nullable Map<TenantId, TenantSettings>> READ_ONCE = new ThreadLocal<>();

    /**
     * Runs {@code work}, which changes no settings, reading each tenant's settings once however often
     * it asks (issue 17: a sign-in asks five parts of them: throttling, networks, sign-in, devices,
     * sessions). A change made meanwhile holds from the next request, as it would had the request
     * started a moment earlier; nested calls share the outer one's reads.
     */
    public <T> T readOnce(Supplier<T> work) {
        if (READ_ONCE.get() != null) {
            return work.get();
        }
        READ_ONCE.set(new HashMap<>());
        try {
            return work.get();
        } finally {
            READ_ONCE.remove();
        }
    }

    /** The settings of {@code tenant}, the defaults for a field it never set (and for no such tenant). */
    public TenantSettings of(TenantId tenant) {
        Map<TenantId, TenantSettings> read = READ_ONCE.get();
        if (read == null) {
            return read(tenant);
        }
        TenantSettings settings = read.get(tenant);
        if (settings == null) {
            settings = read(tenant);
            read.put(tenant, settings);
        }
        return settings;
    }

    private TenantSettings read(TenantId tenant) {
        List<SettingsInheritance.Layer> layers = layers(tenant);
        if (layers.size() <= 1) {
            // No such tenant: the defaults, as for a tenant that set nothing.
            return SettingsDocument.parse(layers.isEmpty() ? "{}" : layers.getFirst().json());
        }
        return SettingsInheritance.effectiveSettings(layers);
    }

    /**
     * The effective document of the tenant's parent, which the tenant's own fields go on top of;
     * null for a tenant without a parent.
     */
    public @Nullable String inheritedJson(TenantId tenant) {
        List<SettingsInheritance.Layer> layers = layers(tenant);
        return layers.size() <= 1 ? null : SettingsInheritance.effectiveJson(layers.subList(1, layers.size()));
    }

    /** Where each effective value comes from, by path: own, an ancestor's slug, or default. */
    public Map<String, String> origins(TenantId tenant) {
        return SettingsInheritance.origins(layers(tenant));
    }

    /** The tenant's stored document, then its ancestors', nearest first, each labelled with its slug; one read. */
    private List<SettingsInheritance.Layer> layers(TenantId tenant) {
        return tree.settingsLineage(tenant).stream()
                .map(layer -> new SettingsInheritance.Layer(layer.slug(), layer.settingsJson()))
                .toList();
    }
}
