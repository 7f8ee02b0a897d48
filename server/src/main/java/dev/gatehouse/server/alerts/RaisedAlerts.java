package dev.gatehouse.server.alerts;

import dev.gatehouse.server.audit.AuditLog;
import dev.gatehouse.server.mail.MailTemplates;
import dev.gatehouse.server.mail.Outbox;
import dev.gatehouse.server.shared.PublicUrl;
import dev.gatehouse.server.shared.TenantId;
import dev.gatehouse.server.tenancy.Tenants;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Raises an alert: claims its dedupe key, records {@code ALERT_RAISED} in the tenant's chain,
 * queues the e-mail to the tenant's admins and the webhook delivery, all in one transaction, so
 * an alert is raised, told and audited once, or not at all.
 */
@Component
class RaisedAlerts {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final Outbox outbox;
    private final MailTemplates templates;
    private final Admins admins;
    private final Clock clock;
    private final PublicUrl publicUrl;
    private final Tenants tenants;

    RaisedAlerts(JdbcClient jdbc, AuditLog audit, Outbox outbox, MailTemplates templates, Admins admins,
            Clock clock, PublicUrl publicUrl, Tenants tenants) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.outbox = outbox;
        this.templates = templates;
        this.admins = admins;
        this.clock = clock;
        this.publicUrl = publicUrl;
        this.tenants = tenants;
    }

    /** Raises {@code alert} unless its rule already alerted about its subject in this window; returns its id if raised. */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<UUID> raise(TenantId tenant, Alert alert, AlertSettings.Webhook webhook) {
        Instant now = clock.instant();
        Map<String, Object> details = details(alert);
        UUID id = UUID.randomUUID();
        Optional<UUID> claimed = jdbc.sql("""
                        insert into alerts (tenant_id, id, rule, subject, window_start, raised_at, event_seq, details)
                        select :tenant, :id, :rule, :subject, :windowStart, :now, :seq, cast(:details as jsonb)
                        where not exists (select 1 from alerts
                                          where tenant_id = :tenant and rule = :rule and subject = :subject
                                            and raised_at > :quietSince)
                        on conflict (tenant_id, rule, subject, window_start) do nothing
                        returning id
                        """)
                .param("tenant", tenant.value()).param("id", id).param("rule", alert.rule())
                .param("subject", alert.subject()).param("windowStart", utc(alert.windowStart()))
                .param("now", utc(now)).param("seq", alert.trigger().seq())
                .param("details", JSON.writeValueAsString(details))
                .param("quietSince", utc(alert.quiet() == null ? now : alert.trigger().at().minus(alert.quiet())))
                .query(UUID.class).optional();
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        audit.record(tenant, "ALERT_RAISED", AuditLog.Actor.SYSTEM, new AuditLog.Target("alert", id.toString(),
                alert.rule()), null, null, details);
        String slug = tenants.find(tenant).orElseThrow().slug();
        String link = publicUrl.base() + "/api/v1/tenants/" + slug + "/audit?" + alert.activityQuery();
        for (String recipient : admins.recipients(tenant)) {
            outbox.enqueue(tenant, templates.auditAlert(tenant, recipient, alert.what(), alert.trigger().at(),
                    alert.who(), alert.trigger().ip(), link));
        }
        if (webhook.enabled() && webhook.url() != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id.toString());
            body.put("type", "ALERT_RAISED");
            body.put("tenant", Map.of("id", tenant.toString(), "slug", slug));
            body.put("raisedAt", now.toString());
            body.put("what", alert.what());
            body.putAll(details);
            body.put("activityUrl", link);
            jdbc.sql("""
                            insert into alert_webhook_deliveries (tenant_id, id, alert_id, url, body)
                            values (:tenant, :id, :alert, :url, :body)
                            """)
                    .param("tenant", tenant.value()).param("id", UUID.randomUUID()).param("alert", id)
                    .param("url", webhook.url()).param("body", JSON.writeValueAsString(body)).update();
        }
        return claimed;
    }

    /** What the trail and the webhook say about an alert: the rule, its subject and counts, and the event. */
    private static Map<String, Object> details(Alert alert) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("rule", alert.rule());
        details.put("subject", alert.subject());
        details.put("count", alert.count());
        details.put("threshold", alert.threshold());
        if (alert.minutes() != null) {
            details.put("minutes", alert.minutes());
        }
        details.put("windowStart", alert.windowStart().toString());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("seq", alert.trigger().seq());
        event.put("action", alert.trigger().action());
        event.put("at", alert.trigger().at().toString());
        event.put("actor", alert.who());
        if (alert.trigger().ip() != null) {
            event.put("ip", alert.trigger().ip());
        }
        if (alert.trigger().target() != null) {
            event.put("target", alert.trigger().target().type() + ":" + alert.trigger().target().id());
        }
        details.put("event", event);
        return details;
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
