package dev.gatehouse.server.settings;

import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.shared.TenantTree;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The one reader of a tenant's settings: every feature asks here for the typed value. The read is
 * one query, the tenant's document with each ancestor's (a child tenant's settings are its parent's
 * with its own on top, {@link SettingsInheritance}); so a parent's change and a child's move reach
 * the child at once.
 *
 * <p>Not cached, except for a sign-in and an admin's user creation ({@link #readCached}, issue 17:
 * every one reads them and they rarely change). That node cache holds the settings until a change of the tenant or of one of
 * its ancestors is announced ({@link #forget}, {@link #forgetAll}: the tenancy feature forwards the
 * cross-node change announcements, on this node right after the change's commit and on the others
 * by PostgreSQL NOTIFY within about a quarter of a second), so a changed IP allowlist or lockout
 * policy holds for sign-ins (and a changed rule for creations) on every node within the second the sessions promise (docs/security.md).
 * A read that overlapped an eviction is not kept; a minute's expiry is only a safety net.
 */
@Component
public class TenantSettingsStore {

    private final TenantTree tree;

    /** Settings read for sign-ins and user creations, with the tenants whose change makes them stale (it and its ancestors). */
    private final NodeCache<TenantId, Cached> nodeCache = NodeCache.expiringAfter(10_000, Duration.ofMinutes(1));

    TenantSettingsStore(TenantTree tree) {
        this.tree = tree;
    }

    private record Cached(TenantSettings settings, Set<TenantId> lineage) {}

    /**
     * Within {@link #readOnce} or {@link #readCached}: the tenants whose settings this thread read
     * already, as read the first time, and whether the node cache is asked first.
     */
    private record Scope(Map<TenantId, TenantSettings> read, boolean nodeCache) {}

    private static final ThreadLocal<@Nullable Scope> READ_ONCE = new ThreadLocal<>();

    /**
     * Runs {@code work}, which changes no settings, reading each tenant's settings once however often
     * it asks (issue 17: a sign-in asks five parts of them: throttling, networks, sign-in, devices,
     * sessions). A change made meanwhile holds from the next request, as it would had the request
     * started a moment earlier; nested calls share the outer one's reads.
     */
    public <T> T readOnce(Supplier<T> work) {
        return within(false, work);
    }

    /**
     * {@link #readOnce}, taking each tenant's settings from this node's cache when it holds them: for
     * work that changes no settings and runs often, a sign-in or a user creation. A change announced on any node holds
     * from the next such work after its announcement arrived here.
     */
    public <T> T readCached(Supplier<T> work) {
        return within(true, work);
    }

    private <T> T within(boolean nodeCache, Supplier<T> work) {
        if (READ_ONCE.get() != null) {
            return work.get();
        }
        READ_ONCE.set(new Scope(new HashMap<>(), nodeCache));
        try {
            return work.get();
        } finally {
            READ_ONCE.remove();
        }
    }

    /** The settings of {@code tenant}, the defaults for a field it never set (and for no such tenant). */
    public TenantSettings of(TenantId tenant) {
        Scope scope = READ_ONCE.get();
        if (scope == null) {
            return read(tenant).settings();
        }
        TenantSettings settings = scope.read().get(tenant);
        if (settings == null) {
            settings = scope.nodeCache() ? throughNodeCache(tenant) : read(tenant).settings();
            scope.read().put(tenant, settings);
        }
        return settings;
    }

    /** The settings of {@code tenant} (it and its ancestors) changed: drop what this node holds of it and below. */
    public void forget(TenantId tenant) {
        nodeCache.evictIf(cached -> cached.lineage().contains(tenant));
    }

    /** Announcements may have been missed: drop everything this node holds. */
    public void forgetAll() {
        nodeCache.evictAll();
    }

    private TenantSettings throughNodeCache(TenantId tenant) {
        // Kept only for a tenant that exists: one created a moment later has its own settings at once.
        return nodeCache.get(tenant, () -> read(tenant), found -> !found.lineage().isEmpty()).settings();
    }

    private Cached read(TenantId tenant) {
        List<TenantTree.Layer> lineage = tree.settingsLineage(tenant);
        List<SettingsInheritance.Layer> layers = lineage.stream()
                .map(layer -> new SettingsInheritance.Layer(layer.slug(), layer.settingsJson()))
                .toList();
        Set<TenantId> ids = lineage.stream().map(TenantTree.Layer::id).collect(Collectors.toUnmodifiableSet());
        if (layers.size() <= 1) {
            // No such tenant: the defaults, as for a tenant that set nothing.
            return new Cached(SettingsDocument.parse(layers.isEmpty() ? "{}" : layers.getFirst().json()), ids);
        }
        return new Cached(SettingsInheritance.effectiveSettings(layers), ids);
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
