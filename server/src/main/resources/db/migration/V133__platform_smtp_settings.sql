-- Issue 16 (seed 001, "Admin -> System -> Notifications"): the platform's SMTP server as operators set it in
-- the console. One row at most. Each column is used only where the environment (GATEHOUSE_SMTP_*) leaves the
-- value unset; the password is sealed with the environment key (secrets.SecretBox), never stored in clear.
create table platform_smtp_settings (
    id              smallint    primary key default 1 check (id = 1),
    host            text,
    port            integer     check (port between 1 and 65535),
    tls_mode        text        check (tls_mode in ('NONE', 'STARTTLS', 'TLS')),
    username        text,
    password_sealed bytea,
    from_address    text,
    updated_at      timestamptz not null default now()
);
