package dev.gatehouse.server.alerts;

import dev.gatehouse.server.access.AccessChanges;
import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.outbound.OutboundGuard;
import dev.gatehouse.server.shared.ApiException;
import dev.gatehouse.server.shared.FieldError;
import dev.gatehouse.server.shared.Origin;
import dev.gatehouse.server.shared.TenantId;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Reads and changes a tenant's alert rules and webhook. The webhook secret is made here, shown in
 * the one answer that issues it, and never returned again; the trail records that it was issued,
 * not what it is.
 */
@Service
class AlertSettingsService {

    /** The rules and webhook as the API shows them; {@code secret} only in the answer that issued it. */
    record View(Map<String, Object> rules, WebhookView webhook) {}

    record WebhookView(@Nullable String url, boolean enabled, boolean secretSet, @Nullable String secret) {}

    record IssuedSecret(String secret) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> TOP_LEVEL = Set.of("rules", "webhook");
    private static final Set<String> WEBHOOK_FIELDS = Set.of("url", "enabled");

    private final AlertSettings settings;
    private final AuditLog audit;
    private final OutboundGuard guard;
    private final AccessChanges changes;

    private final TransactionTemplate transaction;

    AlertSettingsService(AlertSettings settings, AuditLog audit, OutboundGuard guard, AccessChanges changes,
            PlatformTransactionManager transactions) {
        this.settings = settings;
        this.audit = audit;
        this.guard = guard;
        this.changes = changes;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Transactional(readOnly = true)
    View get(TenantId tenant) {
        return view(settings.of(tenant), null);
    }

    /**
     * Replaces the rules and webhook (a rule or field left out takes its default); issues a secret
     * when a webhook URL is first given. The body is checked first, outside the transaction: the
     * outbound guard resolves the webhook's host, and a slow DNS answer must not hold a database
     * connection.
     */
    View replace(TenantId tenant, JsonNode body, AuditLog.Actor actor, Origin origin) {
        List<FieldError> errors = new ArrayList<>();
        if (!body.isObject()) {
            throw ApiException.badRequest("body", "must be an object with rules and webhook");
        }
        for (String name : body.propertyNames()) {
            if (!TOP_LEVEL.contains(name)) {
                errors.add(new FieldError(name, "is not a field; the fields are rules and webhook"));
            }
        }
        AlertRules rules = body.has("rules") ? AlertRules.parse(body.get("rules"), "rules", errors) : AlertRules.DEFAULTS;
        JsonNode webhook = body.path("webhook");
        String url = null;
        boolean enabled = false;
        if (!webhook.isMissingNode() && !webhook.isNull()) {
            if (!webhook.isObject()) {
                errors.add(new FieldError("webhook", "must be an object with url and enabled"));
            } else {
                for (String name : webhook.propertyNames()) {
                    if (!WEBHOOK_FIELDS.contains(name)) {
                        errors.add(new FieldError("webhook." + name, "is not a field; the fields are url and enabled"));
                    }
                }
                url = url(webhook.path("url"), errors);
                JsonNode on = webhook.path("enabled");
                if (!on.isMissingNode() && !on.isBoolean()) {
                    errors.add(new FieldError("webhook.enabled", "must be true or false"));
                }
                enabled = on.isBoolean() ? on.booleanValue() : url != null;
                if (enabled && url == null) {
                    errors.add(new FieldError("webhook.url", "is needed to enable the webhook"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors);
        }
        String checkedUrl = url;
        boolean checkedEnabled = enabled;
        return transaction.execute(status -> save(tenant, rules, checkedUrl, checkedEnabled, actor, origin));
    }

    private View save(TenantId tenant, AlertRules rules, @Nullable String url, boolean enabled, AuditLog.Actor actor, Origin origin) {
        AlertSettings.Settings before = settings.forUpdate(tenant);
        settings.save(tenant, rules, url, enabled);
        String issued = null;
        if (url != null && before.webhook().secret() == null) {
            issued = newSecret();
            settings.secret(tenant, issued);
        }
        AlertSettings.Settings after = settings.of(tenant);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("before", audited(before));
        details.put("after", audited(after));
        details.put("secretIssued", issued != null);
        audit.record(tenant, "ALERT_SETTINGS_CHANGED", actor, new AuditLog.Target("tenant", tenant.toString(),
                null), origin.ip(), origin.userAgent(), details);
        // Every node keeps the rules (AlertSettings.rulesOf) until the tenant is announced as changed.
        changes.policyChanged(tenant);
        return view(after, issued);
    }

    /** Issues a new webhook secret; the old one stops working at once. */
    @Transactional
    IssuedSecret rotate(TenantId tenant, AuditLog.Actor actor, Origin origin) {
        AlertSettings.Settings current = settings.forUpdate(tenant);
        if (current.webhook().url() == null) {
            throw ApiException.conflict("configure a webhook url first (PUT .../alerts)");
        }
        String secret = newSecret();
        settings.secret(tenant, secret);
        audit.record(tenant, "ALERT_WEBHOOK_SECRET_ROTATED", actor, new AuditLog.Target("tenant",
                tenant.toString(), null), origin.ip(), origin.userAgent(),
                Map.of("webhook", WebhookUrls.origin(current.webhook().url())));
        return new IssuedSecret(secret);
    }

    private @Nullable String url(JsonNode node, List<FieldError> errors) {
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.asString().isBlank()) {
            errors.add(new FieldError("webhook.url", "must be a URL or null"));
            return null;
        }
        String url = node.asString().strip();
        WebhookUrls.problem(url, guard).ifPresent(problem -> errors.add(new FieldError("webhook.url", problem)));
        return url;
    }

    /** 256 random bits; the prefix tells a leaked string for what it is. */
    private static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, Object> audited(AlertSettings.Settings settings) {
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("origin", settings.webhook().url() == null ? "" : WebhookUrls.origin(settings.webhook().url()));
        webhook.put("enabled", settings.webhook().enabled());
        return Map.of("rules", settings.rules().document(), "webhook", webhook);
    }

    private static View view(AlertSettings.Settings settings, @Nullable String issued) {
        AlertSettings.Webhook webhook = settings.webhook();
        return new View(settings.rules().document(), new WebhookView(webhook.url(), webhook.enabled(),
                webhook.secret() != null, issued));
    }
}
