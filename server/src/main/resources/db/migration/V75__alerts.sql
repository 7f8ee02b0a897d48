-- Issue 5: audit alerts (docs/audit.md, "Alerts").

-- A tenant's alert rules and webhook. A tenant without a row has the default rules, every one on,
-- and no webhook: existing and new tenants alike, with nothing to copy. The row is written when an
-- admin first saves rules. The webhook secret is kept as issued because signing needs it (like a
-- TOTP secret); the API shows it once and never again.
create table alert_settings (
    tenant_id       uuid        primary key references tenants (id),
    rules           jsonb       not null,
    webhook_url     text,
    webhook_enabled boolean     not null default false,
    webhook_secret  text,
    updated_at      timestamptz not null default now()
);

-- One row per alert raised. The unique key is the dedupe: one alert per rule and subject per
-- window, on any number of nodes (insert ... on conflict do nothing).
create table alerts (
    tenant_id    uuid        not null references tenants (id),
    id           uuid        not null,
    rule         text        not null,
    subject      text        not null,
    window_start timestamptz not null,
    raised_at    timestamptz not null,
    event_seq    bigint      not null,
    details      jsonb       not null,
    primary key (tenant_id, id),
    unique (tenant_id, rule, subject, window_start)
);
create index alerts_recent on alerts (tenant_id, rule, subject, raised_at);

-- Webhook deliveries of alerts, sent by every node's worker (claimed with SKIP LOCKED, retried
-- with backoff, given up after the last attempt and kept).
create table alert_webhook_deliveries (
    tenant_id       uuid        not null,
    id              uuid        not null,
    alert_id        uuid        not null,
    url             text        not null,
    body            text        not null,
    created_at      timestamptz not null default now(),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    delivered_at    timestamptz,
    failed_at       timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, alert_id) references alerts (tenant_id, id)
);
create index alert_webhook_deliveries_due on alert_webhook_deliveries (next_attempt_at)
    where delivered_at is null and failed_at is null;

-- The counting rules read the trail by time: failed sign-ins of the tenant or of one account, and
-- the records one user touched. The existing indexes run in sequence order, not by time.
create index audit_by_action_at on audit_events (tenant_id, action, at);
create index audit_by_action_target_at on audit_events (tenant_id, action, target_id, at);
create index audit_by_actor_at on audit_events (tenant_id, actor_id, at) where actor_id is not null;
