-- Every message is written here in the transaction of the change that causes it, then sent by a
-- worker that retries; nothing is lost while the mail server is down (docs/architecture.md).
create table mail_outbox (
    id              uuid        primary key,
    tenant_id       uuid        not null references tenants (id),
    recipient       text        not null,
    subject         text        not null,
    body            text        not null,
    kind            text        not null,
    created_at      timestamptz not null default now(),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    sent_at         timestamptz
);
create index mail_outbox_due on mail_outbox (next_attempt_at) where sent_at is null;
create index mail_outbox_by_tenant on mail_outbox (tenant_id, created_at);
