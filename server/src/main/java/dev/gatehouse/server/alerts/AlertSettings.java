package dev.gatehouse.server.alerts;

import dev.gatehouse.server.access.AccessChanged;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.NodeCache;
import dev.gatehouse.server.shared.TenantId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code alert_settings} table: a tenant's rules and webhook; no row means the defaults and no webhook.
 *
 * <p>The rules alone are also kept per node ({@link #rulesOf}, issue 17: every sign-in's event is
 * evaluated against them, and they rarely change). A save announces the tenant as changed
 * ({@code AlertSettingsService}, through {@code access.AccessChanges}: on this node right after the
 * commit, on the others by PostgreSQL NOTIFY within about a quarter of a second), and every node
 * drops its copy then. The webhook and its secret are never kept: they are read when an alert is raised.
 */
@Component
class AlertSettings {

    /** The webhook as configured; the secret stays inside the server. */
    record Webhook(@Nullable String url, boolean enabled, @Nullable String secret) {
        static final Webhook NONE = new Webhook(null, false, null);
    }

    /** What a tenant has set. */
    record Settings(AlertRules rules, Webhook webhook) {
        static final Settings DEFAULTS = new Settings(AlertRules.DEFAULTS, Webhook.NONE);
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;

    /** Each tenant's rules as last read on this node; a minute's expiry is only a safety net. */
    private final NodeCache<TenantId, AlertRules> rules = NodeCache.expiringAfter(10_000, Duration.ofMinutes(1));

    AlertSettings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The tenant's rules, from this node's cache when it holds them. */
    AlertRules rulesOf(TenantId tenant) {
        return rules.get(tenant, () -> of(tenant).rules());
    }

    @EventListener
    void on(AccessChanged change) {
        switch (change) {
            case AccessChanged.Policy policy -> rules.evict(policy.tenant());
            case AccessChanged.Everything everything -> rules.evictAll();
            case AccessChanged.Subject subject -> {
                // One user's state: not the tenant's rules.
            }
        }
    }

    Settings of(TenantId tenant) {
        return read(tenant, "");
    }

    /** As {@link #of}, holding the row (when there is one) until the transaction ends, so edits take turns. */
    Settings forUpdate(TenantId tenant) {
        return read(tenant, " for update");
    }

    private Settings read(TenantId tenant, String lock) {
        return jdbc.sql("select rules::text as rules, webhook_url, webhook_enabled, webhook_secret from alert_settings"
                        + " where tenant_id = :tenant" + lock)
                .param("tenant", tenant.value())
                .query((rs, n) -> new Settings(stored(rs.getString("rules")), new Webhook(rs.getString("webhook_url"),
                        rs.getBoolean("webhook_enabled"), rs.getString("webhook_secret"))))
                .optional().orElse(Settings.DEFAULTS);
    }

    /** Writes everything but the secret; a first save keeps no secret yet. */
    void save(TenantId tenant, AlertRules rules, @Nullable String url, boolean enabled) {
        jdbc.sql("""
                        insert into alert_settings (tenant_id, rules, webhook_url, webhook_enabled)
                        values (:tenant, cast(:rules as jsonb), :url, :enabled)
                        on conflict (tenant_id) do update set rules = excluded.rules, webhook_url = excluded.webhook_url,
                            webhook_enabled = excluded.webhook_enabled, updated_at = now()
                        """)
                .param("tenant", tenant.value()).param("rules", JSON.writeValueAsString(rules.document()))
                .param("url", url).param("enabled", enabled).update();
    }

    /** Replaces the webhook secret; the row exists (saved first). */
    void secret(TenantId tenant, String secret) {
        jdbc.sql("update alert_settings set webhook_secret = :secret, updated_at = now() where tenant_id = :tenant")
                .param("secret", secret).param("tenant", tenant.value()).update();
    }

    Optional<String> secretOf(TenantId tenant) {
        return jdbc.sql("select webhook_secret from alert_settings where tenant_id = :tenant and webhook_secret is not null")
                .param("tenant", tenant.value()).query(String.class).optional();
    }

    /** Stored rules were checked when saved; a field a later version dropped is no reason to stop alerting. */
    private static AlertRules stored(String json) {
        List<FieldError> ignored = new ArrayList<>();
        return AlertRules.parse(JSON.readTree(json), "rules", ignored);
    }
}
